"""Display orders and header-name case read from a rewrite in another language.

A rewrite keeps the order of the copy's header dicts and query parameters because it sends
them in that order (or, where its client re-sorts them, because an assistant writes entries in
the order it reads them), and it keeps each header name as the copy spells it. `foreign` anchors
literal values; here each display order of the plan whose keys are words (header names, query
keys) is found as a run of those words in the suspect's text: the keys of every such order
spotted (letter case ignored) in text order as keys are written (just after a quote, `?`,
`&`, or a line's start, `{`, `,` or `(` and spaces; just before a quote, `:` or `=`: never a
cookie's name inside its value), a run cut where a gap exceeds `MAX_GAP` characters
or a key comes back; a key that comes back on the run's own line (`node=1&job=2&node=3`)
is one display naming it twice, which shows no order, and that run is dropped (a key that
comes back on a later line starts the next display, as code writes displays). A run
holding each key of an order exactly once shows that order's bits (`read_order`, which
erases an order someone else re-sorted) and, for a header name whose case is an edit inside
one of the order's entries, its spelling. Every run of an order must agree.
The padding of a query parameter (`Pad=AAAA…`) is read from the run of one letter after its
name, its letter or its length as the edit's facts say. A copy spells some header names of its
runs in lower case and some not; a suspect that spells them all
alike was re-cased by its writer or its client (Rust's `HeaderName::from_static` takes lower
case only), and none of its case bits is read, here or by `foreign`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from forewarn.domain.wire import WireFeature
from forewarn.marks.channels._python.order import read_order
from forewarn.marks.channels.wire.candidates import Literal, Order
from forewarn.marks.channels.wire.signatures import Signature, WirePlan, wire_plan

MAX_GAP = 320
"""Characters allowed between two entries of one display (a user agent spelt out is ~130)."""
_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")


@lru_cache(maxsize=16)
def _orders(
    original: str, version: int
) -> tuple[tuple[Order, tuple[int, ...], tuple[int, ...]], ...]:
    """Per display order with word keys: the order, its carried indexes by pair, and per key
    the carried index of the case edit inside its entry (-1 for none)."""
    plan = wire_plan(original, version)
    found: dict[int, tuple[Order, dict[int, int], list[int]]] = {}
    for index, k in enumerate(plan.carried):
        edit = plan.edits[k]
        if isinstance(edit, Literal):
            continue
        order, pair = edit
        if order.kind != "display" or not all(_WORD.match(key) for key in order.keys):
            continue
        if len({key.lower() for key in order.keys}) != len(order.keys):
            continue
        entry = found.setdefault(id(order), (order, {}, [-1] * len(order.keys)))
        entry[1][pair] = index
    for index, k in enumerate(plan.carried):
        edit = plan.edits[k]
        if not isinstance(edit, Literal) or edit.kind != "case":
            continue
        for order, _, cases in found.values():
            for place, (start, end) in enumerate(order.spans):
                key = order.keys[place].lower()
                if start <= edit.span[0] < end and edit.forms[0].lower() == key:
                    cases[place] = index
    return tuple(
        (order, tuple(pairs.get(j, -1) for j in range(len(order.pairs()))), tuple(cases))
        for order, pairs, cases in found.values()
    )


def _runs(suspect: str, words: frozenset[str]) -> list[list[tuple[str, str]]]:
    """Runs of the plan's key words in the suspect: `(key, as spelt)` in text order."""
    if not words:
        return []
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = re.compile(
        rf"(?:(?<=['\"`?&])|(?:^|[{{,(])[ \t]*)({alternatives})(?=['\"`]|[ \t]*[:=])",
        re.IGNORECASE | re.MULTILINE,
    )
    runs: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    last = -MAX_GAP - 1
    first = 0
    for match in pattern.finditer(suspect):
        key = match.group(1).lower()
        again = any(k == key for k, _ in current)
        if match.start(1) - last > MAX_GAP or again:
            if current and not (again and "\n" not in suspect[first : match.start(1)]):
                runs.append(current)  # a key named again on the run's line: no order shown
            current = []
            first = match.start(1)
        current.append((key, match.group(1)))
        last = match.end()
    if current:
        runs.append(current)
    return runs


