#!/usr/bin/env python3
"""Local toy HTTP server for forewarn's benign PoC: it records requests and answers harmlessly.

It listens on 127.0.0.1 only. Each request is appended to a JSON Lines file (method, path, headers
in the order they arrived, body) and, when asked, to web-server logs in the W3C extended format of
IIS and in Apache's combined format, so that the payload channel can be tested on real log lines.
"""

from __future__ import annotations

import argparse
import datetime
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

W3C_FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"
)
"""The `#Fields:` line IIS writes by default."""


class Recorder:
    """Appends requests to the JSONL record and the optional log files, one writer at a time."""

    def __init__(self, record: Path, w3c: Path | None, apache: Path | None) -> None:
        self.record, self.w3c, self.apache = record, w3c, apache
        self.lock = threading.Lock()
        self.notes: dict[str, bytes] = {}
        if w3c is not None and not w3c.exists():
            w3c.write_text("#Software: toy-server\n#Version: 1.0\n#Fields: " + W3C_FIELDS + "\n")

    def write(self, entry: dict[str, object], status: int, client: str, port: int) -> None:
        """Record one request and the status it got."""
        now = datetime.datetime.now(datetime.UTC)
        with self.lock:
            with self.record.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry) + "\n")
            if self.w3c is not None:
                with self.w3c.open("a", encoding="utf-8") as out:
                    out.write(w3c_line(entry, status, client, port, now) + "\n")
            if self.apache is not None:
                with self.apache.open("a", encoding="utf-8") as out:
                    out.write(apache_line(entry, status, client, now) + "\n")


def _header(entry: dict[str, object], name: str) -> str:
    headers = entry["headers"]
    assert isinstance(headers, list)
    for key, value in headers:
        if key.lower() == name.lower():
            return str(value)
    return ""


def w3c_line(
    entry: dict[str, object], status: int, client: str, port: int, now: datetime.datetime
) -> str:
    """One IIS W3C extended log line: spaces in fields become `+`, empty fields `-`."""
    target = urllib.parse.urlsplit(str(entry["path"]))

    def field(value: str) -> str:
        return value.replace(" ", "+") if value else "-"

    return " ".join(
        [
            now.strftime("%Y-%m-%d"),
            now.strftime("%H:%M:%S"),
            "127.0.0.1",
            str(entry["method"]),
            field(target.path),
            field(target.query),
            str(port),
            "-",
            client,
            field(_header(entry, "User-Agent")),
            field(_header(entry, "Referer")),
            str(status),
            "0",
            "0",
            "1",
        ]
    )


def apache_line(entry: dict[str, object], status: int, client: str, now: datetime.datetime) -> str:
    """One Apache combined log line."""
    stamp = now.strftime("%d/%b/%Y:%H:%M:%S +0000")
    request = f"{entry['method']} {entry['path']} HTTP/1.1"
    referer = _header(entry, "Referer") or "-"
    agent = _header(entry, "User-Agent") or "-"
    return f'{client} - - [{stamp}] "{request}" {status} 0 "{referer}" "{agent}"'


class Handler(BaseHTTPRequestHandler):
    """Answers every method with a short harmless body after recording the request."""

    recorder: Recorder
    server_version = "toy-server/1.0"

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        entry: dict[str, object] = {
            "method": self.command,
            "path": self.path,
            "headers": list(self.headers.items()),
            "body": body.decode("utf-8", "replace"),
        }
        status, answer = 200, b"toy-server: request recorded"
        stem = urllib.parse.urlsplit(self.path).path
        if self.command == "POST" and stem.endswith(".txt"):
            self.recorder.notes[stem] = body
        elif self.command == "GET" and stem.endswith(".txt"):
            if stem in self.recorder.notes:
                answer = self.recorder.notes[stem]
            else:
                status, answer = 404, b"toy-server: no such note"
        elif stem.endswith(".ecp"):
            answer = b"S-1-5-21-toy"
        self.recorder.write(entry, status, self.client_address[0], self.server.server_address[1])
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_HEAD = _handle

    def log_message(self, format: str, *args: object) -> None:
        """Keep stderr quiet; the record is the log."""


def serve(
    record: Path, *, port: int = 0, w3c: Path | None = None, apache: Path | None = None
) -> ThreadingHTTPServer:
    """A started server on 127.0.0.1 (port 0 picks a free one); call `shutdown()` when done."""
    handler = type("BoundHandler", (Handler,), {"recorder": Recorder(record, w3c, apache)})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    """Run until interrupted, printing the port."""
    parser = argparse.ArgumentParser(description="forewarn toy server (127.0.0.1 only)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--record", type=Path, default=Path("requests.jsonl"))
    parser.add_argument("--w3c-log", type=Path)
    parser.add_argument("--apache-log", type=Path)
    args = parser.parse_args()
    server = serve(args.record, port=args.port, w3c=args.w3c_log, apache=args.apache_log)
    print(f"toy server on 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
