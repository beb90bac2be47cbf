"""Pure-Python canary matcher, used only where Hyperscan cannot be imported.

Candidate positions come from one `re` alternation over the patterns' first bytes (run in C);
each candidate is verified against the patterns sharing that prefix, so overlapping
matches and patterns that prefix each other are all reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from forewarn.domain.evidence import TokenHit
from forewarn.errors import HuntError
from forewarn.hunt.matchers.interface import DEFAULT_MAX_HITS, Hit, ScanResult


class LiteralMatcher:
    """Same results as `HyperscanMatcher`, tens of MB/s instead of GB/s."""

    engine = "python"

    def __init__(self, patterns: Mapping[bytes, TokenHit]) -> None:
        if not patterns:
            raise HuntError("no canary patterns to scan for")
        if any(not p for p in patterns):
            raise HuntError("an empty canary pattern would match everywhere")
        self._owners = dict(patterns)
        self._key = min(4, min(len(p) for p in patterns))
        buckets: dict[bytes, list[bytes]] = defaultdict(list)
        for pattern in sorted(patterns):
            buckets[pattern[: self._key]].append(pattern)
        self._buckets = dict(buckets)
        self._longest = max(len(p) for p in patterns)
        keys = sorted(self._buckets, key=lambda k: (-len(k), k))
        self._finder = re.compile(b"(?=(" + b"|".join(re.escape(k) for k in keys) + b"))")

    @property
    def pattern_count(self) -> int:
        """How many patterns the matcher holds."""
        return len(self._owners)

    def scan(self, chunks: Iterable[bytes], *, max_hits: int = DEFAULT_MAX_HITS) -> ScanResult:
        """Scan a window of the previous chunk's tail plus the new chunk."""
        found: list[tuple[int, bytes]] = []
        total = 0
        tail = b""
        consumed = 0  # stream offset where `tail` + chunk begins
        for chunk in chunks:
            if not chunk:
                continue
            window = tail + chunk
            reported_up_to = consumed + len(tail)  # matches ending here were seen already
            for match in self._finder.finditer(window):
                pos = match.start()
                for pattern in self._buckets[match.group(1)]:
                    end = consumed + pos + len(pattern)
                    if end > reported_up_to and window.startswith(pattern, pos):
                        total += 1
                        if len(found) < max_hits:
                            found.append((consumed + pos, pattern))
            keep = min(len(window), self._longest - 1)
            consumed += len(window) - keep
            tail = window[len(window) - keep :] if keep else b""
        found.sort()
        hits = tuple(Hit(p, s, s + len(p), self._owners[p]) for s, p in found)
        return ScanResult(hits, total, consumed + len(tail))
