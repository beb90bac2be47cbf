"""The text channel: wording and layout choices in advisory Markdown or plain text.

Word-level choices (synonyms, dates, serial comma) are found again in a suspect by their context:
the canonical words around them in the original, where neighbouring choices may show either
form. A choice is read only when its context occurs exactly once in the suspect; otherwise it is
erased. Layout choices are read from the heading or list-item lines found by their words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from forewarn.errors import MarkError
from forewarn.marks.channels.interface import Capture, Routes
from forewarn.marks.channels.text.natural import natural_point, natural_synonyms
from forewarn.marks.channels.text.points import ChoicePoint, PointKind, choice_points, words

CONTEXT = 4
"""Canonical words (or neighbouring choices) taken on each side of a word-level choice."""

_MIN_CONTEXT = 4
"""A choice with less context in total (at the very start or end of a text) is not used."""

_ATX_LINE = re.compile(r"^\s{0,3}#{1,6}\s")
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_MARKER = re.compile(r"^\s*([-*+\u2022]|\d{1,3}[.)])\s")


@dataclass(frozen=True, slots=True)
class _Usable:
    """A choice point kept for the code, with what is needed to find it again."""

    point: ChoicePoint
    """The choice in the original."""
    pattern: re.Pattern[str] | None
    """Word-level kinds: pattern over a suspect's joined canonical words."""


def _alternatives(forms: Sequence[tuple[str, ...]]) -> str:
    return "(?:" + "|".join(re.escape(" ".join(f)) + " " for f in forms) + ")"


def _stream(text: str, points: Sequence[ChoicePoint]) -> list[str | int]:
    """The canonical words of `text`, each word-level choice replaced by its index."""
    items: list[str | int] = []
    cursor = 0
    for k, point in enumerate(points):
        start, end = point.spans[0]
        items.extend(words(text[cursor:start]))
        items.append(k)
        cursor = end
    items.extend(words(text[cursor:]))
    return items


def _pattern(items: list[str | int], at: int, points: Sequence[ChoicePoint]) -> str:
    def render(item: str | int) -> str:
        if isinstance(item, int):
            return _alternatives(points[item].spoken)
        return re.escape(item) + " "

    left = "".join(render(i) for i in items[max(0, at - CONTEXT) : at])
    right = "".join(render(i) for i in items[at + 1 : at + 1 + CONTEXT])
    center = items[at]
    if not isinstance(center, int):
        raise MarkError("internal: a text pattern must be centred on a choice point")
    zero, one = (_alternatives([form]) for form in points[center].spoken)
    # A lookahead, so that overlapping occurrences (repeated sentences) are all counted.
    return f"(?= {left}(?:(?P<zero>{zero})|(?P<one>{one})){right})"


def _joined(text: str) -> str:
    return " " + " ".join(words(text)) + " "


@dataclass(frozen=True, slots=True)
class _Plan:
    """The usable choices of one original and the words that differ between copies."""

    choices: tuple[_Usable, ...]
    """Choice points kept for the code, in document order."""
    variable: frozenset[str]
    """Words of word-level choices; dropped when lines are matched by their words."""

    def key(self, line_words: tuple[str, ...]) -> tuple[str, ...]:
        """A line's words that are the same in every partner's copy."""
        return tuple(w for w in line_words if w not in self.variable)


@lru_cache(maxsize=64)
def plan(original: str, safe_headings: bool = True, version: int = 3) -> _Plan:
    """The choice points of `original` that can be read back unambiguously, in order
    (`version=5`: scheme 5's natural kinds only, `natural`)."""
    if version >= 5:
        found = choice_points(original, safe_headings, natural_synonyms(version))
        points: Sequence[ChoicePoint] = [p for p in found if natural_point(p, version)]
    else:
        points = choice_points(original, safe_headings)
    spoken = [p for p in points if p.spoken[0]]
    items = _stream(original, spoken)
    joined = _joined(original)
    patterns: dict[int, re.Pattern[str]] = {}
    for at, item in enumerate(items):
        if not isinstance(item, int):
            continue
        context = min(at, CONTEXT) + min(len(items) - at - 1, CONTEXT)
        pattern = re.compile(_pattern(items, at, spoken))
        if context >= _MIN_CONTEXT and sum(1 for _ in pattern.finditer(joined)) == 1:
            patterns[id(spoken[item])] = pattern
    variable = frozenset(w for p in spoken for form in p.spoken for w in form)
    draft = _Plan((), variable)
    lines = Counter(draft.key(words(line)) for line in original.split("\n"))
    kept = []
    for point in points:
        if point.spoken[0]:
            if id(point) in patterns:
                kept.append(_Usable(point, patterns[id(point)]))
        elif any(len(k) >= _min_key(point) and lines[k] == 1 for k in map(draft.key, point.keys)):
            kept.append(_Usable(point, None))
    return _Plan(tuple(kept), variable)


