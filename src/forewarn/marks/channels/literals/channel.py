"""The literals channel: bits in the string literals of PoCs written in Java, JavaScript,
TypeScript, C, C++, C#, PowerShell or shell.

The Python channels read a Python PoC's syntax; a PoC in another language would otherwise ship
byte-identical to every partner. This channel parses it with tree-sitter (`grammars`), takes
its string literals (`strings`) and marks the wire values among them (`points`): digit runs of
paths, agents and ids, and header-name casing. Only bytes inside string literals change, and a
marked copy must parse with no more errors than the original and read back as written.

Reading back, the suspect's literals are matched to the original's by skeleton (lower case,
digits and interpolations blanked), which survives renaming and reformatting; a skeleton found
several times with disagreeing readings is narrowed by its neighbouring literals, else erased.
A text Python accepts offers no choice point here: the Python channels mark it. Captured
traffic of the PoC is read too (`traffic`): its digit marks go on the wire as written.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from forewarn.errors import MarkError
from forewarn.marks.channels.interface import Capture, Routes
from forewarn.marks.channels.literals.context import context_of
from forewarn.marks.channels.literals.grammars import (
    PYTHON,
    Parsed,
    best_parse,
    is_python,
    parse_as,
)
from forewarn.marks.channels.literals.points import Point, choice_points
from forewarn.marks.channels.literals.strings import Literal, literals
from forewarn.marks.channels.literals.traffic import read_traffic, traffic_points
from forewarn.marks.channels.payload.sites import DIGITS

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Plan:
    """What one original offers, computed once per original."""

    parsed: Parsed
    """The original's parse (its language and error count)."""
    literals: tuple[Literal, ...]
    """Its string literals in document order."""
    points: tuple[Point, ...]
    """Its choice points in document order."""


@lru_cache(maxsize=32)
def plan(original: str) -> Plan:
    """The choice points of `original` (none for Python or text no grammar reads)."""
    parsed = best_parse(original)
    if parsed.language == PYTHON:
        return Plan(parsed, (), ())
    found = literals(parsed)
    contexts = tuple(context_of(lit.node) for lit in found)
    return Plan(parsed, found, choice_points(found, contexts, original))


def _read(point: Point, literal: Literal) -> int | None:
    content = literal.content
    if point.kind == "digits":
        runs = list(DIGITS.finditer(content))
        if point.ordinal >= len(runs):
            return None
        written = runs[point.ordinal].group()
    else:
        name = point.forms[0].lower()
        pattern = rf"(?<![A-Za-z0-9-]){re.escape(name)}(?![A-Za-z0-9-])"
        hits = list(re.finditer(pattern, content, re.IGNORECASE))
        if point.ordinal >= len(hits):
            return None
        written = hits[point.ordinal].group()
    return point.forms.index(written) if written in point.forms else None


def _agree(readings: list[int | None]) -> int | None:
    if not readings or None in readings or len(set(readings)) != 1:
        return None
    return readings[0]


def _skeleton_at(found: Sequence[Literal], index: int) -> str | None:
    return found[index].skeleton if 0 <= index < len(found) else None


def _by_neighbours(
    point: Point, candidates: list[int], original: Sequence[Literal], seen: Sequence[Literal]
) -> int | None:
    """The reading of the candidates whose neighbours are the original's: both, else either."""
    before = _skeleton_at(original, point.literal - 1)
    after = _skeleton_at(original, point.literal + 1)
    sides = {
        j: (_skeleton_at(seen, j - 1) == before) + (_skeleton_at(seen, j + 1) == after)
        for j in candidates
    }
    best = max(sides.values())
    if best == 0:
        return None
    return _agree([_read(point, seen[j]) for j in candidates if sides[j] == best])


class LiteralChannel:
    """Carries code symbols in the wire literals of non-Python PoCs."""

    name = "literals"
    capture_text = False

    def reads_capture(self, suspect: str) -> bool:
        """Traffic is recognised by the wire channel; this channel reads source only."""
        return False

    def extract_capture(self, original: str, capture: Capture) -> list[int | None]:
        """Per choice point, the bit the captured requests show (`traffic`): digit points where
        the form shows the part they went into; header-name casing always erased."""
        chosen = plan(original)
        if not chosen.points:
            return []
        out = read_traffic(chosen.points, chosen.literals, capture.requests)
        logger.debug("literals: %d of %d read from traffic", len(out) - out.count(None), len(out))
        return out

    def routes(self, original: str) -> Routes | None:
        """Any request may carry a literal's digits (a non-Python PoC's routes are unknown)."""
        return None if self.capacity(original) else frozenset()

    def capacity(self, original: str) -> int:
        """How many literal choice points `original` offers (0 for Python: then the engine's
        check of each partner's Python copy needs no parse by every grammar, `plan`)."""
        if is_python(original):
            return 0
        return len(plan(original).points)

    def traffic_capacity(self, original: str) -> int:
        """How many of them a full capture shows: the digit points (casing never reads)."""
        return traffic_points(plan(original).points)

    def embed(self, original: str, bits: Sequence[int], *, check: bool = True) -> str:
        """`original` with choice point `k` written as `bits[k]`; only literal bytes change."""
        if not bits and is_python(original):
            return original  # `plan` gives Python no points: no parse by every grammar
        chosen = plan(original)
        if len(bits) != len(chosen.points):
            raise MarkError(f"literals offer {len(chosen.points)} choice points, got {len(bits)}")
        if any(b not in (0, 1) for b in bits):
            raise MarkError("literal bits must be 0 or 1")
        if not chosen.points:
            return original
        source = bytearray(chosen.parsed.source)
        edits = []
        for point, bit in zip(chosen.points, bits, strict=True):
            literal = chosen.literals[point.literal]
            start = literal.content_start + len(literal.content[: point.span[0]].encode("utf-8"))
            end = start + len(literal.content[point.span[0] : point.span[1]].encode("utf-8"))
            edits.append((start, end, point.forms[bit].encode("utf-8")))
        for start, end, text in sorted(edits, reverse=True):
            source[start:end] = text
        marked = bytes(source).decode("utf-8")
        if parse_as(chosen.parsed.language, bytes(source)).errors > chosen.parsed.errors:
            raise MarkError("a marked literal no longer parses", hint="report this PoC")
        if check and self.extract(original, marked) != list(bits):
            raise MarkError("the marked literals do not read back as written")
        return marked

    def extract(self, original: str, suspect: str) -> list[int | None]:
        """Per choice point, the bit the suspect's matching literal shows, or `None`."""
        chosen = plan(original)
        if not chosen.points:
            return []
        seen = literals(best_parse(suspect))
        where: dict[str, list[int]] = defaultdict(list)
        for index, literal in enumerate(seen):
            where[literal.skeleton].append(index)
        out: list[int | None] = []
        for point in chosen.points:
            candidates = where.get(point.anchor[0], [])
            if len(point.anchor) > 1:
                candidates = [j for j in candidates if _skeleton_at(seen, j + 1) == point.anchor[1]]
            bit = _agree([_read(point, seen[j]) for j in candidates])
            if bit is None and len(candidates) > 1:
                bit = _by_neighbours(point, candidates, chosen.literals, seen)
            out.append(bit)
        logger.debug("literals: %d of %d choice points read", len(out) - out.count(None), len(out))
        return out


__all__ = ["LiteralChannel", "plan"]
