"""What the canonical walk finds in a file: its choice points, anchored (`canon.analyse`)."""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field

from forewarn.marks.channels.pysource.raw import ChoiceKind


@dataclass(frozen=True, slots=True)
class Site:
    """One choice point as seen in one file."""

    kind: ChoiceKind
    """Which family of equivalent forms (`negcmp`, `ifswap`, ...)."""
    unit: str
    """Hash of the canonical form of the enclosing unit."""
    key: str
    """Canonical form of the choice point itself (the same for both forms)."""
    occurrence: int
    """Index among sites of the same unit, kind and key, in canonical order."""
    bit: int | None
    """The form this file shows; `None` when only the original can tell (statement order)."""
    nodes: tuple[ast.AST, ...]
    """The AST node(s) carrying the choice, for the rewriter."""
    detail: tuple[str, ...] = ()
    """Kind-specific facts: keyword names of a pair, literal values of a statement pair."""
    label: tuple[str, ...] = ()
    """The keys of the tied entries it sits in (`Raw.label`), outermost first."""
    rank: int = 0
    """Index among sites of the same unit, kind, key and label, in canonical order."""
    content: tuple[str, ...] = ()
    """Quote and statement-order points: their literals' folded contents (`Raw.content`)."""

    @property
    def anchor(self) -> tuple[str, ChoiceKind, str, int]:
        """Where to look for this choice point in another file."""
        return (self.unit, self.kind, self.key, self.occurrence)

    @property
    def labelled(self) -> tuple[str, ChoiceKind, str, tuple[str, ...], int]:
        """Where to look for it when it sits in tied entries (`label`): by their keys, which
        travel with the entries when another channel reorders them, not by its occurrence."""
        return (self.unit, self.kind, self.key, self.label, self.rank)


@dataclass(slots=True)
class Analysis:
    """Every choice point of one file, with the facts needed to trust an anchor."""

    sites: list[Site] = field(default_factory=list)
    """Choice points in canonical order of units, then of traversal."""
    unit_counts: Counter[str] = field(default_factory=Counter)
    """How many units of each hash the file holds (anchors in repeated units are ambiguous)."""
    unit_weight: dict[str, int] = field(default_factory=dict)
    """AST node count per unit hash."""
    quote_styles: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """Per unit hash and folded content (`Raw.content`), the quote style of every plain
    literal of the unit with that content: what the quote layer reads back."""


__all__ = ["Analysis", "Site"]
