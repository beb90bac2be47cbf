"""Raw HTTP dumps: what a listener on 127.0.0.1 received from every client reads back as sent."""

from __future__ import annotations

import urllib.parse

import pytest

from forewarn.domain.wire import ALL_FEATURES, HttpRequest, WireFeature
from forewarn.hunt import Limits, read_bytes
from forewarn.hunt.readers import ItemKind
from forewarn.hunt.wire import detect, read_requests
from wire_world import BODY, QUERY, Received, Traffic


def sent(received: Received) -> tuple[object, ...]:
    """What a request is, by the listener's own framing (independent of the reader)."""
    path, _, query = received.target.partition("?")
    pairs = tuple(urllib.parse.parse_qsl(query, keep_blank_values=True))
    return received.method, path, pairs, received.headers, received.body


def read(request: HttpRequest) -> tuple[object, ...]:
    return request.method, request.path, request.query, request.headers, request.body


def test_a_dump_of_every_client_reads_as_the_listener_received_it(traffic: Traffic) -> None:
    reading = read_requests(bytes(traffic.v4.dump), "received.bin")
    assert reading.format == "http" and reading.notes == ()
    assert [read(r) for r in reading.requests] == [sent(r) for r in traffic.v4.received]
    assert all(r.shows == ALL_FEATURES and r.source == "http" for r in reading.requests)
    clients = {r.client for r in traffic.v4.received}
    assert clients >= {"socket", "split", "http.client", "urllib", "requests", "httpx", "poc"}


@pytest.mark.parametrize(
    ("client", "ours", "query_kept"),
    [
        ("socket", [("x-lower-case", "1"), ("X-UPPER", "2"), ("user-Agent", "raw/1.0")], True),
        ("http.client", [("X-Mixed-Case", "a"), ("host", None), ("accept", "*/*")], True),
        ("requests", [("X-Token-Id", "r"), ("user-agent", "rq/4"), ("Accept", "*/*")], True),
        ("httpx", [("X-Hx-Id", "h"), ("User-Agent", "hx/5"), ("accept", "*/*")], False),
        # urllib capitalises names and puts its own headers first: case and order are its own
        ("urllib", [("X-Probe-Id", "7"), ("User-Agent", "ul/3")], True),
    ],
)
def test_each_client_keeps_order_case_query_and_body(
    traffic: Traffic, client: str, ours: list[tuple[str, str | None]], query_kept: bool
) -> None:
    reading = read_requests(bytes(traffic.v4.dump))
    request = next(
        r for r, s in zip(reading.requests, traffic.v4.received, strict=True) if s.client == client
    )
    names = [name for name, _ in request.headers]
    assert [n for n in names if n in {o for o, _ in ours}] == [o for o, _ in ours]
    for name, value in ours:
        assert value is None or (name, value) in request.headers
    assert request.body == BODY and b"\x00" in request.body
    if query_kept:
        assert request.query == QUERY
    else:  # httpx groups repeated keys: the wire order is its own, and read as it is
        assert sorted(request.query) == sorted(QUERY) and request.query != QUERY


def test_pipelined_chunked_and_keep_alive_requests_are_split() -> None:
    dump = (
        b"\r\n\nPUT /c?b=2&a=1 HTTP/1.1\nTransfer-Encoding: chunked\n\n"
        b"3\r\n\x00bc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: x\r\n\r\n"
        b"GET /next HTTP/1.0\r\nX-Folded: one\r\n  two\r\n\r\n"
    )
    reading = read_requests(dump)
    first, second = reading.requests
    assert (first.body, first.query, first.shows) == (
        b"\x00bcde",
        (("b", "2"), ("a", "1")),
        ALL_FEATURES,
    )
    assert second.headers == (("X-Folded", "one two"),) and reading.notes == ()


def test_what_is_not_a_request_is_skipped_with_a_note() -> None:
    dump = (
        b"GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        b"POST /two HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody"
    )
    reading = read_requests(dump)
    assert [r.path for r in reading.requests] == ["/one", "/two"]
    assert reading.requests[1].body == b"body"
    assert [n.message for n in reading.notes] == ["not an HTTP request; 38 bytes skipped"]


def test_a_cut_body_reads_as_erased_not_as_wrong() -> None:
    reading = read_requests(b"POST /p HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly this")
    (request,) = reading.requests
    assert request.body == b"only this" and WireFeature.BODY not in request.shows
    assert "truncated" in str(reading.notes[0])


def test_limits_bound_heads_headers_bodies_and_requests() -> None:
    limits = Limits(max_header_bytes=256, max_headers=3, max_body_bytes=4, max_requests=2)
    huge = b"GET /huge HTTP/1.1\r\nX: " + b"a" * 1000 + b"\r\n\r\n"
    many = b"GET /many HTTP/1.1\r\n" + b"".join(b"H%d: v\r\n" % i for i in range(9)) + b"\r\n"
    body = b"POST /body HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"
    reading = read_requests(huge + many + body + b"GET /over HTTP/1.1\r\n\r\n", limits=limits)
    assert [r.path for r in reading.requests] == ["/many", "/body"]
    many_read, body_read = reading.requests
    assert len(many_read.headers) == 3 and WireFeature.HEADER_ORDER not in many_read.shows
    assert body_read.body == b"0123" and WireFeature.BODY not in body_read.shows
    text = " | ".join(map(str, reading.notes))
    assert "head over 256 B" in text and "request limit (2)" in text


def test_a_dump_with_nul_bytes_in_a_body_is_a_capture(traffic: Traffic) -> None:
    dump = bytes(traffic.v4.dump)
    assert b"\x00" in dump[:4096]
    assert detect(dump) == "http"
    (item,) = read_bytes("leaked-traffic.bin", dump)
    assert item.kind is ItemKind.CAPTURE


@pytest.mark.parametrize(
    "text",
    [b"import os\nprint('GET / HTTP/1.1')\n", b"Patch on Tuesday.\n", b"", b"GET\r\n\r\n"],
)
def test_code_and_prose_are_no_capture(text: bytes) -> None:
    assert detect(text) is None and read_requests(text).format is None
    (item,) = read_bytes("notes.txt", text)
    assert item.kind is not ItemKind.CAPTURE
