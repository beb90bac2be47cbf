"""One `ast` parse of a Python text, shared by the readers that look at the same copy; a fast walk.

Marking a PoC reads the finished copy four times (the source channel's read-back, the static
evaluation of what it sends, its behaviour constants, where its tokens go), and `ast.parse` of a
200-line PoC costs about as much as one of those readers' own work. Callers must treat the tree as
read-only: it is the same object for all of them.
"""

from __future__ import annotations

import ast
from functools import lru_cache

SHARED_CHARS = 200_000
"""Texts longer than this are parsed afresh each time (their trees are not worth keeping)."""


@lru_cache(maxsize=2)
def _shared(text: str) -> ast.Module:
    return ast.parse(text)


def parse_python(text: str) -> ast.Module:
    """`ast.parse(text)`, the same tree for every caller while `text` is recent; raises as
    `ast.parse` does (a failure is not remembered)."""
    if len(text) > SHARED_CHARS:
        return ast.parse(text)
    return _shared(text)


def walk_nodes(node: ast.AST) -> list[ast.AST]:
    """`list(ast.walk(node))`, in the same breadth-first order, a quarter faster: the
    readers of a copy walk its whole tree several times, and `ast.walk` is generators deep."""
    found = [node]
    append = found.append
    node_type, list_type = ast.AST, list
    for current in found:  # grows while walked: breadth first
        for name in current._fields:
            value = getattr(current, name, None)
            if isinstance(value, node_type):
                append(value)
            elif isinstance(value, list_type):
                for item in value:
                    if isinstance(item, node_type):
                        append(item)
    return found


__all__ = ["parse_python", "walk_nodes"]
