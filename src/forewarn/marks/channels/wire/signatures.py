"""What each payload site changes on the wire, found by evaluating copies, never by guessing.

The payload writer (`channels.payload`) knows where in the source a bit can go; only the
evaluator knows what the code then sends, through whichever client, merge or helper. So for each
site the original is written with that site's bit at 0 and at 1, over three backgrounds of the
other bits (all 0, all 1, alternating), and evaluated. The facts that change the same way in
every background are the site's *signature*: they depend on that bit alone. A site whose bit
changes nothing the code sends (a header name a client re-cases, a dict the code never sends)
has no signature and carries no mark in the wire channel.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from forewarn.domain.wire import HttpRequest
from forewarn.errors import MarkError
from forewarn.marks.channels.payload.channel import PayloadChannel, layout_of
from forewarn.marks.channels.payload.write import PayloadLayout
from forewarn.marks.channels.wire.facts import FactKey, facts, request_keys
from forewarn.marks.wire import evaluate_requests

Signature = tuple[tuple[FactKey, str, str], ...]
"""`(fact, value at bit 0, value at bit 1)` for every fact a site's bit alone changes."""


@dataclass(frozen=True, slots=True)
class WirePlan:
    """The wire channel's view of one original PoC."""

    layout: PayloadLayout | None
    """The payload writer's sites and where they are written; `None` when there are none."""
    base_bits: tuple[int, ...]
    """The original's own form at every payload site (kept where no mark goes)."""
    carried: tuple[int, ...]
    """Indices of the payload sites that carry a wire bit, in channel order."""
    signatures: tuple[Signature, ...]
    """Per carried site, the facts its bit changes."""
    wrap: Counter[tuple[str, str]]
    """How many times the PoC sends each `(method, path skeleton)`."""


def _facts_of(requests: Sequence[HttpRequest]) -> dict[FactKey, str]:
    return {observed.key: observed.value for observed in facts(requests)}


def _evaluate(layout: PayloadLayout, bits: Sequence[int]) -> dict[FactKey, str]:
    return _facts_of(evaluate_requests(layout.write(list(bits))))


@lru_cache(maxsize=16)
def wire_plan(original: str) -> WirePlan:
    """The original's carried sites and their signatures (about 70 evaluations, once)."""
    payload = PayloadChannel()
    count = payload.capacity(original)
    requests = evaluate_requests(original)
    wrap = Counter((m, p) for m, p, _ in request_keys(requests))
    if not count or not requests:
        return WirePlan(None, (), (), (), wrap)
    try:
        layout = layout_of(original)
    except MarkError:
        return WirePlan(None, (), (), (), wrap)
    base = tuple(bit if bit is not None else 0 for bit in payload.extract(original, original))
    backgrounds = [[0] * count, [1] * count, [k % 2 for k in range(count)]]
    carried: list[int] = []
    signatures: list[Signature] = []
    for k in range(count):
        found = _signature(layout, backgrounds, k)
        if found:
            carried.append(k)
            signatures.append(found)
    return WirePlan(layout, base, tuple(carried), tuple(signatures), wrap)


def _signature(layout: PayloadLayout, backgrounds: list[list[int]], k: int) -> Signature:
    common: dict[FactKey, tuple[str, str]] | None = None
    for background in backgrounds:
        zero, one = list(background), list(background)
        zero[k], one[k] = 0, 1
        at0, at1 = _evaluate(layout, zero), _evaluate(layout, one)
        changed = {
            key: (at0[key], at1[key]) for key in at0.keys() & at1.keys() if at0[key] != at1[key]
        }
        common = (
            changed
            if common is None
            else {key: pair for key, pair in common.items() if changed.get(key) == pair}
        )
        if not common:
            return ()
    assert common is not None
    return tuple(sorted((key, v0, v1) for key, (v0, v1) in common.items()))


__all__ = ["Signature", "WirePlan", "wire_plan"]
