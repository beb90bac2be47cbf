"""Wire bits read from how a copy spells its literals, where evaluation cannot follow it.

A leaked fragment (a third of the functions, one helper pasted into another tool) often no
longer sends anything the evaluator can follow: its constants and its `send` helper are gone.
Its string literals are still there, as the partner's copy wrote them. So a literal edit is also
looked up in the suspect's text by its surroundings (digits elsewhere folded, letter case
ignored): a digit run reads its last digit, an uncommon header name its spelling. Only edits whose
surroundings occur once in the original are read this way, and every occurrence in the suspect
must agree; orders are read from evaluation only.
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


@lru_cache(maxsize=16)
def _patterns(original: str) -> dict[int, re.Pattern[str]]:
    """Per carried literal edit whose anchor is unique in the original, its search pattern."""
    plan = wire_plan(original)
    found: dict[int, re.Pattern[str]] = {}
    for index, k in enumerate(plan.carried):
        edit = plan.edits[k]
        if not isinstance(edit, Literal):
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
            found[index] = pattern
    return found


def read_spelt(plan: WirePlan, suspect: str) -> list[int | None]:
    """Per carried edit, the bit the suspect's literals spell, or `None`."""
    out: list[int | None] = [None] * len(plan.carried)
    for index, pattern in _patterns(plan.original).items():
        edit = plan.edits[plan.carried[index]]
        assert isinstance(edit, Literal)
        seen = {match.group(1) for match in pattern.finditer(suspect)}
        bits = {edit.forms.index(value) for value in seen if value in edit.forms}
        if len(bits) == 1 and len(seen) == 1:
            out[index] = bits.pop()
    return out


__all__ = ["read_spelt"]
