"""Every node's parent and size in one walk: the planning walk's unit weights and the name
layer's paths up from a variable's names (a read-back gets both from `memo` instead)."""

from __future__ import annotations

import ast


def index_tree(tree: ast.Module) -> tuple[dict[int, ast.AST], dict[int, int]]:
    """Every node's parent and size (its `ast.walk` count), by `id`, in one walk of `tree`."""
    order: list[ast.AST] = []
    up: list[int] = []
    stack: list[tuple[ast.AST, int]] = [(tree, -1)]
    while stack:
        node, parent = stack.pop()
        at = len(order)
        order.append(node)
        up.append(parent)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                stack.append((value, at))
            elif isinstance(value, list):
                stack.extend((item, at) for item in value if isinstance(item, ast.AST))
    sizes = [1] * len(order)
    for at in range(len(order) - 1, 0, -1):
        sizes[up[at]] += sizes[at]
    # Context nodes (`Load`, `Store`) are shared between parents: one entry, size 1, is right.
    parents = {id(order[at]): order[up[at]] for at in range(1, len(order))}
    return parents, {id(node): size for node, size in zip(order, sizes, strict=True)}


__all__ = ["index_tree"]
