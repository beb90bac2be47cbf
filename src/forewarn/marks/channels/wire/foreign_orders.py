"""Order bits read from a rewrite in another language: a display's keys, in the order its text
names them.

A code assistant that turns a PoC into Node.js, Go, curl or PowerShell writes the copy's
header dict, query and JSON body again as an object, a map, `-H` lines or a format string,
and keeps their entries in the copy's order: the tool must send them, and nothing tells the
assistant to reorder them. `foreign` reads literal values only; here each carried order bit of
a display (`pivot` before or after `other`) is read from where the two keys are named. A key is
named where its text is followed by a quote or bracket and then `:`, `=` or `,` (`"id": 3`,
`owner=lab`, `-H 'X-Seq: 1'`, `Header["X-Run"] =`), in any letter case. Names of one display
close to each other (`GAP`) form a cluster; a cluster naming both keys once gives their order,
one naming either twice erases the bit, and every cluster must agree. Statement orders (whose
keys are positions, not names) and keys shorter than `MIN_KEY` are not read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from forewarn.marks.channels.wire.candidates import Literal, Order
from forewarn.marks.channels.wire.signatures import WirePlan

GAP = 160
"""Characters between two names of a display's keys for them to count as one cluster."""
MIN_KEY = 2
"""Characters a key needs before its name is looked for (`q` is in every `q=0.9`)."""


@lru_cache(maxsize=64)
def _named(key: str) -> re.Pattern[str]:
    """Where `key` is named as a key: whole, then a closing quote or bracket, then `:=,`."""
    return re.compile(rf"(?<![\w-]){re.escape(key)}(?![\w-])[\"'`\]\s]{{0,3}}[:=,]", re.I)


def _clusters(order: Order, suspect: str) -> list[list[str]]:
    """The display's keys as the suspect names them, in text order, cut where `GAP` passes."""
    found = sorted(
        (match.start(), key.lower())
        for key in order.keys
        if len(key) >= MIN_KEY
        for match in _named(key).finditer(suspect)
    )
    clusters: list[list[str]] = []
    last = -GAP - 1
    for at, key in found:
        if at - last > GAP or not clusters:
            clusters.append([])
        clusters[-1].append(key)
        last = at
    return clusters


def _pair_bit(clusters: list[list[str]], pivot: str, other: str) -> int | None:
    """1 when `other` comes before `pivot` in every cluster naming both, 0 when after."""
    seen: set[int] = set()
    for names in clusters:
        first, second = names.count(pivot), names.count(other)
        if first > 1 or second > 1:
            return None
        if first and second:
            seen.add(int(names.index(other) < names.index(pivot)))
    return seen.pop() if len(seen) == 1 else None


def read_orders(plan: WirePlan, suspect: str) -> list[int | None]:
    """Per carried edit, the order bit the suspect's text shows (`None` for other edits)."""
    out: list[int | None] = [None] * len(plan.carried)
    clusters: dict[Order, list[list[str]]] = {}
    for index, k in enumerate(plan.carried):
        edit = plan.edits[k]
        if isinstance(edit, Literal):
            continue
        order, bit = edit
        if order.kind != "display" or len({key.lower() for key in order.keys}) != len(order.keys):
            continue
        if order not in clusters:
            clusters[order] = _clusters(order, suspect)
        pivot, other, _ = order.pairs()[bit]
        out[index] = _pair_bit(clusters[order], pivot.lower(), other.lower())
    return out


__all__ = ["read_orders"]
