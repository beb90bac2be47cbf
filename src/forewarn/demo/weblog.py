"""Web-server logs for the demo: what a mail server saw on the days of the scanning and the wave.

The exploitation lines are not invented: the leaking partner's own benign PoC copy is run against
a capture server on 127.0.0.1 and the requests it really sends are written as IIS (W3C extended)
log lines, so any wire-level marks it carries show up exactly as they would in the wild. Scanner
probes and ordinary user traffic around them come from a seeded generator.
"""

from __future__ import annotations

import random
import subprocess  # the standard library's subprocess, for our own tools  # nosec B404
import sys
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from forewarn.errors import InvestigationError

W3C_FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Cookie) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"
)
"""The IIS fields written, cookie included (sites log it to see exactly this kind of attack)."""

SERVER_IP = "10.20.0.15"
"""The mail server's address in the logs."""

RUN_TIMEOUT = 30.0
"""Seconds one run of the PoC may take against the capture server."""


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request as the capture server received it."""

    method: str
    """`GET`, `POST`, …"""
    target: str
    """Path with query string."""
    headers: tuple[tuple[str, str], ...]
    """Headers in the order sent."""


class _Capture(BaseHTTPRequestHandler):
    requests: list[Request]
    lock: threading.Lock

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with self.lock:
            self.requests.append(Request(self.command, self.path, tuple(self.headers.items())))
        body = b"S-1-5-21-4000-500" if self.path.startswith("/ecp/") else b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default stderr log."""


@contextmanager
def capture_server() -> Iterator[tuple[int, list[Request]]]:
    """A local HTTP server on 127.0.0.1 recording every request; yields its port and the list."""

    class Handler(_Capture):
        """A handler class of its own, so that concurrent servers keep separate records."""

    Handler.requests = []
    Handler.lock = threading.Lock()
    handler = Handler
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler.requests
    finally:
        server.shutdown()
        server.server_close()


def run_poc(script: Path, runs: int) -> list[list[Request]]:
    """Run a benign PoC `runs` times against the capture server; the requests of each run."""
    captured: list[list[Request]] = []
    with capture_server() as (port, requests):
        for _ in range(runs):
            start = len(requests)
            argv = [sys.executable, "-I", str(script), "--host", "127.0.0.1", "--port", str(port)]
            try:
                subprocess.run(  # noqa: S603 - our own benign PoC, local server only  # nosec B603
                    argv, check=True, capture_output=True, timeout=RUN_TIMEOUT
                )
            except (subprocess.SubprocessError, OSError) as exc:
                raise InvestigationError(f"the demo PoC run failed: {exc}") from exc
            captured.append(list(requests[start:]))
    return captured


def _field(value: str) -> str:
    return value.replace(" ", "+") if value else "-"


def w3c_line(at: datetime, client: str, request: Request, status: int = 200) -> str:
    """One IIS W3C extended log line."""
    path, _, query = request.target.partition("?")
    headers = {k.lower(): v for k, v in request.headers}
    return " ".join(
        [
            f"{at:%Y-%m-%d %H:%M:%S}",
            SERVER_IP,
            request.method,
            urllib.parse.unquote(path) if "%" not in path else path,
            _field(query),
            "443",
            "-",
            client,
            _field(headers.get("user-agent", "")),
            _field(headers.get("cookie", "")),
            _field(headers.get("referer", "")),
            str(status),
            "0",
            "0",
            str(10 + len(request.target) % 40),
        ]
    )


def w3c_log(day: datetime, lines: Sequence[tuple[datetime, str]]) -> str:
    """A whole day's log file, lines in time order, with the W3C header."""
    head = [
        "#Software: Microsoft Internet Information Services 10.0",
        "#Version: 1.0",
        f"#Date: {day:%Y-%m-%d} 00:00:00",
        f"#Fields: {W3C_FIELDS}",
    ]
    return "\n".join([*head, *(text for _, text in sorted(lines))]) + "\n"


_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:85.0) Gecko/20100101 Firefox/85.0",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.13628; Pro)",
    "Apple-iPhone12C1/1802.150",
)
_USER_PATHS = (
    ("GET", "/owa/"),
    ("POST", "/owa/auth.owa"),
    ("POST", "/Microsoft-Server-ActiveSync"),
    ("GET", "/EWS/Exchange.asmx"),
)
_SCANNER_AGENTS = ("python-requests/2.25.1", "Mozilla/5.0 zgrab/0.x", "curl/7.68.0")


def background(day: datetime, rng: random.Random, count: int = 120) -> list[tuple[datetime, str]]:
    """Ordinary users reading mail from inside the network."""
    lines = []
    for _ in range(count):
        at = day + timedelta(seconds=rng.randrange(6 * 3600, 20 * 3600))
        method, path = rng.choice(_USER_PATHS)
        agent = rng.choice(_USER_AGENTS)
        request = Request(method, path, (("User-Agent", agent),))
        lines.append(
            (at, w3c_line(at, f"10.20.{rng.randrange(1, 9)}.{rng.randrange(2, 250)}", request))
        )
    return lines


def scanning(day: datetime, rng: random.Random, sources: int) -> list[tuple[datetime, str]]:
    """Internet-wide scanners probing the autodiscover endpoint, without any exploit payload."""
    lines = []
    for index in range(sources):
        at = day + timedelta(seconds=rng.randrange(0, 86_400))
        agent = rng.choice(_SCANNER_AGENTS)
        request = Request("GET", "/autodiscover/autodiscover.json", (("User-Agent", agent),))
        client = f"198.51.100.{10 + index}"
        lines.append((at, w3c_line(at, client, request, status=rng.choice((200, 302, 401)))))
    return lines


def exploitation(
    day: datetime, rng: random.Random, runs: Sequence[Sequence[Request]]
) -> list[tuple[datetime, str]]:
    """Each captured run of the tool, from its own source address, at its own time of day."""
    lines = []
    for index, run in enumerate(runs):
        at = day + timedelta(seconds=rng.randrange(3600, 80_000))
        client = f"203.0.113.{40 + index}"
        for step, request in enumerate(run):
            lines.append(
                (
                    at + timedelta(seconds=step),
                    w3c_line(at + timedelta(seconds=step), client, request),
                )
            )
    return lines


__all__ = [
    "SERVER_IP",
    "W3C_FIELDS",
    "Request",
    "background",
    "capture_server",
    "exploitation",
    "run_poc",
    "scanning",
    "w3c_line",
    "w3c_log",
]
