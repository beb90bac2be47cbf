"""pcap and pcapng: real tcpdump captures of every client, over IPv4 and IPv6, read as sent.

tcpdump records the loopback as Ethernet (`-i lo`, Linux), Linux cooked v2 (`-i any`) and v1
(`-y LINUX_SLL`); pcapng is the lo capture rewritten by `wire_kit.write_pcapng` (tcpdump writes
no pcapng). Reassembly is checked on the real packets reordered, repeated, cut and lost.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

import dpkt
import pytest

from forewarn.domain.wire import ALL_FEATURES, WireFeature
from forewarn.hunt import read_bytes
from forewarn.hunt.readers import ItemKind
from forewarn.hunt.wire import read_requests
from wire_world import Traffic, pcap_records, write_pcap, write_pcapng

from .test_wire_http import read, sent

LINKS = {"lo": 1, "sll2": 276, "sll": 113}
"""The link type each tcpdump run writes."""


def _everything(traffic: Traffic) -> list[tuple[object, ...]]:
    both = traffic.v4.received + (traffic.v6.received if traffic.v6 else [])
    return [sent(r) for r in both]


def _records(traffic: Traffic, name: str = "lo") -> tuple[int, list[tuple[int, int, bytes]]]:
    return pcap_records(traffic.pcaps[name].read_bytes())


@pytest.mark.parametrize("name", sorted(LINKS))
def test_tcpdump_captures_read_every_request_as_sent(traffic: Traffic, name: str) -> None:
    data = traffic.pcaps[name].read_bytes()
    assert struct.unpack("<I", data[20:24])[0] == LINKS[name]
    reading = read_requests(data, f"{name}.pcap")
    assert reading.format == "pcap"
    assert all("->" in r.origin for r in reading.requests)
    whole = _everything(traffic)
    got = [read(r) for r in reading.requests]
    if name == "lo":
        assert got == whole
        assert all(r.shows == ALL_FEATURES for r in reading.requests)
        return
    # `-i any` on a shared machine now and then loses a packet (seen: one body segment of 160):
    # what a loss cuts must read as erased, never as a wrong request, and the rest as sent
    for request, value in zip(reading.requests, got, strict=True):
        assert value in whole or WireFeature.BODY not in request.shows
    assert sum(1 for value in got if value in whole) >= len(whole) - 2


@pytest.mark.parametrize("name", ["lo", "sll2"])
def test_pcapng_reads_the_same_requests(traffic: Traffic, name: str) -> None:
    link, records = _records(traffic, name)
    reading = read_requests(write_pcapng(link, records), None)
    assert reading.format == "pcapng"
    as_pcap = read_requests(traffic.pcaps[name].read_bytes())
    assert [read(r) for r in reading.requests] == [read(r) for r in as_pcap.requests]
    if name == "lo":
        assert [read(r) for r in reading.requests] == _everything(traffic)


def test_ipv6_requests_name_their_host(traffic: Traffic) -> None:
    if traffic.v6 is None:
        pytest.skip("no IPv6 loopback")
    reading = read_requests(traffic.pcaps["lo"].read_bytes())
    v6 = [r for r in reading.requests if r.origin.startswith("[::1]")]
    assert len(v6) == len(traffic.v6.received) and v6[0].host == f"::1:{traffic.v6.port}"


def test_reordered_and_retransmitted_segments_reassemble(traffic: Traffic) -> None:
    link, records = _records(traffic)
    rng = random.Random(11)
    shuffled = records + rng.sample(records, len(records) // 3)  # retransmits
    rng.shuffle(shuffled)
    reading = read_requests(write_pcap(link, shuffled))
    split = [r for r in reading.requests if r.path == "/split/submit"]
    assert len(split) == 1 and split[0].body == next(
        r.body for r in traffic.v4.received if r.client == "split"
    )
    # each connection is one stream whatever the packet order: the same requests, per stream
    assert sorted(map(repr, map(read, reading.requests))) == sorted(map(repr, _everything(traffic)))


def test_a_lost_segment_is_a_gap_and_the_rest_is_read(traffic: Traffic) -> None:
    link, records = _records(traffic)
    first = read_requests(write_pcap(link, records))
    origin = next(r for r in first.requests if r.path == "/split/submit").origin
    port = int(origin.split(" ")[0].rsplit(":", 1)[1])
    carrying = [
        i
        for i, (_, _, frame) in enumerate(records)
        if (tcp := dpkt.ethernet.Ethernet(frame).data.data).sport == port and tcp.data
    ]
    assert len(carrying) > 10
    damaged = records[: carrying[len(carrying) // 2]] + records[carrying[len(carrying) // 2] + 1 :]
    reading = read_requests(write_pcap(link, damaged))
    assert any("gap" in n.message for n in reading.notes), reading.notes
    assert all(
        r.path != "/split/submit" or WireFeature.BODY not in r.shows for r in reading.requests
    )
    others = [read(r) for r in reading.requests if r.path != "/split/submit"]
    assert others == [w for w in _everything(traffic) if w[1] != "/split/submit"]


def test_frames_cut_by_the_snap_length_read_as_erased_never_wrong(traffic: Traffic) -> None:
    link, records = _records(traffic)
    cut = [(s, u, f[:120]) for s, u, f in records]
    reading = read_requests(write_pcap(link, cut))
    assert reading.format == "pcap" and any("truncated" in n.message for n in reading.notes)
    whole = _everything(traffic)
    for request in reading.requests:
        assert WireFeature.BODY not in request.shows or read(request) in whole


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_file_reads_up_to_its_last_whole_packet(traffic: Traffic, keep: float) -> None:
    data = traffic.pcaps["lo"].read_bytes()
    reading = read_requests(data[: int(len(data) * keep)], "cut.pcap")
    assert reading.format == "pcap"
    whole = _everything(traffic)
    assert [read(r) for r in reading.requests if WireFeature.BODY in r.shows] == [
        w for w in whole if w in [read(r) for r in reading.requests]
    ]


def test_captures_are_classified_as_captures(traffic: Traffic, tmp_path: Path) -> None:
    link, records = _records(traffic)
    for name, data in (
        ("x.cap", traffic.pcaps["lo"].read_bytes()),
        ("noext", write_pcapng(link, records)),
    ):
        (item,) = read_bytes(name, data)
        assert item.kind is ItemKind.CAPTURE


@pytest.mark.parametrize(
    "data",
    [
        b"\xd4\xc3\xb2\xa1" + b"\x00" * 8,
        struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 147),
        b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a" + b"\xff" * 30,
    ],
)
def test_unreadable_captures_give_one_note(data: bytes) -> None:
    reading = read_requests(data, "x.pcap")
    assert reading.is_capture and reading.requests == () and len(reading.notes) == 1
