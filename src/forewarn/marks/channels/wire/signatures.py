"""What each candidate edit changes on the wire, found by evaluating copies, never by guessing.

`candidates` proposes edits; only the evaluator knows what the code then sends, through whichever
client, merge or helper. So each edit is applied to the original over three backgrounds of the
other bits (the original's own forms, all 0, all 1) and the copy is evaluated. The facts that
change the same way in every background are the edit's *signature*: they depend on that bit
alone. An edit that changes nothing the code sends (a literal it never sends, a header name its
client re-cases) has no signature and carries no mark.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from forewarn.marks.channels._python.order import arrange
from forewarn.marks.channels.wire.candidates import Candidate, Literal, Order, candidates
from forewarn.marks.channels.wire.facts import FactKey, facts, request_keys
from forewarn.marks.wire import evaluate_requests

Signature = tuple[tuple[FactKey, str, str], ...]
"""`(fact, value at bit 0, value at bit 1)` for every fact an edit's bit alone changes."""


@dataclass(frozen=True, slots=True)
class WirePlan:
    """The wire channel's view of one original PoC."""

    original: str
    """The unmarked PoC."""
    edits: tuple[Candidate, ...]
    """Every candidate edit, in source order."""
    base_bits: tuple[int, ...]
    """The original's own form of every edit (kept where no mark goes)."""
    carried: tuple[int, ...]
    """Indices of the edits that carry a wire bit, in channel order."""
    signatures: tuple[Signature, ...]
    """Per carried edit, the facts its bit changes."""
    wrap: Counter[tuple[str, str]]
    """How many times the PoC sends each `(method, path skeleton)`."""

    def write(self, bits: Sequence[int]) -> str:
        """The original with edit `k` in form `bits[k]` (every edit, carried or not)."""
        return write(self.original, self.edits, bits)


def write(original: str, edits: Sequence[Candidate], bits: Sequence[int]) -> str:
    """Apply every edit's form. Literal edits may sit inside entries of a display whose order
    is edited too (a header name inside a dict entry): an entry is rendered with the edits
    inside it, then moved."""
    literals: list[tuple[int, int, str]] = []
    orders: dict[int, tuple[Order, dict[str, int]]] = {}
    for edit, bit in zip(edits, bits, strict=True):
        if isinstance(edit, Literal):
            literals.append((*edit.span, edit.forms[bit]))
        else:
            order, k = edit
            orders.setdefault(id(order), (order, {}))[1][order.pairs()[k][1]] = bit
    regions: list[_Region] = [_Region(a, b, text, None) for a, b, text in literals]
    regions += [
        _Region(o.spans[0][0], o.spans[-1][1], "", (o, arrange(list(o.keys), chosen)))
        for o, chosen in orders.values()
    ]
    regions.sort(key=lambda r: (r.start, -r.end))
    return _render(original, 0, len(original), regions)


@dataclass(frozen=True, slots=True)
class _Region:
    start: int
    end: int
    text: str
    order: tuple[Order, list[str]] | None


def _render(original: str, start: int, end: int, regions: Sequence[_Region]) -> str:
    """`original[start:end]` with the outermost regions inside it rendered, in order."""
    out: list[str] = []
    cursor = start
    index = 0
    inside = [r for r in regions if start <= r.start and r.end <= end]
    while index < len(inside):
        region = inside[index]
        nested = [r for r in inside[index + 1 :] if r.end <= region.end]
        index += 1 + len(nested)
        out.append(original[cursor : region.start])
        out.append(region.text if region.order is None else _reorder(original, region, nested))
        cursor = region.end
    out.append(original[cursor:end])
    return "".join(out)


def _reorder(original: str, region: _Region, nested: Sequence[_Region]) -> str:
    assert region.order is not None
    order, arrangement = region.order
    texts = {
        key: _render(original, a, b, nested)
        for key, (a, b) in zip(order.keys, order.spans, strict=True)
    }
    out: list[str] = []
    cursor = region.start
    for (a, b), key in zip(order.spans, arrangement, strict=True):
        out.append(original[cursor:a])
        out.append(texts[key])
        cursor = b
    out.append(original[cursor : region.end])
    return "".join(out)


def _base(edit: Candidate, original: str) -> int:
    if isinstance(edit, Literal):
        return edit.forms.index(original[edit.span[0] : edit.span[1]])
    order, k = edit
    return order.pairs()[k][2]


def _facts(text: str) -> dict[FactKey, str]:
    return {observed.key: observed.value for observed in facts(evaluate_requests(text))}


def _changes(
    original: str, edits: Sequence[Candidate], background: list[int], which: Sequence[int]
) -> dict[int, dict[FactKey, tuple[str, str]]]:
    """For each edit in `which`: facts it changes from `background`, as (bit 0, bit 1) values."""
    before = _facts(write(original, edits, background))
    out: dict[int, dict[FactKey, tuple[str, str]]] = {}
    for k in which:
        flipped = list(background)
        flipped[k] ^= 1
        after = _facts(write(original, edits, flipped))
        diff = {key: (before[key], after[key]) for key in before.keys() & after.keys()}
        changed = {key: pair for key, pair in diff.items() if pair[0] != pair[1]}
        out[k] = {key: (a, b) if background[k] == 0 else (b, a) for key, (a, b) in changed.items()}
    return out


@lru_cache(maxsize=16)
def wire_plan(original: str) -> WirePlan:
    """The original's carried edits and their signatures (evaluated once per original)."""
    requests = evaluate_requests(original)
    wrap = Counter((m, p) for m, p, _ in request_keys(requests))
    try:
        tree = ast.parse(original)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return WirePlan(original, (), (), (), (), wrap)
    edits = tuple(candidates(original, tree, requests)) if requests else ()
    base = [_base(edit, original) for edit in edits]
    first = _changes(original, edits, base, range(len(edits)))
    live = [k for k in range(len(edits)) if first[k]]
    common = {k: first[k] for k in live}
    for background in ([0] * len(edits), [1] * len(edits)):
        again = _changes(original, edits, background, live)
        for k in live:
            common[k] = {key: v for key, v in common[k].items() if again[k].get(key) == v}
    carried = tuple(k for k in live if common[k])
    signatures = tuple(tuple(sorted((key, *v) for key, v in common[k].items())) for k in carried)
    return WirePlan(original, edits, tuple(base), carried, signatures, wrap)


__all__ = ["Signature", "WirePlan", "wire_plan", "write"]
