"""TCP reassembly: the bytes each side of each connection sent, in sequence order.

Segments are placed by sequence number relative to the stream's initial sequence number (from
the SYN, else the first segment seen; a segment before that, captured out of order, gets a
negative offset), so retransmits and out-of-order delivery read as the sender wrote. Where two
copies of the same bytes overlap, the first one placed wins. A hole in the sequence (a packet
the capture missed, or a frame cut by the snap length) splits the stream into runs; each run is
read on its own, and a request cut by the hole reads as truncated. A new SYN on the same
addresses with another sequence number starts a new stream (the port was reused). Both directions
are reassembled, and the readers keep those that hold requests: no port is assumed to be HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.interface import NoteBook

SYN = 0x02
"""The SYN flag of a TCP header."""
_WRAP = 1 << 32
_HALF = 1 << 31

Endpoint = tuple[str, int]
"""An address (IPv6 in brackets) and a port."""


@dataclass(slots=True)
class _Stream:
    """One direction of one connection, being filled."""

    src: Endpoint
    """The sender."""
    dst: Endpoint
    """The receiver."""
    order: int
    """Number of the packet that opened it, to keep streams in capture order."""
    base: int | None = None
    """The sequence number of its first byte, once known."""
    segments: dict[int, bytes] = field(default_factory=dict)
    """Segment payloads by offset from `base`."""
    size: int = 0
    """Payload bytes held."""
    full: bool = False
    """Whether `Limits.max_stream_bytes` was reached (later data dropped)."""
    synced: bool = False
    """Whether `base` comes from a SYN (else from the first segment seen)."""


@dataclass(frozen=True, slots=True)
class Stream:
    """One direction of one connection, reassembled."""

    src: Endpoint
    """The sender."""
    dst: Endpoint
    """The receiver."""
    runs: tuple[bytes, ...]
    """Contiguous runs of bytes, in order; more than one when the capture has holes."""

    @property
    def where(self) -> str:
        """`10.0.0.5:40112 -> 10.0.0.9:8080`, for notes and request origins."""
        return _where(self.src, self.dst)


class Reassembler:
    """Collects TCP segments of a capture and hands back the streams in order."""

    def __init__(self, limits: Limits, notes: NoteBook) -> None:
        self._limits = limits
        self._notes = notes
        self._open: dict[tuple[Endpoint, Endpoint], _Stream] = {}
        self._closed: list[_Stream] = []
        self._count = 0
        self._refused = 0

    def add(
        self, order: int, src: Endpoint, dst: Endpoint, seq: int, flags: int, payload: bytes
    ) -> None:
        """Place one segment (`order` is its packet number)."""
        key = (src, dst)
        stream = self._open.get(key)
        if flags & SYN:
            first = (seq + 1) % _WRAP
            if stream is not None and stream.base != first and not _rebase(stream, first):
                self._closed.append(self._open.pop(key))
                stream = None
            stream = stream or self._new(key, order)
            if stream is None:
                return
            stream.base, stream.synced = first, True
            seq += 1
        if not payload:
            return
        stream = stream or self._new(key, order)
        if stream is None or stream.full:
            return
        if stream.base is None:
            stream.base = seq % _WRAP
        offset = (seq - stream.base) % _WRAP
        if offset >= _HALF:
            offset -= _WRAP
        known = stream.segments.get(offset)
        if known is not None and len(known) >= len(payload):
            return
        if stream.size + len(payload) > self._limits.max_stream_bytes:
            stream.full = True
            self._notes.add(
                _where(src, dst), f"stream over {self._limits.max_stream_bytes} B; the rest dropped"
            )
            return
        stream.size += len(payload) - (len(known) if known else 0)
        stream.segments[offset] = payload

    def _new(self, key: tuple[Endpoint, Endpoint], order: int) -> _Stream | None:
        if self._count >= self._limits.max_streams:
            if not self._refused:
                self._notes.add(
                    "", f"more than {self._limits.max_streams} TCP streams; the rest dropped"
                )
            self._refused += 1
            return None
        self._count += 1
        stream = _Stream(key[0], key[1], order)
        self._open[key] = stream
        return stream

    def streams(self) -> Iterator[Stream]:
        """Every stream that carried data, in the order its first packet was captured."""
        every = sorted([*self._closed, *self._open.values()], key=lambda s: s.order)
        for stream in every:
            if stream.segments:
                yield Stream(stream.src, stream.dst, _runs(stream))


def _rebase(stream: _Stream, first: int) -> bool:
    """Place a stream's segments after a SYN seen late (out of order); `False` when the SYN
    opens another connection on the same addresses (port reuse)."""
    if stream.synced or stream.base is None:
        return not stream.segments
    shift = (stream.base - first) % _WRAP
    moved = {offset + shift: data for offset, data in stream.segments.items()}
    if any(not 0 <= offset < _HALF for offset in moved):
        return False
    stream.segments = moved
    return True


def _runs(stream: _Stream) -> tuple[bytes, ...]:
    """The stream's bytes as contiguous runs; overlapping retransmits are placed once."""
    runs: list[bytes] = []
    current = bytearray()
    end: int | None = None
    for offset in sorted(stream.segments):
        payload = stream.segments[offset]
        if end is not None and offset > end:
            runs.append(bytes(current))
            current = bytearray()
            end = None
        if end is None:
            current += payload
            end = offset + len(payload)
        elif offset + len(payload) > end:
            current += payload[end - offset :]
            end = offset + len(payload)
    if current:
        runs.append(bytes(current))
    return tuple(runs)


def _where(src: Endpoint, dst: Endpoint) -> str:
    return f"{src[0]}:{src[1]} -> {dst[0]}:{dst[1]}"
