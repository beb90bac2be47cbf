"""Paths through a libcst tree, so a rewrite visits only the nodes above what it changes."""

from __future__ import annotations

import libcst as cst


def ancestors(module: cst.Module, targets: set[int]) -> frozenset[int]:
    """`id`s of the nodes of `module` that have a node with an `id` in `targets` below them.

    A rewrite need not visit any other node: nothing below it changes.
    """
    parents: dict[int, int] = {}
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        for child in node.children:
            parents[id(child)] = id(node)
            stack.append(child)
    found: set[int] = set()
    for target in targets:
        above = parents.get(target)
        while above is not None and above not in found:
            found.add(above)
            above = parents.get(above)
    return frozenset(found)
