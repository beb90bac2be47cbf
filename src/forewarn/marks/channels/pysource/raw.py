"""Records shared by the canonical walker and its kind recognisers."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(slots=True)
class Raw:
    """A choice point found during the walk, before its unit and occurrence are known."""

    kind: str
    """Which family of equivalent forms."""
    key: str
    """Canonical form of the choice point (the same for both forms)."""
    bit: int | None
    """The form the walked file shows."""
    nodes: tuple[ast.AST, ...]
    """The AST node(s) carrying the choice."""
    detail: tuple[str, ...] = ()
    """Kind-specific facts (keyword names, literal values)."""


def first(item: tuple[str, list[Raw]]) -> str:
    """Sort key of `(canonical text, choice points)` pairs: the text."""
    return item[0]
