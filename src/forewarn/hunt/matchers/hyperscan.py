"""Canary matcher on Hyperscan (Vectorscan) in streaming mode: GB/s, constant memory."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import hyperscan

from forewarn.domain.evidence import TokenHit
from forewarn.errors import HuntError
from forewarn.hunt.matchers.interface import DEFAULT_MAX_HITS, Hit, ScanResult


class HyperscanMatcher:
    """All patterns compiled into one literal streaming database.

    Streaming mode keeps a few bytes of state between chunks, so matches that span chunk
    boundaries are found without buffering; every match end is reported (no SINGLEMATCH).
    """

    engine = "hyperscan"

    def __init__(self, patterns: Mapping[bytes, TokenHit]) -> None:
        self._patterns: tuple[bytes, ...] = tuple(patterns)
        self._owners: tuple[TokenHit, ...] = tuple(patterns.values())
        if not self._patterns:
            raise HuntError("no canary patterns to scan for")
        if any(not p for p in self._patterns):
            raise HuntError("an empty canary pattern would match everywhere")
        self._database = hyperscan.Database(mode=hyperscan.HS_MODE_STREAM)
        try:
            self._database.compile(
                expressions=list(self._patterns),
                ids=list(range(len(self._patterns))),
                flags=0,
                literal=True,
            )
        except hyperscan.error as exc:
            raise HuntError(f"cannot compile canary patterns: {exc}") from exc

    @property
    def pattern_count(self) -> int:
        """How many patterns the matcher holds."""
        return len(self._patterns)

    def __reduce__(self) -> tuple[Any, ...]:
        # The binding's `loadb` crashes on streaming databases (0.9.1), so workers recompile,
        # once per process thanks to `_COMPILED`.
        return (_restore, (self._patterns, self._owners))

    def scan(self, chunks: Iterable[bytes], *, max_hits: int = DEFAULT_MAX_HITS) -> ScanResult:
        """Stream the chunks through one Hyperscan stream with its own scratch space."""
        found: list[tuple[int, int]] = []
        total = 0
        lengths = self._patterns

        def on_match(ident: int, _from: int, to: int, _flags: int, _ctx: object) -> bool:
            nonlocal total
            total += 1
            if len(found) < max_hits:
                found.append((to - len(lengths[ident]), ident))
            return False

        scratch = hyperscan.Scratch(self._database)
        scanned = 0
        with self._database.stream(match_event_handler=on_match) as stream:
            for chunk in chunks:
                if chunk:
                    stream.scan(chunk, scratch=scratch)
                    scanned += len(chunk)
        found.sort(key=lambda f: (f[0], lengths[f[1]]))
        hits = tuple(
            Hit(self._patterns[i], start, start + len(self._patterns[i]), self._owners[i])
            for start, i in found
        )
        return ScanResult(hits, total, scanned)


_COMPILED: dict[str, HyperscanMatcher] = {}


def _restore(patterns: tuple[bytes, ...], owners: tuple[TokenHit, ...]) -> HyperscanMatcher:
    digest = hashlib.sha256()
    for pattern, owner in zip(patterns, owners, strict=True):
        digest.update(len(pattern).to_bytes(4, "big") + pattern + repr(owner).encode())
    key = digest.hexdigest()
    matcher = _COMPILED.get(key)
    if matcher is None:
        matcher = _COMPILED[key] = HyperscanMatcher(dict(zip(patterns, owners, strict=True)))
        while len(_COMPILED) > 4:
            del _COMPILED[next(iter(_COMPILED))]
    return matcher
