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


class FieldHooksOff(cst.CSTTransformer):
    """A transformer with no `visit_<Node>_<field>` hooks: libcst's look-up of one for every
    field of every visited node is a tenth of a PoC rewrite, and finds nothing."""

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        """No field hooks."""

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        """No field hooks."""


class PathEdits(FieldHooksOff):
    """A rewrite that visits only the nodes in `above` (the paths to its edits) and records,
    for every original node it rebuilt, the copy's node (`moved`)."""

    def __init__(self, above: frozenset[int]) -> None:
        super().__init__()
        self.above = above
        self.moved: dict[int, cst.CSTNode] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.above

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> cst.CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNodeT]:
        result = super().on_leave(original_node, updated_node)
        if result is not original_node and isinstance(result, cst.CSTNode):
            self.moved[id(original_node)] = result
        return result
