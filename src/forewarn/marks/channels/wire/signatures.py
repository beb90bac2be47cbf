"""What each candidate edit changes on the wire, found by evaluating copies, never by guessing.

`candidates` proposes edits; only the evaluator knows what the code then sends, through whichever
client, merge or helper. So each edit is applied to the original over three backgrounds of the
other bits (the original's own forms, all 0, all 1) and the copy is evaluated. The facts that
change the same way in every background are the edit's *signature*: they depend on that bit
alone. An edit that changes nothing the code sends (a literal it never sends, a header name its
client re-cases) has no signature and carries no mark.

Scheme 3 (`version=3`) plans scheme 3's candidates (`choices`) against scheme 3's facts, which
include the code's behaviour constants (`roles`), and then proves the plan: copies with keyed
pseudo-random bits are evaluated and every carried edit must read back in each of them; an edit
that misreads in any is dropped, so no combination of other bits can flip it.
"""

from __future__ import annotations

import ast
import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from forewarn.domain.wire import HttpRequest
from forewarn.marks.channels._python.order import arrange
from forewarn.marks.channels.wire.candidates import (
    Candidate,
    Literal,
    Offsets,
    Order,
    candidates,
)
from forewarn.marks.channels.wire.choices import candidates3
from forewarn.marks.channels.wire.facts import FactKey, Observed, Wanted, facts, request_keys
from forewarn.marks.channels.wire.roles import (
    BEHAVIOUR,
    CODE,
    behaviour_facts,
    canonical,
    role_sites,
)
from forewarn.marks.wire import Evaluation, evaluate, evaluate_requests

PROOFS = 12
"""Keyed pseudo-random copies every scheme-3 plan must read back from, bit for bit."""

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
    version: int = 2
    """The marking scheme whose candidates and facts the plan uses."""
    wanted: Wanted = field(init=False, repr=False, compare=False)
    """Every fact a signature reads: all a reader of this plan needs to be told."""

    def __post_init__(self) -> None:
        keys = (key for signature in self.signatures for key, _, _ in signature)
        object.__setattr__(self, "wanted", Wanted.of(keys))

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


def observe(
    requests: Sequence[HttpRequest],
    evaluation: Evaluation | None,
    source: str,
    version: int,
    wrap: Counter[tuple[str, str]] | None = None,
    wanted: Wanted | None = None,
) -> list[Observed]:
    """The facts of `version` that requests show; scheme 3 adds, for code (`evaluation` of
    `source`), its behaviour constants. With `wanted`, at least those (`facts`)."""
    if version < 3:
        return facts(requests, wrap=wrap, wanted=wanted)
    found = facts(requests, wrap=wrap, version=version, wanted=wanted)
    if evaluation is not None and (wanted is None or CODE in wanted.requests):
        found += behaviour_facts(source, evaluation)
    return found


def _facts(text: str) -> dict[FactKey, str]:
    return {observed.key: observed.value for observed in facts(evaluate_requests(text))}


FactsOf = Callable[[Sequence[int]], dict[FactKey, str]]
"""The facts of the copy written with these bits (of every edit)."""


def _changes(
    facts_of: FactsOf, background: list[int], which: Sequence[int]
) -> dict[int, dict[FactKey, tuple[str, str]]]:
    """For each edit in `which`: facts it changes from `background`, as (bit 0, bit 1) values."""
    before = facts_of(background)
    out: dict[int, dict[FactKey, tuple[str, str]]] = {}
    for k in which:
        flipped = list(background)
        flipped[k] ^= 1
        after = facts_of(flipped)
        diff = {key: (before[key], after[key]) for key in before.keys() & after.keys()}
        changed = {key: pair for key, pair in diff.items() if pair[0] != pair[1]}
        out[k] = {key: (a, b) if background[k] == 0 else (b, a) for key, (a, b) in changed.items()}
    return out


def _common(facts_of: FactsOf, base: list[int]) -> dict[int, dict[FactKey, tuple[str, str]]]:
    """Per edit that changes anything from the original's own forms, the changes it makes the
    same way over the original's forms, all 0 and all 1 (its bit alone decides them)."""
    count = len(base)
    first = _changes(facts_of, base, range(count))
    live = [k for k in range(count) if first[k]]
    common = {k: first[k] for k in live}
    for background in ([0] * count, [1] * count):
        again = _changes(facts_of, background, live)
        for k in live:
            common[k] = {key: v for key, v in common[k].items() if again[k].get(key) == v}
    return common


SHIPPED_PLANS = 8
"""Plans adopted from another process kept at once (`adopt_plan`), the oldest dropped first."""

_SHIPPED: dict[tuple[str, int], WirePlan] = {}


def wire_plan(original: str, version: int = 2) -> WirePlan:
    """The original's carried edits and their signatures (evaluated once per original, or
    once per program run when the plan is handed to other processes: `adopt_plan`)."""
    shipped = _SHIPPED.get((original, version))
    return shipped if shipped is not None else _planned(original, version)


def adopt_plan(plan: WirePlan) -> None:
    """Use `plan`, made by `wire_plan` in another process of this program run (a marking pool's
    parent), for its original: planning evaluates some 200 copies, seconds of CPU that every
    process would otherwise spend again for the same answer."""
    key = (plan.original, plan.version)
    _SHIPPED.pop(key, None)
    _SHIPPED[key] = plan
    while len(_SHIPPED) > SHIPPED_PLANS:
        del _SHIPPED[next(iter(_SHIPPED))]


