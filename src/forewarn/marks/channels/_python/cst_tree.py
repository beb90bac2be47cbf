"""Paths through a libcst tree, so a rewrite visits only the nodes above what it changes."""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

import libcst as cst

_Leave = Callable[[cst.CSTNode, cst.CSTNode], cst.CSTNode]


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


class PathRewrite:
    """What `transformer.visit` would give when its `on_visit` is true exactly for the nodes
    in `above` and its `leave_<Node>` methods return their updated node unchanged (or an equal
    one) for every node outside `targets` and `above`; without libcst's visit.

    libcst's visit calls `on_visit` and `on_leave` on every child of every node it enters and
    rebuilds every node it enters; a PoC rewrite enters a few hundred nodes for a few dozen
    edits. This walks down `above` only, calls the transformer's `leave_<Node>` (looked up as
    libcst does, by class name) on the nodes of `above` and of `targets`, and rebuilds a node
    only when a child changed, so an untouched subtree stays the very same object
    (`codegen.module_code` reuses its code). The leave methods must not depend on the order
    in which they run, nor on which of two equal nodes they are given as the updated one.
    """

    def __init__(
        self,
        transformer: cst.CSTTransformer,
        above: frozenset[int],
        targets: frozenset[int],
        memo: SubtreeMemo | None = None,
        bits: Sequence[int] = (),
    ) -> None:
        self._transformer = transformer
        self._above = above
        self._wanted = above | targets
        self._leaves: dict[type[cst.CSTNode], _Leave | None] = {}
        self._memo = memo
        self._bits = bits

    def apply(self, node: cst.CSTNodeT) -> cst.CSTNodeT:
        """`node` rewritten (from `memo` when a statement was rewritten with the same bits)."""
        memo = self._memo
        key = None if memo is None else memo.key(node, self._bits)
        if key is None or memo is None:
            return self._apply(node)
        found = memo.get(key, node)
        if found is None:
            found = self._apply(node)
            memo.put(key, node, found)
        return found  # type: ignore[return-value]

    def _apply(self, node: cst.CSTNodeT) -> cst.CSTNodeT:
        updated = node
        if id(node) in self._above:
            changes: dict[str, object] = {}
            wanted = self._wanted
            for field in _fields(type(node)):
                value = getattr(node, field)
                if id(value) in wanted:
                    new = self.apply(value)
                    if new is not value:
                        changes[field] = new
                elif type(value) is tuple or type(value) is list:
                    items = [self.apply(v) if id(v) in wanted else v for v in value]
                    if any(a is not b for a, b in zip(items, value, strict=True)):
                        changes[field] = tuple(items)
            if changes:
                updated = node.with_changes(**changes)
        leave = self._leave(type(node))
        return updated if leave is None else leave(node, updated)  # type: ignore[return-value]

    def _leave(self, kind: type[cst.CSTNode]) -> _Leave | None:
        if kind not in self._leaves:
            self._leaves[kind] = getattr(self._transformer, f"leave_{kind.__name__}", None)
        return self._leaves[kind]


class SubtreeMemo:
    """Statements of one tree as a `PathRewrite` of it rewrote them, by the bits of the points
    below them: partner after partner's copy rewrites the same statement to the same forms.

    `points[k]` are the nodes choice point `k` edits (bit `k` of a rewrite sets them); a
    statement's rewrite depends on nothing but the statement and the bits of the points with
    a node below it (or at it), so it is kept under exactly those. The transformer must be
    the same function of the bits for every rewrite given this memo (one plan's). A statement
    is kept with its rewrite, so that no other node can take its `id` while the memo holds it.
    """

    def __init__(
        self, module: cst.Module, points: Sequence[Sequence[cst.CSTNode]], limit: int = 1024
    ) -> None:
        parents: dict[int, cst.CSTNode] = {}
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            for child in node.children:
                parents[id(child)] = node
                stack.append(child)
        under: dict[int, tuple[cst.CSTNode, set[int]]] = {}
        for k, nodes in enumerate(points):
            for start in nodes:
                at: cst.CSTNode | None = start
                while at is not None:
                    if isinstance(at, cst.BaseStatement):
                        under.setdefault(id(at), (at, set()))[1].add(k)
                    at = parents.get(id(at))
        self._under = {key: (node, tuple(sorted(ks))) for key, (node, ks) in under.items()}
        self._limit = limit
        self._known: OrderedDict[Hashable, tuple[cst.CSTNode, cst.CSTNode]] = OrderedDict()
        self._lock = threading.Lock()  # the API server marks copies in worker threads

    def key(self, node: cst.CSTNode, bits: Sequence[int]) -> Hashable | None:
        """What `node`'s rewrite under `bits` depends on (`None`: not a statement kept here)."""
        found = self._under.get(id(node))
        if found is None or found[0] is not node:
            return None
        return (id(node), tuple([bits[k] for k in found[1]]))

    def get(self, key: Hashable, node: cst.CSTNode) -> cst.CSTNode | None:
        """The rewrite of `node` kept under `key`, if any."""
        with self._lock:
            known = self._known.get(key)
            if known is None or known[0] is not node:
                return None
            self._known.move_to_end(key)
            return known[1]

    def put(self, key: Hashable, node: cst.CSTNode, rewritten: cst.CSTNode) -> None:
        """Keep `rewritten`, the rewrite of `node` under `key`."""
        with self._lock:
            self._known[key] = (node, rewritten)
            if len(self._known) > self._limit:
                self._known.popitem(last=False)


_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return found


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
