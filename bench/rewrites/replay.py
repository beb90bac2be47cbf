"""Replay tools reconstructed from a capture, as an attacker who only kept the traffic writes them.

The attacker ran the leaked copy against their own listener, kept the raw requests, and wrote
the smallest program that sends them again: a list of requests, each a method, a target, the
header pairs as captured and the body, sent with `http.client` (header by header) or a raw
socket. Only the `Host` header is re-aimed at the host given on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rewrites.clients import CLIENTS
from rewrites.model import Leak, Output


@dataclass(frozen=True, slots=True)
class Sent:
    """One captured request, split as the attacker reads it."""

    method: str
    """Request method."""
    target: str
    """Request target (path and query, as sent)."""
    headers: tuple[tuple[str, str], ...]
    """Header lines as `(name, value)`, names as spelt, in order."""
    body: bytes
    """Body bytes."""


def split(raw: bytes) -> Sent:
    """A raw request (as the listener kept it) into its parts."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name, value[1:] if value.startswith(" ") else value))
    return Sent(method, target, tuple(headers), body)


PROGRAM = """#!/usr/bin/env python3
import argparse
{imports}
CAPTURED = {captured!r}

{send}

def main():
    parser = argparse.ArgumentParser(description="replay")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    for method, target, headers, body in CAPTURED:
        aimed = [
            (name, "%s:%d" % (args.host, args.port) if name.lower() == "host" else value)
            for name, value in headers
        ]
        status, _ = send(args.host, args.port, method, target, aimed, body or None, timeout=10)
        print(method, target, status)


if __name__ == "__main__":
    main()
"""


def replay_with(client: str) -> object:
    """The attack: a replay tool over `client` built from what the leaked copy sends."""

    def build(leak: Leak) -> Output:
        sent = [split(raw) for raw in leak.sent()]
        captured = [(s.method, s.target, list(s.headers), s.body) for s in sent]
        chosen = CLIENTS[client]
        text = PROGRAM.format(imports=chosen.imports, captured=captured, send=chosen.send)
        return Output({"replay.py": text.encode()})

    return build
