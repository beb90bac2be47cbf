"""The shape scanner behind the token scan, what it is given, and what it reports.

The hunt never holds a list of tokens. It is given `Shapes`: the regular expressions of every
token format (a handful, whatever the number of partners) and a check that turns a match into a
token record or rejects it (the fingerprinting engine's verifier, injected like the accuser).
A `Matcher` runs the expressions over a stream and keeps what the check confirms, so its speed
does not depend on how many tokens were ever planted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from forewarn.domain.evidence import TokenHit

DEFAULT_MAX_HITS = 10_000
"""Hits kept per scan; more are counted, not stored, so memory stays constant."""


class Shapes(Protocol):
    """Token formats to scan for and the check of each match; picklable, shipped to workers."""

    @property
    def expressions(self) -> tuple[tuple[bytes, bool], ...]:
        """`(regular expression, case-blind)` per shape: no look-around, so that Hyperscan and
        Python's `re` read them alike."""
        ...

    @property
    def longest(self) -> int:
        """Longest string any shape matches."""
        ...

    def verify(self, index: int, window: bytes, end: int) -> tuple[int, TokenHit] | None:
        """The token that shape `index` matched, ending at `end` in `window`: its start and
        record, or `None` when the match is no token (the check fails closed)."""
        ...


@dataclass(frozen=True, slots=True)
class Hit:
    """One verified token in the scanned stream."""

    pattern: bytes
    """The token's bytes as found."""
    start: int
    """Offset of its first byte in the stream."""
    end: int
    """Offset just past its last byte."""
    owner: TokenHit
    """Whose token it is, as the check says."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Every hit of one scan, by start offset, then by token bytes."""

    hits: tuple[Hit, ...]
    """The hits kept (at most `max_hits`)."""
    total_hits: int
    """Hits found, including those beyond `max_hits`."""
    bytes_scanned: int
    """Length of the stream."""
    candidates: int = 0
    """Matches of a shape that were checked (verified or not)."""

    @property
    def truncated(self) -> bool:
        """Whether some hits were counted but not kept."""
        return self.total_hits > len(self.hits)


class Matcher(Protocol):
    """Finds every verified token in a stream of chunks.

    Built once per hunt; `scan` may be called from many threads and the matcher may be pickled
    to worker processes.
    """

    engine: str
    """Which implementation runs (`hyperscan`, `python`)."""

    @property
    def pattern_count(self) -> int:
        """How many shapes the matcher scans for."""
        ...

    def scan(self, chunks: Iterable[bytes], *, max_hits: int = DEFAULT_MAX_HITS) -> ScanResult:
        """Scan the concatenation of `chunks`, including tokens across chunk boundaries."""
        ...
