"""Which texts the payload channel wrote from which original, and their libcst trees.

The Python source channel runs on the payload channel's output. Parsing that output again with
positions and locating every choice point in it (~40 ms for a 200-line PoC) would happen once per
partner, yet the output is the original with a few literals changed and a few dict elements
reordered: its libcst tree is the original's cached tree with those nodes replaced. `remember`
records what `PayloadChannel.embed` wrote (a few recent copies per process); `derived_tree`
rebuilds the copy's tree by visiting only the paths down to the edited nodes, and says which node
of the copy each node of the original became.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import libcst as cst

from forewarn.marks.channels._python.cst_tree import PathEdits, ancestors
from forewarn.marks.channels.payload.write import PayloadLayout

RECENT = 16
"""Copies remembered per process; the engine hands one to the next channel straight away."""


class CopyLayout(Hashable, Protocol):
    """Any writer whose copies' trees can be derived from the original's (the wire channel's)."""

    original: str
    """The unmarked text."""
    module: cst.Module
    """The original's libcst tree, as `source_map_of(original)` holds it."""

    def derived_tree(self, bits: Sequence[int]) -> DerivedTree:
        """The tree of the copy written with `bits`."""
        ...


Layout = PayloadLayout | CopyLayout
"""A writer the Python source channel can derive copies' trees from."""

_recent: OrderedDict[str, tuple[Layout, tuple[int, ...]]] = OrderedDict()
_trees: dict[str, DerivedTree] = {}
_lock = threading.Lock()


def remember(
    marked: str, layout: Layout, bits: Sequence[int], tree: DerivedTree | None = None
) -> None:
    """Record that `marked` is `layout.original` with the payload sites set to `bits`, and
    `derived_tree(layout, bits)` when the writer has built it already (to check it)."""
    with _lock:
        _recent[marked] = (layout, tuple(bits))
        _recent.move_to_end(marked)
        if tree is not None:
            _trees[marked] = tree
        while len(_recent) > RECENT:
            _trees.pop(_recent.popitem(last=False)[0], None)


def derivation(text: str) -> tuple[Layout, tuple[int, ...]] | None:
    """The layout and bits `text` was written from, if it is a recent payload copy."""
    with _lock:
        return _recent.get(text)


@dataclass(frozen=True, slots=True)
class DerivedTree:
    """A payload copy's libcst tree, built from the original's."""

    module: cst.Module
    """The copy's tree; its code is the copy's text."""
    moved: dict[int, cst.CSTNode]
    """Node of the copy for the `id` of each original node that was rebuilt."""

    def node(self, original: cst.CSTNode) -> cst.CSTNode:
        """The copy's node for `original` (itself when nothing under it changed)."""
        return self.moved.get(id(original), original)

    def ids(self, originals: frozenset[int]) -> frozenset[int]:
        """The `id`s in the copy of the original nodes with these `id`s."""
        moved = self.moved
        return frozenset(id(moved[k]) if k in moved else k for k in originals)


def derived_tree(layout: Layout, bits: Sequence[int], text: str | None = None) -> DerivedTree:
    """The tree of `layout.write(bits)`, sharing every untouched subtree with the original;
    the one `remember` was given for the copy `text`, if any (trees are immutable)."""
    if text is not None:
        with _lock:
            known = _trees.get(text)
            found = _recent.get(text)
        if known is not None and found is not None and found[0] is layout:
            if found[1] == tuple(bits):
                return known
    if not isinstance(layout, PayloadLayout):
        return layout.derived_tree(bits)
    edits = _TreeEdits(layout, bits, _ancestors(layout))
    module = layout.module.visit(edits)
    return DerivedTree(module, edits.moved)


@lru_cache(maxsize=8)
def _ancestors(layout: PayloadLayout) -> frozenset[int]:
    """`id`s of the nodes above an edited literal or dict: the only ones worth visiting."""
    return ancestors(layout.module, set(layout.literal_nodes) | set(layout.dict_nodes))


class _TreeEdits(PathEdits):
    """The payload edits as a libcst rewrite: the same bytes as `PayloadLayout.write`."""

    def __init__(
        self, layout: PayloadLayout, bits: Sequence[int], ancestors: frozenset[int]
    ) -> None:
        super().__init__(ancestors)
        self.layout = layout
        self.bits = bits

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        literal = self.layout.literal_nodes.get(id(original_node))
        if literal is None:
            return updated_node
        return updated_node.with_changes(value=self.layout.literal_text(literal, self.bits))

    def leave_Integer(
        self, original_node: cst.Integer, updated_node: cst.Integer
    ) -> cst.BaseExpression:
        literal = self.layout.literal_nodes.get(id(original_node))
        if literal is None:
            return updated_node
        return updated_node.with_changes(value=self.layout.literal_text(literal, self.bits))

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.BaseExpression:
        found = self.layout.dict_nodes.get(id(original_node))
        if found is None:
            return updated_node
        slots = list(updated_node.elements)
        order = [found.items.index(name) for name in self.layout.order(found, self.bits)]
        elements = [slots[j].with_changes(comma=slots[k].comma) for k, j in enumerate(order)]
        for element, j in zip(elements, order, strict=True):
            self.moved[id(original_node.elements[j])] = element
        return updated_node.with_changes(elements=elements)