@lru_cache(maxsize=16)
def _planned(original: str, version: int) -> WirePlan:
    if version >= 3:
        return _plan3(original, version)
    requests = evaluate_requests(original)
    wrap = Counter((m, p) for m, p, _ in request_keys(requests))
    try:
        tree = ast.parse(original)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return WirePlan(original, (), (), (), (), wrap)
    edits = tuple(candidates(original, tree, requests)) if requests else ()
    base = [_base(edit, original) for edit in edits]
    common = _common(lambda bits: _facts(write(original, edits, bits)), base)
    carried = tuple(k for k in common if common[k])
    signatures = tuple(_signature(common[k]) for k in carried)
    return WirePlan(original, edits, tuple(base), carried, signatures, wrap)


def _plan3(original: str, version: int = 3) -> WirePlan:
    """Scheme 3's plan: its candidates, its facts, and the proof over keyed random copies.

    While planning, a copy's behaviour constants are the original's with the role edits' forms
    put in (no other edit touches a number); the proof reads every copy in full.
    """
    evaluation = evaluate(original)
    requests = evaluation.requests
    wrap = Counter((m, p) for m, p, _ in request_keys(requests))
    try:
        tree = ast.parse(original)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return WirePlan(original, (), (), (), (), wrap, version)
    sending = [site.line for site in evaluation.sites]
    edits = tuple(candidates3(original, tree, requests, sending, version)) if requests else ()
    base = [_base(edit, original) for edit in edits]
    behaviour = _behaviour_of(original, tree, sending, edits)

    def facts_of(bits: Sequence[int]) -> dict[FactKey, str]:
        copy = evaluate_requests(write(original, edits, bits))
        found = facts(copy, version=3) + behaviour(bits)
        return {observed.key: observed.value for observed in found}

    common = _common(facts_of, base)
    carried = [k for k in common if common[k]]
    for proof in range(PROOFS):
        bits = _proof_bits(original, proof, len(edits))
        text = write(original, edits, bits)
        copy_evaluation = evaluate(text)
        seen = _seen(observe(copy_evaluation.requests, copy_evaluation, text, 3, wrap))
        carried = [k for k in carried if read_bit(_signature(common[k]), seen) == bits[k]]
    signatures = tuple(_signature(common[k]) for k in carried)
    return WirePlan(original, edits, tuple(base), tuple(carried), signatures, wrap, version)


def _behaviour_of(
    original: str, tree: ast.Module, sending: Sequence[int], edits: Sequence[Candidate]
) -> Callable[[Sequence[int]], list[Observed]]:
    """The behaviour facts of the copy written with `bits`, from the original's role sites."""
    offsets = Offsets(original)
    at = {
        edit.span: k
        for k, edit in enumerate(edits)
        if isinstance(edit, Literal) and edit.kind.startswith("role:")
    }
    sites = [
        (site, at.get(offsets.span(site.literal) or (0, 0)) if site.literal else None)
        for site in role_sites(tree, sending)
    ]

    def behaviour(bits: Sequence[int]) -> list[Observed]:
        out = []
        for site, k in sites:
            value = site.value
            if k is not None:
                edit = edits[k]
                assert isinstance(edit, Literal)
                value = float(edit.forms[bits[k]])
            out.append(Observed((CODE, BEHAVIOUR, site.role, ""), canonical(value)))
        return out

    return behaviour


def _proof_bits(original: str, proof: int, count: int) -> list[int]:
    """Keyed pseudo-random bits for proof copy `proof` (the same on every run)."""
    stream = hashlib.shake_256(f"wire-proof:{proof}:".encode() + original.encode("utf-8"))
    return [byte & 1 for byte in stream.digest(count)]


def _signature(changes: dict[FactKey, tuple[str, str]]) -> Signature:
    return tuple(sorted((key, *v) for key, v in changes.items()))


def _seen(observed: Sequence[Observed]) -> dict[FactKey, set[str]]:
    seen: dict[FactKey, set[str]] = {}
    for fact in observed:
        seen.setdefault(fact.key, set()).add(fact.value)
    return seen


def read_bit(signature: Signature, seen: dict[FactKey, set[str]]) -> int | None:
    """The bit facts `seen` show for an edit of this signature: `None` when no fact of it is
    seen, when one shows both values, or when two facts disagree."""
    votes: set[int] = set()
    mixed = False
    for key, zero, one in signature:
        values = seen.get(key, set())
        if zero in values and one in values:
            mixed = True
        elif zero in values:
            votes.add(0)
        elif one in values:
            votes.add(1)
    return votes.pop() if len(votes) == 1 and not mixed else None


def read_observed(plan: WirePlan, observed: Sequence[Observed]) -> list[int | None]:
    """Per carried edit of `plan`, the bit these facts show."""
    seen = _seen(observed)
    return [read_bit(signature, seen) for signature in plan.signatures]


__all__ = [
    "Signature",
    "WirePlan",
    "adopt_plan",
    "observe",
    "read_bit",
    "read_observed",
    "wire_plan",
    "write",
]
