"""One `ast` parse of a Python text, shared by the readers that look at the same copy.

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


__all__ = ["parse_python"]
