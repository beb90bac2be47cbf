"""Packet captures (libpcap `.pcap` and `.pcapng`): frames → IPv4/IPv6 → TCP → HTTP requests.

The file formats and the packet headers are decoded by **dpkt** (pinned in pyproject.toml). It
was chosen over scapy because it is small, pure Python and a parser only: importing it does not
probe the machine's interfaces, routes or config files as scapy does, it never sends a packet,
it decodes nothing we do not ask for (scapy dissects every layer it knows of every packet, which
for material from the wild is both slow and a larger surface), and it reads pcap and pcapng
from an in-memory file. Its pcapng reader takes the link type of the first interface block;
a capture with several interfaces of different link types is read as the first one's.

Link types read: Ethernet (`DLT_EN10MB`, which is also what `tcpdump -i lo` writes on Linux,
VLAN tags included), Linux cooked v1 and v2 (`tcpdump -i any`), BSD loopback (`DLT_NULL`,
`DLT_LOOP`) and raw IP. Streams are reassembled by `tcp.Reassembler`, then parsed as HTTP/1.x
by `http.parse_requests`; streams that do not start with a request (responses, TLS, HTTP/2,
other protocols) are counted in one note. A truncated file reads up to its last whole packet.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Callable
from typing import Any

import dpkt

from forewarn.domain.wire import HttpRequest
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.http import parse_requests, starts_like_request
from forewarn.hunt.wire.interface import NoteBook, RequestFilter, refuse
from forewarn.hunt.wire.tcp import Endpoint, Reassembler

PCAP_MAGICS = frozenset(bytes.fromhex(h) for h in ("a1b2c3d4", "d4c3b2a1", "a1b23c4d", "4d3cb2a1"))
"""The first four bytes of a libpcap file (micro- and nanosecond, either byte order)."""
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
"""The block type of a pcapng section header block."""
_PCAPNG_BOMS = (b"\x1a\x2b\x3c\x4d", b"\x4d\x3c\x2b\x1a")


def _raw(frame: bytes) -> Any:
    version = frame[0] >> 4 if frame else 0
    if version == 4:
        return dpkt.ip.IP(frame)
    if version == 6:
        return dpkt.ip6.IP6(frame)
    return None


_LINKS: dict[int, Callable[[bytes], Any]] = {
    0: lambda f: dpkt.loopback.Loopback(f).data,
    1: lambda f: dpkt.ethernet.Ethernet(f).data,
    12: _raw,
    14: _raw,
    101: _raw,
    108: lambda f: dpkt.loopback.Loopback(f).data,
    113: lambda f: dpkt.sll.SLL(f).data,
    228: _raw,
    229: _raw,
    276: lambda f: dpkt.sll2.SLL2(f).data,
}
"""Link type → the network packet of a frame (`dpkt` objects)."""


def _segment(decode: Callable[[bytes], Any], frame: bytes) -> tuple[Any, Any] | None:
    """`(ip, tcp)` of a frame, or `None` when it is not TCP over IP (fragments included)."""
    net = decode(frame)
    if isinstance(net, dpkt.ip.IP):
        if net.offset or net.mf:
            return None
    elif not isinstance(net, dpkt.ip6.IP6):
        return None
    tcp = net.data
    return (net, tcp) if isinstance(tcp, dpkt.tcp.TCP) else None


def _endpoint(net: Any, address: bytes, port: int) -> Endpoint:
    if isinstance(net, dpkt.ip6.IP6):
        return f"[{socket.inet_ntop(socket.AF_INET6, address)}]", port
    return socket.inet_ntop(socket.AF_INET, address), port


def read_capture(
    data: bytes, source: str, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
) -> list[HttpRequest]:
    """The HTTP requests of a pcap or pcapng capture, stream by stream in capture order."""
    try:
        if source == "pcapng":
            reader: Any = dpkt.pcapng.Reader(io.BytesIO(data))
        else:
            reader = dpkt.pcap.Reader(io.BytesIO(data))
        link = int(reader.datalink())
    except Exception as exc:  # dpkt raises what it likes on a bad header
        raise refuse(f"not a readable {source} file ({type(exc).__name__})") from exc
    decode = _LINKS.get(link)
    if decode is None:
        raise refuse(f"{source} link type {link} is not read (Ethernet, cooked, loopback, raw IP)")
    streams = Reassembler(limits, notes)
    packets = iter(reader)
    number = 0
    while True:
        try:
            _, frame = next(packets)
        except StopIteration:
            break
        except Exception as exc:  # a truncated or corrupt record ends the file
            notes.add(f"packet {number + 1}", f"truncated or corrupt ({type(exc).__name__})")
            break
        number += 1
        if number > limits.max_packets:
            notes.add("", f"more than {limits.max_packets} packets; the rest is not read")
            break
        try:
            found = _segment(decode, bytes(frame))
            if found is None:
                continue
            net, tcp = found
            src = _endpoint(net, net.src, int(tcp.sport))
            dst = _endpoint(net, net.dst, int(tcp.dport))
            streams.add(number, src, dst, int(tcp.seq), int(tcp.flags), bytes(tcp.data))
        except Exception as exc:  # a malformed packet is skipped, the capture goes on
            notes.add(f"packet {number}", f"malformed, skipped ({type(exc).__name__})")
    return _requests(streams, source, limits, notes, keep)


def _requests(
    streams: Reassembler,
    source: str,
    limits: Limits,
    notes: NoteBook,
    keep: RequestFilter | None,
) -> list[HttpRequest]:
    every = list(streams.streams())
    asking = [s for s in every if starts_like_request(s.runs[0])]
    answered = {(s.dst, s.src) for s in asking}
    other = sum(1 for s in every if (s.src, s.dst) not in answered) - len(asking)
    found: list[HttpRequest] = []
    for stream in asking:
        host = stream.dst[0] if stream.dst[1] == 80 else f"{stream.dst[0]}:{stream.dst[1]}"
        for index, run in enumerate(stream.runs):
            where = stream.where if index == 0 else f"{stream.where} after a gap"
            if index:
                notes.add(stream.where, "bytes missing from the capture (a gap in sequence)")
            room = limits.max_requests - len(found)
            if room <= 0:
                notes.add("", f"more than {limits.max_requests} requests; the rest is not read")
                return found
            found += parse_requests(
                run,
                source=source,
                where=where,
                limits=limits,
                notes=notes,
                room=room,
                host=host,
                keep=keep,
            )
    if other:
        notes.add("", f"{other} TCP streams hold no HTTP/1.x request (TLS, HTTP/2, other)")
    return found


class PcapReader:
    """libpcap capture files (`tcpdump -w`)."""

    name = "pcap"

    def sniff(self, head: bytes) -> bool:
        """The libpcap magic number."""
        return head[:4] in PCAP_MAGICS

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """The HTTP requests of every TCP stream."""
        return read_capture(data, self.name, limits, notes, keep)


class PcapngReader:
    """pcapng capture files (Wireshark, dumpcap, `tshark -w`)."""

    name = "pcapng"

    def sniff(self, head: bytes) -> bool:
        """A section header block with a byte-order magic."""
        return head[:4] == PCAPNG_MAGIC and head[8:12] in _PCAPNG_BOMS

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """The HTTP requests of every TCP stream."""
        return read_capture(data, self.name, limits, notes, keep)
