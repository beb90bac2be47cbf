"""Safety limits for reading material from the wild, as one value object."""

from __future__ import annotations

from dataclasses import dataclass

from forewarn.errors import HuntError

DEFAULT_MAX_TOTAL_BYTES = 2 * 1024**3
DEFAULT_MAX_MEMBER_BYTES = 128 * 1024**2
DEFAULT_MAX_DEPTH = 4
DEFAULT_MAX_MEMBERS = 10_000
DEFAULT_MAX_RATIO = 100.0
DEFAULT_RATIO_GRACE_BYTES = 1024**2
DEFAULT_CHUNK_BYTES = 1024**2
DEFAULT_MAX_CAPTURE_BYTES = 256 * 1024**2
DEFAULT_MAX_PACKETS = 2_000_000
DEFAULT_MAX_STREAMS = 100_000
DEFAULT_MAX_STREAM_BYTES = 64 * 1024**2
DEFAULT_MAX_REQUESTS = 100_000
DEFAULT_MAX_HEADER_BYTES = 64 * 1024
DEFAULT_MAX_HEADERS = 256
DEFAULT_MAX_BODY_BYTES = 16 * 1024**2


@dataclass(frozen=True, slots=True)
class Limits:
    """How much an input may expand to before it is refused; applies per top-level input."""

    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES
    """Bytes decompressed out of all archives of one input, summed."""
    max_member_bytes: int = DEFAULT_MAX_MEMBER_BYTES
    """Bytes of one archive member or decompressed stream (held in memory, never on disk)."""
    max_depth: int = DEFAULT_MAX_DEPTH
    """How many archives may be nested inside each other."""
    max_members: int = DEFAULT_MAX_MEMBERS
    """Archive members of one input, counted over every nesting level."""
    max_ratio: float = DEFAULT_MAX_RATIO
    """Largest decompressed / compressed size accepted for a member (zip bombs exceed it)."""
    ratio_grace_bytes: int = DEFAULT_RATIO_GRACE_BYTES
    """Output size under which the ratio is not checked: small runs of blanks compress well."""
    chunk_bytes: int = DEFAULT_CHUNK_BYTES
    """Size of the chunks the token scan streams over."""
    max_capture_bytes: int = DEFAULT_MAX_CAPTURE_BYTES
    """Bytes of one captured-traffic item read into requests (pcap, HAR, logs); the rest is cut."""
    max_packets: int = DEFAULT_MAX_PACKETS
    """Packets read from one pcap or pcapng capture."""
    max_streams: int = DEFAULT_MAX_STREAMS
    """TCP streams (one direction of one connection) reassembled from one capture."""
    max_stream_bytes: int = DEFAULT_MAX_STREAM_BYTES
    """Bytes reassembled of one TCP stream; later data is dropped."""
    max_requests: int = DEFAULT_MAX_REQUESTS
    """HTTP requests read from one capture or log."""
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    """Bytes of one request's line and headers; a larger head is refused."""
    max_headers: int = DEFAULT_MAX_HEADERS
    """Header fields of one request; the rest are dropped and header features erased."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Bytes of one request body kept; a longer body is cut and reads as erased."""

    def __post_init__(self) -> None:
        for name in (
            "max_total_bytes",
            "max_member_bytes",
            "max_members",
            "ratio_grace_bytes",
            "chunk_bytes",
            "max_capture_bytes",
            "max_packets",
            "max_streams",
            "max_stream_bytes",
            "max_requests",
            "max_header_bytes",
            "max_headers",
            "max_body_bytes",
        ):
            if getattr(self, name) <= 0:
                raise HuntError(f"limit {name} must be positive")
        if self.max_depth < 0:
            raise HuntError("limit max_depth must be zero or more")
        if self.max_ratio <= 1.0:
            raise HuntError("limit max_ratio must be above 1")
