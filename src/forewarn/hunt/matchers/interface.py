"""The multi-pattern literal matcher behind the canary scan, and what it reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from forewarn.domain.evidence import TokenHit

DEFAULT_MAX_HITS = 10_000
"""Hits kept per scan; more are counted, not stored, so memory stays constant."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence of a pattern in the scanned stream."""

    pattern: bytes
    """The pattern found."""
    start: int
    """Offset of its first byte in the stream."""
    end: int
    """Offset just past its last byte."""
    owner: TokenHit
    """Whose pattern it is (the pattern table's record)."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Every hit of one scan, by start offset, then by pattern bytes."""

    hits: tuple[Hit, ...]
    """The hits kept (at most `max_hits`)."""
    total_hits: int
    """Hits found, including those beyond `max_hits`."""
    bytes_scanned: int
    """Length of the stream."""

    @property
    def truncated(self) -> bool:
        """Whether some hits were counted but not kept."""
        return self.total_hits > len(self.hits)


class Matcher(Protocol):
    """Finds every occurrence of many literal patterns in a stream of chunks.

    Built once per program; `scan` may be called from many threads and the matcher may be
    pickled to worker processes.
    """

    engine: str
    """Which implementation runs (`hyperscan`, `python`)."""

    @property
    def pattern_count(self) -> int:
        """How many patterns the matcher holds."""
        ...

    def scan(self, chunks: Iterable[bytes], *, max_hits: int = DEFAULT_MAX_HITS) -> ScanResult:
        """Scan the concatenation of `chunks`, including matches across chunk boundaries."""
        ...
