"""Order bits: how `k` distinct items in a chosen order carry `k - 1` bits.

Both PoC channels carry bits in the order of items (dict entries, keyword arguments, header
lists). Each item but the smallest carries one bit: whether it stands before the smallest. Any
reordering of the other items leaves every bit readable, which makes the form robust to edits.
"""

from __future__ import annotations


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
