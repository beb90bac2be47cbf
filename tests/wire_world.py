"""Real traffic for the capture readers: a recording listener on the loopback, the HTTP clients a
PoC is written with, tcpdump, and a small pcapng writer (tcpdump writes only pcap).

The listener frames requests with its own few lines of code (not the product's parser), keeps
the raw bytes it received per request and answers `200 ok` with keep-alive, so that clients that
reuse a connection (http.client, requests, httpx, a raw socket sending pipelined requests) do.

One recorded session of real traffic on the loopback, shared by the capture-reader tests.

Every client of `wire_kit.CLIENTS` and the shipped benign PoC (unmarked, against the recording
listener only) send their requests over IPv4; the raw socket and http.client do it again over
IPv6 (`::1`) when the machine has it. tcpdump records the session three ways at once: on `lo`
(Ethernet framing on Linux), on `any` (Linux cooked v2) and on `any` forced to cooked v1.
"""

from __future__ import annotations

import dataclasses
import http.client
import os
import select
import shutil
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from forewarn.demo.scenario import scenario_dir

BODY = b"\x00\x01 probe=1&x=\x00\xff end\r\n"
"""A request body with NUL bytes and a CRLF in it: a capture of it is still a capture."""
QUERY = (("zeta", "1"), ("alpha", "two words"), ("mid", ""), ("alpha", "again&="))
"""Query pairs in an order no client sorts into."""


@dataclass(frozen=True)
class Received:
    """One request as the listener framed it."""

    client: str
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    raw: bytes


@dataclass
class Listener:
    """A recording HTTP/1.1 listener on the loopback."""

    family: socket.AddressFamily = socket.AF_INET
    received: list[Received] = field(default_factory=list)
    dump: bytearray = field(default_factory=bytearray)
    client: str = ""
    port: int = 0

    @property
    def host(self) -> str:
        return "::1" if self.family == socket.AF_INET6 else "127.0.0.1"

    @property
    def url(self) -> str:
        host = "[::1]" if self.family == socket.AF_INET6 else "127.0.0.1"
        return f"http://{host}:{self.port}"


def _frame(buffer: bytes) -> tuple[Received, bytes] | None:
    """One request off the front of `buffer`, and the rest; `None` until it is complete."""
    head, sep, rest = buffer.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.split(b"\r\n")
    method, target, _ = lines[0].decode("latin-1").split(" ", 2)
    headers = tuple(
        (n.decode("latin-1"), v.strip().decode("latin-1"))
        for n, v in (line.split(b":", 1) for line in lines[1:])
    )
    fields = {n.lower(): v for n, v in headers}
    if "chunked" in fields.get("transfer-encoding", ""):
        end = rest.find(b"0\r\n\r\n")
        if end < 0:
            return None
        body, pos, chunks = rest[: end + 5], 0, bytearray()
        while True:
            nl = body.index(b"\r\n", pos)
            size = int(body[pos:nl], 16)
            if size == 0:
                break
            chunks += body[nl + 2 : nl + 2 + size]
            pos = nl + 2 + size + 2
        raw_body, rest = rest[: end + 5], rest[end + 5 :]
        decoded = bytes(chunks)
    else:
        length = int(fields.get("content-length", "0"))
        if len(rest) < length:
            return None
        raw_body, rest = rest[:length], rest[length:]
        decoded = raw_body
    raw = head + sep + raw_body
    return Received("", method, target, headers, decoded, raw), rest


