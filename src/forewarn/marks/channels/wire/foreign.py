"""Wire bits read from a rewrite in another language: the values it sends, found in its text.

A code assistant turns a leaked Python PoC into Node.js, a curl script or PowerShell in
seconds; the tool must still send the same bytes, so the partner's digits, header spellings
and header values are still there, inside string literals of another syntax. The evaluator
reads Python only and `spelt` anchors each literal on the Python around it (`NAME = "`), so
neither reads such a rewrite. Here each literal edit is anchored on what the *value* holds
around it, never on the syntax around the literal: up to `CONTEXT` characters of the same
literal each side (neighbouring edits as either of their forms, digits folded, letter case
ignored, punctuation also matched percent-encoded), and, where that leaves fewer than
`MIN_ANCHOR` letters, the word just before the literal (its key or header name:
`RequestId` before `"20210302-7731"`) followed by a short run of punctuation. An uncommon
header name is read from its spelling alone. Only anchors found exactly once in the original
are used, and every occurrence in the suspect must agree; orders, paddings and behaviour
constants are not read here (they need the evaluator); a display's order is read from
where its keys are named (`foreign_orders`).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache

from forewarn.marks.channels.payload.sites import KNOWN_HEADERS
from forewarn.marks.channels.wire.candidates import Literal
from forewarn.marks.channels.wire.foreign_orders import read_orders
from forewarn.marks.channels.wire.signatures import WirePlan, wire_plan

CONTEXT = 14
"""Characters of the literal each side of an edit that anchor it."""
MIN_ANCHOR = 4
"""Letters an anchor needs before it is trusted on its own."""
VALUE_KINDS = frozenset({"digit", "date", "digits", "agent", "value"})
"""Edits read from the value they sit in; `case` edits are read from the name alone."""
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z0-9]{2,})[^A-Za-z0-9\n]{0,8}$")
_BOUNDARY = r"[^\w\n]{1,8}"


@dataclass(frozen=True, slots=True)
class _Span:
    """One string literal of the original: where it starts and where its content lies."""

    start: int
    content: tuple[int, int]


def _strings(original: str) -> tuple[_Span, ...]:
    """The original's string literals, found by Python's tokenizer (read, never run)."""
    starts = [0]
    for line in original.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    found: list[_Span] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(original).readline))
    except (tokenize.TokenError, SyntaxError):
        return ()
    for token in tokens:
        if token.type != tokenize.STRING:
            continue
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        text = original[begin:end]
        quote = len(text) - len(text.lstrip("rRbBuUfF"))
        width = 3 if text[quote : quote + 3] in ('"""', "'''") else 1
        found.append(_Span(begin, (begin + quote + width, end - width)))
    return tuple(found)


def _fold(text: str) -> str:
    """`text` as a pattern: digit runs folded, punctuation also percent-encoded."""
    out: list[str] = []
    for part in re.split(r"(\d+)", text):
        if part.isdigit():
            out.append(r"\d+")
            continue
        for char in part:
            if char.isalnum():
                out.append(re.escape(char))
            else:
                out.append(f"(?:{re.escape(char)}|%{ord(char):02X})")
    return "".join(out)


def _side(original: str, lo: int, hi: int, edits: list[Literal]) -> tuple[str, int]:
    """The pattern of `original[lo:hi]` with carried edits in it as either form, and how
    many letters and digits outside those edits anchor it."""
    pieces: list[str] = []
    strength = 0
    at = lo
    for edit in sorted(edits, key=lambda e: e.span):
        start, end = edit.span
        if end <= lo or start >= hi or edit.kind in ("digit", "date"):
            continue  # digits of a run are folded with the run
        if start < at or end > hi:
            return "", 0  # an edit cut by the window: no clean anchor on this side
        text = original[at:start]
        pieces.append(_fold(text))
        strength += sum(c.isalpha() for c in text)
        forms = sorted(edit.forms, key=len, reverse=True)
        pieces.append("(?:" + "|".join(re.escape(f) for f in forms) + ")")
        at = end
    text = original[at:hi]
    pieces.append(_fold(text))
    strength += sum(c.isalpha() for c in text)
    return "".join(pieces), strength


