"""Support for the Python-source and payload channel tests: the PoC, attacker transformations,
the toy server, unrelated code."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import ModuleType

from forewarn.demo import disguises

SCENARIO = files("forewarn") / "data" / "scenarios" / "exchange-2021"


@cache
def poc_source() -> str:
    """The shipped benign PoC."""
    return (SCENARIO / "poc.py").read_text(encoding="utf-8")


@cache
def toy_server() -> ModuleType:
    """The shipped toy server, loaded from its file (it is package data, not a module)."""
    spec = importlib.util.spec_from_file_location(
        "forewarn_toy_server", str(SCENARIO / "toy_server.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_bits(count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(0, 1) for _ in range(count)]


# -- attacker transformations ----------------------------------------------------------------------


def rename_all(source: str) -> str:
    """Every identifier the file binds renamed (forewarn.demo.disguises.rename), layout kept."""
    return disguises.rename(source, lambda name, rank, _: f"v{rank}_{len(name)}")


TRANSFORMS: dict[str, Callable[[str], str]] = {
    **{key: attack.apply for key, attack in disguises.ATTACKS.items()},
    "rename_all": rename_all,
}
"""Attacker transformations, by name (the one library: forewarn.demo.disguises)."""


# -- unrelated code --------------------------------------------------------------------------------


def stdlib_sources(count: int = 50, *, max_bytes: int = 60_000) -> list[str]:
    """Standard-library modules of the running interpreter, read as text (never imported)."""
    lib = Path(sysconfig.get_paths()["stdlib"])
    paths = sorted(p for p in lib.glob("*.py") if p.stat().st_size <= max_bytes)
    chosen = random.Random(3).sample(paths, min(count, len(paths)))
    return [p.read_text(encoding="utf-8", errors="replace") for p in chosen]


INDEPENDENT_CLIENT = '''\
"""A client for the same toy flaw, written independently of the shipped PoC."""
import socket
import sys


def raw_request(host, port, lines, payload=b""):
    sock = socket.create_connection((host, port), timeout=5)
    try:
        head = "\\r\\n".join(lines) + "\\r\\n\\r\\n"
        sock.sendall(head.encode() + payload)
        chunks = []
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        sock.close()


def run(host, port):
    cookie = "X-AnonResource=true; X-BEResource=box@lab/ews/exchange.asmx?a=~42"
    answer = raw_request(host, port, [
        "GET /autodiscover/autodiscover.json?Email=box%40lab&Protocol=Autodiscoverv1 HTTP/1.1",
        "Host: %s:%d" % (host, port),
        "User-Agent: curl/7.68.0",
        "Cookie: " + cookie,
        "Connection: close",
    ])
    print(answer.split(b"\\r\\n")[0].decode())
    body = b"hello"
    answer = raw_request(host, port, [
        "POST /aspnet_client/note.txt HTTP/1.1",
        "Host: %s:%d" % (host, port),
        "Content-Length: %d" % len(body),
        "Connection: close",
    ], body)
    print(answer.split(b"\\r\\n")[0].decode())


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    run(target, int(sys.argv[2]) if len(sys.argv) > 2 else 8080)
'''
"""Same flaw, same server, other author: must not read as anyone's copy."""


# -- running PoCs against the toy server -----------------------------------------------------------


def run_against_toy(
    source: str, workdir: Path, *, args: list[str] | None = None, logs: bool = False
) -> tuple[list[dict[str, object]], Path, Path]:
    """Run `source` as a program against a fresh toy server; the requests it recorded, in order."""
    workdir.mkdir(parents=True, exist_ok=True)
    record, w3c, apache = workdir / "requests.jsonl", workdir / "w3c.log", workdir / "access.log"
    server = toy_server().serve(record, w3c=w3c if logs else None, apache=apache if logs else None)
    try:
        script = workdir / "client.py"
        script.write_text(source, encoding="utf-8")
        port = str(server.server_address[1])
        argv = args if args is not None else ["--port", port]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        subprocess.run(
            [sys.executable, "-I", str(script), *[a.replace("{port}", port) for a in argv]],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=workdir,
            env=env,
        )
    finally:
        server.shutdown()
        server.server_close()
    requests = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    return requests, w3c, apache


def raw_http(requests: list[dict[str, object]]) -> str:
    """The recorded requests as a packet capture would show them."""
    out = []
    for entry in requests:
        headers = entry["headers"]
        assert isinstance(headers, list)
        lines = [f"{entry['method']} {entry['path']} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in headers]
        out.append("\r\n".join(lines) + "\r\n\r\n" + str(entry["body"]))
    return "\n".join(out)