@contextmanager
def listening(family: socket.AddressFamily = socket.AF_INET) -> Iterator[Listener]:
    """A `Listener` served from a thread while the block runs."""
    state = Listener(family)
    lock = threading.Lock()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            buffer = b""
            while True:
                framed = _frame(buffer)
                if framed is None:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                    continue
                request, buffer = framed
                with lock:
                    state.received.append(dataclasses.replace(request, client=state.client))
                    state.dump += request.raw
                self.request.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
                )

    class Server(socketserver.ThreadingTCPServer):
        address_family = family
        daemon_threads = True
        allow_reuse_address = True

    server = Server((state.host, 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _target(path: str) -> str:
    return f"{path}?{urllib.parse.urlencode(QUERY)}"


def raw_socket(listener: Listener) -> None:
    """Three pipelined requests on one connection: Content-Length, chunked, then a GET."""
    host = f"{listener.host}:{listener.port}"
    chunked = b"5\r\n" + BODY[:5] + b"\r\n" + f"{len(BODY) - 5:x}".encode() + b"\r\n"
    chunked += BODY[5:] + b"\r\n0\r\n\r\n"
    wire = (
        f"POST {_target('/raw/submit')} HTTP/1.1\r\nHost: {host}\r\nx-lower-case: 1\r\n"
        f"X-UPPER: 2\r\nuser-Agent: raw/1.0\r\nContent-Length: {len(BODY)}\r\n\r\n"
    ).encode() + BODY
    wire += (
        f"PUT /raw/chunked HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode() + chunked
    wire += f"GET /raw/last?b=&a=1 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection((listener.host, listener.port), timeout=10) as sock:
        sock.sendall(wire)
        answers = b""
        while answers.count(b"\r\n\r\nok") < 3:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answers += chunk


def split_socket(listener: Listener) -> None:
    """One request written a few bytes at a time with Nagle off: many small TCP segments."""
    head = (
        f"POST {_target('/split/submit')} HTTP/1.1\r\nHost: {listener.host}:{listener.port}\r\n"
        f"X-Split: yes\r\nContent-Length: {len(BODY)}\r\nConnection: close\r\n\r\n"
    ).encode()
    wire = head + BODY
    with socket.create_connection((listener.host, listener.port), timeout=10) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for start in range(0, len(wire), 9):
            sock.sendall(wire[start : start + 9])
            time.sleep(0.002)
        sock.recv(65536)


def with_http_client(listener: Listener) -> None:
    """http.client sends names as written, in the order put; two requests on one connection."""
    conn = http.client.HTTPConnection(listener.host, listener.port, timeout=10)
    conn.putrequest("POST", _target("/hc/submit"), skip_host=True, skip_accept_encoding=True)
    for name, value in (
        ("X-Mixed-Case", "a"),
        ("host", f"{listener.host}:{listener.port}"),
        ("accept", "*/*"),
        ("User-Agent", "hc/2.0 (probe)"),
        ("Cookie", "b=2; a=1"),
        ("Content-Length", str(len(BODY))),
    ):
        conn.putheader(name, value)
    conn.endheaders(BODY)
    conn.getresponse().read()
    conn.request("GET", "/hc/second?only=1", headers={"X-Second": "yes"})
    conn.getresponse().read()
    conn.close()


def with_urllib(listener: Listener) -> None:
    """urllib capitalises names (`X-probe-id`) and puts its own headers around them."""
    request = urllib.request.Request(
        listener.url + _target("/urllib/submit"),
        data=BODY,
        headers={"X-Probe-ID": "7", "user-agent": "ul/3"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as answer:
        answer.read()


def with_requests(listener: Listener) -> None:
    """requests, with its session defaults cleared, sends the given case and order."""
    import requests

    with requests.Session() as session:
        session.trust_env = False
        session.headers.clear()
        session.post(
            listener.url + "/requests/submit",
            params=list(QUERY),
            headers={"X-Token-Id": "r", "user-agent": "rq/4", "Accept": "*/*"},
            data=BODY,
            timeout=10,
        ).raise_for_status()


def with_httpx(listener: Listener) -> None:
    """httpx, given a list of header pairs."""
    import httpx

    with httpx.Client(trust_env=False, timeout=10) as client:
        client.post(
            listener.url + "/httpx/submit",
            params=list(QUERY),
            headers=[("X-Hx-Id", "h"), ("User-Agent", "hx/5"), ("accept", "*/*")],
            content=BODY,
        ).raise_for_status()


CLIENTS: dict[str, Callable[[Listener], None]] = {
    "socket": raw_socket,
    "split": split_socket,
    "http.client": with_http_client,
    "urllib": with_urllib,
    "requests": with_requests,
    "httpx": with_httpx,
}
"""Every client, by name."""


def run_clients(listener: Listener, clients: dict[str, Callable[[Listener], None]]) -> None:
    """Run each client in turn, tagging what the listener receives with its name."""
    for name, send in clients.items():
        listener.client = name
        send(listener)
        deadline = time.monotonic() + 5
        while not any(r.client == name for r in listener.received):
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} sent nothing")
            time.sleep(0.01)
        time.sleep(0.05)


def require_tcpdump() -> None:
    """Fail (never skip) where tcpdump is missing: `make system-deps` installs it."""
    if shutil.which("tcpdump") is None:
        pytest.fail("tcpdump is missing: run `make system-deps`")


@contextmanager
def tcpdump(path: Path, ports: list[int], *options: str) -> Iterator[None]:
    """tcpdump writing the loopback traffic on `ports` to `path` while the block runs."""
    expression = " or ".join(f"tcp port {p}" for p in ports)
    argv = ["tcpdump", "--immediate-mode", "-U", "-s", "0", "-w", str(path), *options, expression]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    seen, deadline = b"", time.monotonic() + 15
    while b"listening on" not in seen:
        wait = max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([proc.stderr.fileno()], [], [], wait)
        chunk = os.read(proc.stderr.fileno(), 4096) if ready else b""
        if not chunk:
            proc.kill()
            proc.communicate()
            raise AssertionError(f"tcpdump did not start: {seen!r}")
        seen += chunk
    try:
        yield
    finally:
        size, deadline = -1, time.monotonic() + 10
        while path.stat().st_size != size and time.monotonic() < deadline:
            size = path.stat().st_size
            time.sleep(0.3)
        proc.terminate()
        proc.communicate(timeout=10)


def pcap_records(data: bytes) -> tuple[int, list[tuple[int, int, bytes]]]:
    """`(link type, [(seconds, microseconds, frame)])` of a little-endian microsecond pcap."""
    magic, _, _, _, _, _, link = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4
    records, pos = [], 24
    while pos + 16 <= len(data):
        sec, usec, caplen, _ = struct.unpack("<IIII", data[pos : pos + 16])
        records.append((sec, usec, data[pos + 16 : pos + 16 + caplen]))
        pos += 16 + caplen
    return link, records


def write_pcap(link: int, records: list[tuple[int, int, bytes]]) -> bytes:
    """A little-endian microsecond pcap of `records`."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, link))
    for sec, usec, frame in records:
        out += struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame
    return bytes(out)


def _block(kind: int, body: bytes) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def write_pcapng(link: int, records: list[tuple[int, int, bytes]]) -> bytes:
    """The same packets as pcapng (section header, one interface, enhanced packet blocks)."""
    out = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += _block(1, struct.pack("<HHI", link, 0, 262144))
    for sec, usec, frame in records:
        stamp = sec * 1_000_000 + usec
        head = struct.pack("<IIIII", 0, stamp >> 32, stamp & 0xFFFFFFFF, len(frame), len(frame))
        out += _block(6, head + frame)
    return out


DUMPS = {"lo": ("-i", "lo"), "sll2": ("-i", "any"), "sll": ("-i", "any", "-y", "LINUX_SLL")}
"""tcpdump runs: name → options."""


@dataclass
class Traffic:
    """What was sent and what recorded it."""

    v4: Listener
    v6: Listener | None
    pcaps: dict[str, Path] = field(default_factory=dict)


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def _run_poc(listener: Listener) -> None:
    listener.client = "poc"
    with scenario_dir() as folder:
        argv = [sys.executable, "-I", str(folder / "poc.py"), "--host", "127.0.0.1"]
        subprocess.run(
            [*argv, "--port", str(listener.port), "--timeout", "5"],
            capture_output=True,
            timeout=60,
            check=False,
        )


def _until_recording(listener: Listener, pcaps: list[Path]) -> None:
    """Knock (connect, send nothing, close) until every tcpdump has written a packet: `-y`
    re-opens the capture after tcpdump says it is listening, and would miss the first ones."""
    deadline = time.monotonic() + 15
    while any(p.stat().st_size <= 24 if p.exists() else True for p in pcaps):
        if time.monotonic() > deadline:
            raise AssertionError("tcpdump records nothing")
        socket.create_connection((listener.host, listener.port), timeout=5).close()
        time.sleep(0.1)


def _until_flushed(listener: Listener, pcaps: list[Path]) -> None:
    """Knock once more and wait until every tcpdump has written it: each writes in order, so all
    that was sent before is on disk then. Stopping a capture once its size held still for a
    moment lost the last requests of both `-i any` captures on a loaded machine."""
    sizes = {path: path.stat().st_size for path in pcaps}
    socket.create_connection((listener.host, listener.port), timeout=5).close()
    deadline = time.monotonic() + 15
    while any(path.stat().st_size <= sizes[path] for path in pcaps):
        if time.monotonic() > deadline:
            raise AssertionError("tcpdump stopped recording")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Traffic]:
    folder = tmp_path_factory.mktemp("traffic")
    with ExitStack() as stack:
        v4 = stack.enter_context(listening())
        v6 = stack.enter_context(listening(socket.AF_INET6)) if _has_ipv6() else None
        ports = [v4.port] + ([v6.port] if v6 else [])
        pcaps: dict[str, Path] = {}
        require_tcpdump()
        for name, options in DUMPS.items():
            pcaps[name] = folder / f"{name}.pcap"
            stack.enter_context(tcpdump(pcaps[name], ports, *options))
        _until_recording(v4, list(pcaps.values()))
        run_clients(v4, CLIENTS)
        _run_poc(v4)
        if v6 is not None:
            run_clients(v6, {k: CLIENTS[k] for k in ("socket", "http.client")})
        _until_flushed(v4, list(pcaps.values()))
        traffic = Traffic(v4, v6)
    traffic.pcaps = pcaps
    yield traffic
