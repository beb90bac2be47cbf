"""Wire bits read from how a copy spells its literals, where evaluation cannot follow it.

A leaked fragment (a third of the functions, one helper pasted into another tool) often no
longer sends anything the evaluator can follow: its constants and its `send` helper are gone.
Its string literals are still there, as the partner's copy wrote them. So a literal edit is also
looked up in the suspect's text by its surroundings (digits elsewhere folded, letter case
ignored): a digit run reads its last digit, an uncommon header name its spelling. Only edits whose
surroundings occur once in the original are read this way, and every occurrence in the suspect
must agree; orders are read from evaluation only. Scheme 3's per-digit edits are read as one
digit of their run, anchored on the run's surroundings; its other kinds only from evaluation.
"""

from __future__ import annotations

import re
from functools import lru_cache

from forewarn.marks.channels.payload.sites import KNOWN_HEADERS
from forewarn.marks.channels.wire.candidates import Literal
from forewarn.marks.channels.wire.signatures import WirePlan, wire_plan

CONTEXT = 14
"""Characters each side of a digit run that anchor it."""


def _fold(text: str) -> str:
    """A regex for `text` with every digit run folded and letter case ignored."""
    parts = re.split(r"(\d+)", text)
    return "".join(r"\d+" if part.isdigit() else re.escape(part) for part in parts)


SPELT_KINDS = frozenset({"digits", "case", "padding"})
"""Literal edits read from their spelling as scheme 2 reads them."""

DIGIT_KINDS = frozenset({"digit", "date"})
"""Scheme 3's one-digit edits, read as a digit of their run."""


@lru_cache(maxsize=16)
def _patterns(original: str, version: int) -> dict[int, tuple[re.Pattern[str], int | None]]:
    """Per carried literal edit whose anchor is unique in the original, its search pattern and,
    for a one-digit edit, the digit's place in the run the pattern captures."""
    plan = wire_plan(original, version)
    found: dict[int, tuple[re.Pattern[str], int | None]] = {}
    for index, k in enumerate(plan.carried):
        edit = plan.edits[k]
        if not isinstance(edit, Literal):
            continue
        if version >= 3 and edit.kind in DIGIT_KINDS:
            anchored = _digit_pattern(original, edit)
            if anchored is not None:
                found[index] = anchored
            continue
        if version >= 3 and edit.kind not in SPELT_KINDS:
            continue
        start, end = edit.span
        line_start = original.rfind("\n", 0, start) + 1
        line_end = original.find("\n", end)
        line_end = len(original) if line_end < 0 else line_end
        left = original[max(line_start, start - CONTEXT) : start]
        right = original[end : min(line_end, end + CONTEXT)]
        if edit.kind == "case":
            if edit.forms[0].lower() in KNOWN_HEADERS:
                continue  # every client spells `"Accept"`: it would read in unrelated code
            left, right = original[start - 1 : start], original[end : end + 1]
            middle = f"(?i:{re.escape(edit.forms[0])})"
        else:
            middle = r"(\d+)"
        pattern = re.compile(
            f"(?i:{_fold(left)})"
            + (f"({middle})" if edit.kind == "case" else middle)
            + f"(?i:{_fold(right)})"
        )
        if len(pattern.findall(original)) == 1:
            found[index] = (pattern, None)
    return found


def _digit_pattern(original: str, edit: Literal) -> tuple[re.Pattern[str], int] | None:
    """The run around a one-digit edit, anchored like a digit run, and the digit's place."""
    start = edit.span[0]
    while start > 0 and original[start - 1].isdigit():
        start -= 1
    end = edit.span[1]
    while end < len(original) and original[end].isdigit():
        end += 1
    line_start = original.rfind("\n", 0, start) + 1
    line_end = original.find("\n", end)
    line_end = len(original) if line_end < 0 else line_end
    left = original[max(line_start, start - CONTEXT) : start]
    right = original[end : min(line_end, end + CONTEXT)]
    pattern = re.compile(f"(?i:{_fold(left)})(\\d{{{end - start}}})(?i:{_fold(right)})")
    if len(pattern.findall(original)) != 1:
        return None
    return pattern, edit.span[0] - start


def read_spelt(plan: WirePlan, suspect: str) -> list[int | None]:
    """Per carried edit, the bit the suspect's literals spell, or `None`. The digits of one
    run share its pattern: the suspect is searched once per pattern."""
    out: list[int | None] = [None] * len(plan.carried)
    found: dict[tuple[str, int], set[str]] = {}
    for index, (pattern, place) in _patterns(plan.original, plan.version).items():
        edit = plan.edits[plan.carried[index]]
        assert isinstance(edit, Literal)
        key = (pattern.pattern, pattern.flags)
        seen = found.get(key)
        if seen is None:
            seen = found[key] = {match.group(1) for match in pattern.finditer(suspect)}
        if place is not None:
            seen = {run[place] for run in seen}
        bits = {edit.forms.index(value) for value in seen if value in edit.forms}
        if len(bits) == 1 and len(seen) == 1:
            out[index] = bits.pop()
    return out


__all__ = ["read_spelt"]
