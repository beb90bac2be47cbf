"""Order bits: how `k` distinct items in a chosen order carry `k - 1` bits.

Both PoC channels carry bits in the order of items (dict entries, keyword arguments, header
lists). Each item but the smallest carries one bit: whether it stands before the smallest. Any
reordering of the other items leaves every bit readable, which makes the form robust to edits.
"""

from __future__ import annotations

from collections.abc import Sequence


def pivot_pairs(items: list[str]) -> list[tuple[str, str, int]]:
    """The `k - 1` order bits of distinct `items` against their smallest element."""
    if len(set(items)) != len(items) or len(items) < 2:
        return []
    ordered = sorted(items)
    pivot = ordered[0]
    return [(pivot, other, int(items.index(other) < items.index(pivot))) for other in ordered[1:]]


def arrange(items: list[str], bits: dict[str, int]) -> list[str]:
    """The order of `items` that shows `bits` (by other item) for every pair of `pivot_pairs`."""
    ordered = sorted(items)
    pivot, others = ordered[0], ordered[1:]
    before = [o for o in others if bits.get(o, 0) == 1]
    after = [o for o in others if bits.get(o, 0) == 0]
    return [*before, pivot, *after]


def read_order(seen: list[str], pairs: Sequence[tuple[str, str, int]]) -> list[int | None]:
    """The bits of `pairs` that the order `seen` shows, `None` where an item is missing.

    An order `arrange` wrote has both sides of the pivot sorted; a suspect whose known items are
    not is taken as reordered by someone else, and every bit of it is erased rather than read
    as noise (a shuffle of `k` items passes this by chance with odds `2^(k-1) / k!`).
    """
    known = {p for p, _, _ in pairs} | {o for _, o, _ in pairs}
    order = [s for s in seen if s in known and seen.count(s) == 1]
    if pairs and pairs[0][0] in order:
        cut = order.index(pairs[0][0])
        if order[:cut] != sorted(order[:cut]) or order[cut + 1 :] != sorted(order[cut + 1 :]):
            return [None] * len(pairs)
    out: list[int | None] = []
    for pivot, other, _ in pairs:
        if seen.count(pivot) == 1 and seen.count(other) == 1:
            out.append(int(seen.index(other) < seen.index(pivot)))
        else:
            out.append(None)
    return out
