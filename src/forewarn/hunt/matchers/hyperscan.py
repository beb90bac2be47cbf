"""Canary matcher on Hyperscan (Vectorscan) in streaming mode: GB/s, constant memory."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import hyperscan

from forewarn.domain.evidence import TokenHit
from forewarn.errors import HuntError
from forewarn.hunt.matchers.interface import DEFAULT_MAX_HITS, Hit, ScanResult

logger = logging.getLogger(__name__)


class HyperscanMatcher:
    """All patterns compiled into one literal streaming database.

    Streaming mode keeps a few bytes of state between chunks, so matches that span chunk
    boundaries are found without buffering; every match end is reported (no SINGLEMATCH).
    Pickled (to a Dask worker or a process pool), it carries its compiled database
    (`hs_serialize_database`), so a worker deserialises it instead of compiling it again.
    """

    engine = "hyperscan"

    def __init__(
        self, patterns: Mapping[bytes, TokenHit], *, compiled: bytes | None = None
    ) -> None:
        self._patterns: tuple[bytes, ...] = tuple(patterns)
        self._owners: tuple[TokenHit, ...] = tuple(patterns.values())
        if not self._patterns:
            raise HuntError("no canary patterns to scan for")
        if any(not p for p in self._patterns):
            raise HuntError("an empty canary pattern would match everywhere")
        loaded = None if compiled is None else _deserialise(compiled)
        self.deserialised = loaded is not None
        """Whether the database came compiled (from `__reduce__`) rather than compiled here."""
        self._database = loaded if loaded is not None else _compile(self._patterns)

    @property
    def pattern_count(self) -> int:
        """How many patterns the matcher holds."""
        return len(self._patterns)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self._patterns, self._owners, hyperscan.dumpb(self._database)))

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


def _compile(patterns: tuple[bytes, ...]) -> Any:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_STREAM)
    try:
        database.compile(
            expressions=list(patterns), ids=list(range(len(patterns))), flags=0, literal=True
        )
    except hyperscan.error as exc:
        raise HuntError(f"cannot compile canary patterns: {exc}") from exc
    return database


def _deserialise(compiled: bytes) -> Any | None:
    """A streaming database from `hs_serialize_database` bytes; `None` when this machine
    cannot use it (another Hyperscan version or CPU: compile instead).

    The binding's `loadb` (0.9.1) leaves the database without the scratch space that
    `Stream.close` falls back on, which crashed the process (an invalid pointer) when a stream
    closed; it is given one here, as `Database.compile` does.
    """
    try:
        database = hyperscan.loadb(compiled, hyperscan.HS_MODE_STREAM)
        database.scratch = hyperscan.Scratch(database)
    except hyperscan.error as exc:
        logger.info("compiled canary patterns not usable here (%s); compiling them", exc)
        return None
    return database


_COMPILED: dict[str, HyperscanMatcher] = {}


def _restore(
    patterns: tuple[bytes, ...], owners: tuple[TokenHit, ...], compiled: bytes | None = None
) -> HyperscanMatcher:
    digest = hashlib.sha256()
    for pattern, owner in zip(patterns, owners, strict=True):
        digest.update(len(pattern).to_bytes(4, "big") + pattern + repr(owner).encode())
    key = digest.hexdigest()
    matcher = _COMPILED.get(key)
    if matcher is None:
        matcher = _COMPILED[key] = HyperscanMatcher(
            dict(zip(patterns, owners, strict=True)), compiled=compiled
        )
        while len(_COMPILED) > 4:
            del _COMPILED[next(iter(_COMPILED))]
    return matcher