def _value_pattern(
    original: str, edit: Literal, span: _Span, literals: list[Literal]
) -> tuple[str, int | None] | None:
    """The pattern capturing the edited part (a digit run, or either form) and the digit's
    place for a one-digit edit."""
    start, end = edit.span
    place: int | None = None
    if edit.kind in ("digit", "date"):
        while start > span.content[0] and original[start - 1].isdigit():
            start -= 1
        while end < span.content[1] and original[end].isdigit():
            end += 1
        place = edit.span[0] - start
        middle = rf"(?<!\d)(\d{{{end - start}}})(?!\d)"
    elif edit.kind == "digits":
        middle = r"(?<!\d)(\d+)(?!\d)"
    else:
        forms = sorted(edit.forms, key=len, reverse=True)
        middle = "(" + "|".join(re.escape(f) for f in forms) + ")"
    lo = max(span.content[0], start - CONTEXT)
    hi = min(span.content[1], end + CONTEXT)
    left, left_strength = _side(original, lo, start, literals)
    right, right_strength = _side(original, end, hi, literals)
    if left_strength + right_strength < MIN_ANCHOR and lo == span.content[0]:
        word = _WORD_BEFORE.search(original, 0, span.start)
        line = original.rfind("\n", 0, span.start) + 1
        if word is not None and word.start() >= line:
            left = f"(?<![A-Za-z0-9]){re.escape(word.group(1))}{_BOUNDARY}" + left
            left_strength += len(word.group(1))
    if left_strength + right_strength < MIN_ANCHOR:
        return None
    if edit.kind not in ("digit", "date", "digits"):
        middle += r"(?![\w,;=])"  # `en-US` is not the head of `en-US,en;q=0.9`
    return f"(?i:{left}){middle}(?i:{right})", place


@lru_cache(maxsize=16)
def _patterns(original: str, version: int) -> dict[int, tuple[re.Pattern[str], int | None]]:
    """Per carried literal edit whose anchor occurs once in the original, its pattern and,
    for a one-digit edit, the digit's place in the captured run."""
    plan = wire_plan(original, version)
    literals = [e for e in (plan.edits[k] for k in plan.carried) if isinstance(e, Literal)]
    spans = _strings(original)
    found: dict[int, tuple[re.Pattern[str], int | None]] = {}
    for index, k in enumerate(plan.carried):
        edit = plan.edits[k]
        if not isinstance(edit, Literal):
            continue
        span = next((s for s in spans if s.content[0] <= edit.span[0] < s.content[1]), None)
        if span is None:
            continue
        if edit.kind == "case":
            if edit.forms[0].lower() in KNOWN_HEADERS:
                continue  # every client spells `Accept`
            name = "|".join(re.escape(f) for f in edit.forms)
            built: tuple[str, int | None] | None = (
                rf"(?<![\w-])({name})(?![\w=-])",
                None,
            )
        elif edit.kind in VALUE_KINDS:
            built = _value_pattern(original, edit, span, literals)
        else:
            continue
        if built is None:
            continue
        pattern = re.compile(built[0])
        if len(pattern.findall(original)) == 1:
            found[index] = (pattern, built[1])
    return found


def read_foreign(plan: WirePlan, suspect: str) -> list[int | None]:
    """Per carried edit, the bit the suspect's text shows wherever its syntax put it."""
    out: list[int | None] = [None] * len(plan.carried)
    for index, (pattern, place) in _patterns(plan.original, plan.version).items():
        edit = plan.edits[plan.carried[index]]
        assert isinstance(edit, Literal)
        seen = {match.group(1) for match in pattern.finditer(suspect)}
        if place is not None:
            seen = {run[place] for run in seen if place < len(run)}
        bits = {edit.forms.index(value) for value in seen if value in edit.forms}
        if len(bits) == 1 and len(seen) == 1:
            out[index] = bits.pop()
    return out


def read_foreign_code(plan: WirePlan, suspect: str, folded: str = "") -> list[int | None]:
    """`read_foreign` of the suspect and of its constants folded back (`splice`), with the
    display orders each names (`foreign_orders`): the two texts read apart, since one repeats
    the other's keys, and agreed."""
    values = read_foreign(plan, f"{suspect}\n{folded}" if folded else suspect)
    orders = read_orders(plan, suspect)
    if folded:
        again = read_orders(plan, folded)
        orders = [
            a if b is None else b if a is None else a if a == b else None
            for a, b in zip(orders, again, strict=True)
        ]
    # orders are never literal edits, so no site is read by both
    return [v if o is None else o for v, o in zip(values, orders, strict=True)]


__all__ = ["read_foreign", "read_foreign_code"]
