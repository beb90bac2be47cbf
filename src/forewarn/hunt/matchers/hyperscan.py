"""Shape matcher on Hyperscan (Vectorscan), block mode over each chunk window: GB/s.

Hyperscan reports where a match ends (start-of-match tracking would refuse the bounded repeats
of a JWT and costs speed); the shapes' check recovers the start from the bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import hyperscan

from forewarn.errors import HuntError
from forewarn.hunt.matchers.interface import DEFAULT_MAX_HITS, ScanResult, Shapes
from forewarn.hunt.matchers.window import scan_windows


class HyperscanMatcher:
    """Every shape compiled into one block-mode database."""

    engine = "hyperscan"

    def __init__(self, shapes: Shapes) -> None:
        expressions = shapes.expressions
        if not expressions:
            raise HuntError("no token shapes to scan for")
        self._shapes = shapes
        self._database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        try:
            self._database.compile(
                expressions=[e for e, _ in expressions],
                ids=list(range(len(expressions))),
                flags=[hyperscan.HS_FLAG_CASELESS if c else 0 for _, c in expressions],
            )
        except hyperscan.error as exc:
            raise HuntError(f"cannot compile the token shapes: {exc}") from exc
        self._count = len(expressions)

    @property
    def pattern_count(self) -> int:
        """How many shapes the matcher scans for."""
        return self._count

    def __reduce__(self) -> tuple[Any, ...]:
        # Compiling a handful of shapes takes milliseconds: workers recompile rather than
        # trust a serialised database.
        return (HyperscanMatcher, (self._shapes,))

    def scan(self, chunks: Iterable[bytes], *, max_hits: int = DEFAULT_MAX_HITS) -> ScanResult:
        """Every verified token in the stream (own scratch space: safe across threads)."""
        scratch = hyperscan.Scratch(self._database)
        database = self._database

        def ends(window: bytes) -> Iterator[tuple[int, int]]:
            found: list[tuple[int, int]] = []

            def on_match(ident: int, _from: int, to: int, _flags: int, _ctx: object) -> bool:
                found.append((ident, to))
                return False

            database.scan(window, match_event_handler=on_match, scratch=scratch)
            return iter(found)

        return scan_windows(chunks, self._shapes, ends, max_hits=max_hits)
