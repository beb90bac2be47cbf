"""Pure-Python shape matcher (`re`), used only where Hyperscan cannot be imported."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from forewarn.errors import HuntError
from forewarn.hunt.matchers.interface import DEFAULT_MAX_HITS, ScanResult, Shapes
from forewarn.hunt.matchers.window import scan_windows


class PythonMatcher:
    """Same results as `HyperscanMatcher`, at `re`'s speed."""

    engine = "python"

    def __init__(self, shapes: Shapes) -> None:
        if not shapes.expressions:
            raise HuntError("no token shapes to scan for")
        self._shapes = shapes
        self._patterns = tuple(
            re.compile(expression, re.IGNORECASE if caseless else 0)
            for expression, caseless in shapes.expressions
        )

    @property
    def pattern_count(self) -> int:
        """How many shapes the matcher scans for."""
        return len(self._patterns)

    def _ends(self, window: bytes) -> Iterator[tuple[int, int]]:
        for index, pattern in enumerate(self._patterns):
            for match in pattern.finditer(window):
                yield index, match.end()

    def scan(self, chunks: Iterable[bytes], *, max_hits: int = DEFAULT_MAX_HITS) -> ScanResult:
        """Every verified token in the stream."""
        return scan_windows(chunks, self._shapes, self._ends, max_hits=max_hits)