def read_foreign_orders(plan: WirePlan, suspect: str) -> tuple[list[int | None], bool]:
    """Per carried edit, the bit the suspect's runs of keys show (orders and name case), and
    whether the suspect spells every header name of its runs alike (re-cased)."""
    out: list[int | None] = [None] * len(plan.carried)
    orders = _orders(plan.original, plan.version)
    words = frozenset(key.lower() for order, _, _ in orders for key in order.keys)
    runs = _runs(suspect, words)
    cases: list[tuple[int, set[str]]] = []
    for order, pair_indexes, case_indexes in orders:
        keys = [key.lower() for key in order.keys]
        readings: set[tuple[int | None, ...]] = set()
        spellings: list[set[str]] = [set() for _ in keys]
        for run in runs:
            seen = [k for k, _ in run if k in keys]
            if sorted(seen) != sorted(keys):
                continue
            pairs = [(p.lower(), o.lower(), b) for p, o, b in order.pairs()]
            readings.add(tuple(read_order(seen, pairs)))
            as_spelt = dict(run)
            for place, key in enumerate(keys):
                spellings[place].add(as_spelt[key])
        if len(readings) == 1:
            for index, bit in zip(pair_indexes, readings.pop(), strict=True):
                if index >= 0:
                    out[index] = bit
        cases.extend(zip(case_indexes, spellings, strict=True))
    spelt = {name for index, names in cases if index >= 0 for name in names}
    recased = len({name == name.lower() for name in spelt}) == 1
    if not recased:
        for index, names in cases:
            _case(plan, out, index, names)
    for index, signature in enumerate(plan.signatures):
        if out[index] is None:
            out[index] = _padding(signature, suspect)
    return out, recased


def _padding(signature: Signature, suspect: str) -> int | None:
    """The bit of a query parameter's padding (`Pad=AAAA…`: its letter or its length), read
    from the run of one repeated character just after the parameter's name."""
    details = {key[3].split(".")[-1] for key, _, _ in signature}
    names = {key[2] for key, _, _ in signature}
    features = {key[1] for key, _, _ in signature}
    values = {(zero, one) for _, zero, one in signature}
    if features != {WireFeature.QUERY} or len(names) != 1 or len(values) != 1:
        return None
    if details not in ({"char"}, {"len"}) or not _WORD.match(next(iter(names))):
        return None
    ((zero, one),) = values
    (name,) = names
    pattern = re.compile(rf"(?<![\w-]){re.escape(name)}[^\w\n]{{1,8}}(([A-Za-z0-9])\2+)(?!\2)")
    seen = set()
    for match in pattern.finditer(suspect):
        run = match.group(1)
        seen.add(run[0] if details == {"char"} else str(len(run)))
    if len(seen) != 1 or not seen <= {zero, one}:
        return None
    return (zero, one).index(seen.pop())


def _case(plan: WirePlan, out: list[int | None], index: int, spelt: set[str]) -> None:
    """The case bit of one header name, when every run spells it as one of its forms."""
    if index < 0 or len(spelt) != 1:
        return
    edit = plan.edits[plan.carried[index]]
    assert isinstance(edit, Literal)
    (name,) = spelt
    if name in edit.forms:
        out[index] = edit.forms.index(name)


def agreed(first: Sequence[int | None], second: Sequence[int | None]) -> list[int | None]:
    """Per site, the bit either reading shows; two that disagree erase it."""
    return [
        a if b is None else b if a is None else a if a == b else None
        for a, b in zip(first, second, strict=True)
    ]


__all__ = ["MAX_GAP", "agreed", "read_foreign_orders"]
