"""Random bytes, format-looking garbage and truncated or flipped real captures: every reader
returns a reading with notes, never raises, and never needs `read_requests`' last-resort guard."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.hunt import Limits, read_bytes
from forewarn.hunt.wire import WireReading, read_requests
from wire_world import Traffic, pcap_records, write_pcapng

PREFIXES = [
    b"",
    b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00",
    b"\xa1\xb2\xc3\xd4",
    b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a",
    b'{"log": {"creator": {}, "entries": [',
    b'{"event_type": "http", "http": {',
    b"#separator \\x09\n#path\thttp\n#fields\tmethod\turi\n",
    b'{"uid": "C1", "id.orig_h": "1.2.3.4", "method": "GET", "uri": "/"}\n',
    b"#Fields: cs-method cs-uri-stem cs-uri-query cs(User-Agent)\n",
    b'1.2.3.4 - - [28/Feb/2021:01:02:03 +0000] "GET / HTTP/1.1" 200 2 "-" "-"\n',
    b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
]
SMALL = Limits(max_header_bytes=512, max_headers=8, max_requests=50, max_packets=500)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _sound(reading: WireReading) -> None:
    assert isinstance(reading, WireReading)
    assert not any(n.message.startswith("unreadable ") for n in reading.notes), reading.notes
    for request in reading.requests:
        assert isinstance(request.body, bytes) and isinstance(request.path, str)


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), tail=st.binary(max_size=2048))
def test_garbage_after_any_format_head_never_raises(prefix: bytes, tail: bytes) -> None:
    for limits in (Limits(), SMALL):
        _sound(read_requests(prefix + tail, None, limits=limits))
    read_bytes("x.pcap", prefix + tail)


@FUZZ
@given(text=st.text(max_size=300), name=st.sampled_from(["x.har", "eve.json", None]))
def test_json_of_any_shape_never_raises(text: str, name: str | None) -> None:
    for shape in ({"log": {"entries": [{"request": text}]}}, {"log": {"entries": text}}, [text]):
        _sound(read_requests(json.dumps(shape).encode(), name))
    record = {"event_type": "http", "http": {"request_headers": [{"name": text}], "url": 1}}
    _sound(read_requests(json.dumps(record).encode() + b"\n" + text.encode(), name))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_cut_and_flipped_real_captures_never_raise(traffic: Traffic, data: st.DataObject) -> None:
    captures = [bytes(traffic.v4.dump)]
    if traffic.pcaps:
        pcap = traffic.pcaps["lo"].read_bytes()
        captures += [pcap, write_pcapng(*pcap_records(pcap))]
    capture = data.draw(st.sampled_from(captures))
    cut = data.draw(st.integers(0, len(capture)))
    damaged = bytearray(capture[:cut])
    for _ in range(data.draw(st.integers(0, 8))):
        if damaged:
            at = data.draw(st.integers(0, len(damaged) - 1))
            damaged[at] = data.draw(st.integers(0, 255))
    _sound(read_requests(bytes(damaged), None))
    _sound(read_requests(bytes(damaged), None, limits=SMALL))