def usable(original: str, safe_headings: bool = True, version: int = 3) -> tuple[_Usable, ...]:
    """The usable choice points of `original`, in document order."""
    if version >= 5:
        return plan(original, safe_headings, version).choices
    return plan(original, safe_headings).choices


def _min_key(point: ChoicePoint) -> int:
    """Fewest words that identify a carrier line: a heading is a line of its own, an item is not."""
    return 1 if point.kind is PointKind.HEADING else 2


def _read_layout(
    point: ChoicePoint,
    lines: list[str],
    where: dict[tuple[str, ...], list[int]],
    layout_plan: _Plan,
) -> int | None:
    """Heading style or bullet style of the suspect lines carrying `point`'s words."""
    votes: set[int] = set()
    for key in map(layout_plan.key, point.keys):
        found = where.get(key, []) if len(key) >= _min_key(point) else []
        if len(found) != 1:
            continue
        line = lines[found[0]]
        if point.kind is PointKind.HEADING:
            if _ATX_LINE.match(line):
                votes.add(0)
            elif found[0] + 1 < len(lines) and _UNDERLINE.match(lines[found[0] + 1]):
                votes.add(1)
        else:
            marker = _MARKER.match(line)
            style = marker.group(1)[-1] if marker else ""
            if style in ("-", "."):
                votes.add(0)
            elif style in ("*", ")"):
                votes.add(1)
            else:
                return None
    return votes.pop() if len(votes) == 1 else None


class TextChannel:
    """Carries code symbols in the wording and layout of advisory or detection text."""

    name = "text"
    capture_text = False

    def __init__(self, *, safe_headings: bool = True, version: int = 3) -> None:
        if version not in (3, 5, 6):
            raise MarkError(f"no text channel version {version}")
        self.safe_headings = safe_headings
        """Whether headings whose setext form reads as another block are left alone (scheme 2
        on; scheme 1 marked them, and its copies must decode as marked)."""
        self.version = version
        """3: every kind (schemes 1-3); 5: only the kinds the naturalness table keeps; 6: scheme
        5's and the word pairs scheme 6 added (`natural.SCHEME6_SYNONYMS`)."""

    def reads_capture(self, suspect: str) -> bool:
        """Traffic never shows an artifact's source or text."""
        return False

    def extract_capture(self, original: str, capture: Capture) -> list[int | None]:
        """Traffic shows no source or text: every choice point is erased."""
        return [None] * self.capacity(original)

    def routes(self, original: str) -> Routes | None:
        """Reads no request of a capture."""
        return frozenset()

    def capacity(self, original: str) -> int:
        """How many choices of `original` carry a symbol."""
        return len(usable(original, self.safe_headings, self.version))

    def embed(self, original: str, bits: Sequence[int], *, check: bool = True) -> str:
        """`original` with choice `k` rendered as `bits[k]` (written, never read back here:
        `check` is the engine's to make)."""
        kept = usable(original, self.safe_headings, self.version)
        if len(bits) != len(kept):
            raise MarkError(f"text channel needs {len(kept)} bits, got {len(bits)}")
        edits = []
        for choice, bit in zip(kept, bits, strict=True):
            if bit not in (0, 1):
                raise MarkError(f"text channel symbols are bits, got {bit!r}")
            for span, rendering in zip(
                choice.point.spans, choice.point.renderings[bit], strict=True
            ):
                edits.append((span, rendering))
        text = original
        for (start, end), rendering in sorted(edits, reverse=True):
            text = text[:start] + rendering + text[end:]
        return text

    def extract(self, original: str, suspect: str) -> list[int | None]:
        """Per choice of `original`, the form `suspect` shows, or `None` when not found once."""
        joined = _joined(suspect)
        layout_plan = (
            plan(original, self.safe_headings, self.version)
            if self.version >= 5
            else plan(original, self.safe_headings)
        )
        lines = suspect.split("\n")
        where: dict[tuple[str, ...], list[int]] = {}
        for index, line in enumerate(lines):
            where.setdefault(layout_plan.key(words(line)), []).append(index)
        result: list[int | None] = []
        for choice in layout_plan.choices:
            if choice.pattern is None:
                result.append(_read_layout(choice.point, lines, where, layout_plan))
                continue
            hits = [
                0 if m.group("zero") is not None else 1 for m in choice.pattern.finditer(joined)
            ]
            result.append(hits[0] if len(hits) == 1 else None)
        return result
