"""A listener on 127.0.0.1 that keeps the raw bytes of every request, for the evaluator's tests.

It answers like the demo's toy server (an identifier on `.ecp`, a stored note on `.txt`), reads
each request by its `Content-Length`, and keeps connections open as HTTP/1.1 clients expect.
The raw bytes are parsed here, independently of the evaluator, into `HttpRequest`s.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from forewarn.domain.wire import HttpRequest


def _read_request(conn: socket.socket, pending: bytes) -> tuple[bytes, bytes] | None:
    data = pending
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


def _answer(raw: bytes, notes: dict[str, bytes]) -> bytes:
    request = parse(raw)
    body = b"ok"
    status = "200 OK"
    if request.path.endswith(".ecp"):
        body = b"S-1-5-21-toy"
    elif request.path.endswith(".txt"):
        if request.method == "POST":
            notes[request.path] = request.body
        elif request.path in notes:
            body = notes[request.path]
        else:
            status, body = "404 Not Found", b"no such note"
    return f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


@contextmanager
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A started listener; yields its port and the list of raw requests it received."""
    server = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []
    notes: dict[str, bytes] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        pending = b""
        with conn:
            while True:
                got = _read_request(conn, pending)
                if got is None:
                    return
                raw, pending = got
                with lock:
                    received.append(raw)
                conn.sendall(_answer(raw, notes))

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        stop.set()
        thread.join()
        server.close()


def parse(raw: bytes) -> HttpRequest:
    """A captured request in the wire form (all features shown)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name, value.strip()))
    path, _, query = target.partition("?")
    host = next((v for k, v in headers if k.lower() == "host"), None)
    return HttpRequest(
        method=method,
        path=path,
        query=tuple(urllib.parse.parse_qsl(query, keep_blank_values=True)),
        headers=tuple(headers),
        body=body,
        host=host,
        source="http",
    )


def run(script: Path) -> list[HttpRequest]:
    """Run one of our own benign PoCs against a fresh listener; the requests it sent."""
    with listener() as (port, received):
        argv = [sys.executable, "-I", str(script), "--host", "127.0.0.1", "--port", str(port)]
        subprocess.run(argv, check=True, capture_output=True, timeout=60)
        return [parse(raw) for raw in received]
