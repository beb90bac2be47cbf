"""A wire copy's libcst tree built from the original's, so the source channel need not reparse.

The Python source channel runs on the wire channel's output. Parsing each partner's copy with
positions (~100 ms) would dominate a release, yet the copy is the original with a few literals
changed and a few displays reordered: its tree is the original's cached tree with those nodes
replaced. `WireLayout.derived_tree` does exactly the edits `signatures.write` does, and the
channel keeps the tree only when its code is byte for byte the copy. Scheme 3's statement
orders move whole statements of a block; each slot keeps its own leading blank lines, as the
splice keeps the text between statements in place.

A top-level statement's rebuilt tree depends only on the bits of the edits inside it, and most
statements hold a few: each is kept (bounded, per layout) under those bits, so that copies that
agree there share the very same statement object, which is rebuilt once, and written out once
(`module_code` remembers statements by identity). Trees are immutable: sharing changes no byte.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import PositionProvider

from forewarn.marks.channels._python.cst_tree import PathEdits, ancestors
from forewarn.marks.channels._python.order import arrange
from forewarn.marks.channels._python.source_map import source_map_of
from forewarn.marks.channels.payload.derived import DerivedTree
from forewarn.marks.channels.wire.candidates import Literal, Order
from forewarn.marks.channels.wire.signatures import WirePlan

_SPANNED = (
    cst.SimpleString,
    cst.Integer,
    cst.Float,
    cst.Dict,
    cst.List,
    cst.Tuple,
    cst.SimpleStatementLine,
    cst.If,
)
"""Nodes an edit may replace or move, found by their span in the original."""

_STATEMENTS = (cst.SimpleStatementLine, cst.If)

KEPT = 512
"""Rebuilt top-level statements kept per layout, least recently used first out."""

_Rebuilt = tuple[cst.BaseStatement, dict[int, cst.CSTNode]]
"""A top-level statement as rebuilt under some bits, and its `moved` entries."""


class WireLayout:
    """Where a plan's edits sit in the original's libcst tree."""

    def __init__(self, plan: WirePlan) -> None:
        self.plan = plan
        self.original = plan.original
        source_map = source_map_of(plan.original)
        self.module = source_map.wrapper.module
        starts = [0]
        for line in plan.original.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        spans: dict[tuple[type[cst.CSTNode], int, int], cst.CSTNode] = {}
        for node, where in source_map.wrapper.resolve(PositionProvider).items():
            if isinstance(node, _SPANNED):
                start = starts[where.start.line - 1] + where.start.column
                end = starts[where.end.line - 1] + where.end.column
                spans[(type(node), start, end)] = node
        literals = [e for e in plan.edits if isinstance(e, Literal)]
        self.literals: dict[int, tuple[int, int, list[int]]] = {}
        for (kind, start, end), node in spans.items():
            if kind in (cst.SimpleString, cst.Integer, cst.Float):
                inside = [
                    k
                    for k, e in enumerate(plan.edits)
                    if isinstance(e, Literal) and start <= e.span[0] and e.span[1] <= end
                ]
                if inside:
                    self.literals[id(node)] = (start, end, inside)
        self.orders: dict[int, Order] = {}
        self.statements: dict[int, tuple[Order, tuple[int, ...]]] = {}
        """`id` of a run's first statement → its order and every statement's `id`."""
        moved: set[int] = set()
        for edit in plan.edits:
            if isinstance(edit, tuple) and edit[0].kind == "statements":
                order = edit[0]
                found = [_statement(spans, span) for span in order.spans]
                nodes = [node for node in found if node is not None]
                if len(nodes) == len(order.spans):
                    self.statements[id(nodes[0])] = (order, tuple(id(n) for n in nodes))
                    moved |= {id(n) for n in nodes}
            elif isinstance(edit, tuple):
                order = edit[0]
                for kind in (cst.Dict, cst.List, cst.Tuple):
                    display = spans.get((kind, *order.display))
                    if display is not None:
                        self.orders[id(display)] = order
        covered = sum(len(v[2]) for v in self.literals.values())
        orders = {id(e[0]) for e in plan.edits if isinstance(e, tuple)}
        self.complete = covered == len(literals) and len(self.orders) + len(self.statements) == len(
            orders
        )
        """Whether every edit was found in the tree (otherwise no tree is derived)."""
        self.above = ancestors(self.module, set(self.literals) | set(self.orders) | moved)
        self.inside = _edits_inside(self)
        """Per top-level statement, the edits whose bits its rebuilt tree depends on."""
        self._kept: OrderedDict[tuple[int, tuple[int, ...]], _Rebuilt] = OrderedDict()
        self._lock = threading.Lock()

    def derived_tree(self, bits: Sequence[int]) -> DerivedTree:
        """The tree of `plan.write(bits)`, sharing every untouched subtree with the original.

        The same tree as visiting the whole module with `_TreeEdits`: each top-level statement
        is visited alone (the visit carries no state from one statement to the next), then the
        module's own statement orders are applied as `leave_Module` would.
        """
        if id(self.module) not in self.above:
            return DerivedTree(self.module, {})
        edits = _TreeEdits(self, bits)
        body: list[cst.BaseStatement] = []
        for index, node in enumerate(self.module.body):
            if id(node) not in self.above:
                body.append(node)
                continue
            rebuilt, entries = self._statement(index, node, bits)
            body.append(rebuilt)
            edits.moved.update(entries)
        if self.statements:
            placed = edits._moved(self.module.body, body)
            assert all(isinstance(node, cst.BaseStatement) for node in placed)
            body = placed  # type: ignore[assignment]
        module = self.module.with_changes(body=tuple(body))
        edits.moved[id(self.module)] = module
        return DerivedTree(module, edits.moved)

    def _statement(
        self, index: int, node: cst.BaseStatement, bits: Sequence[int]
    ) -> tuple[cst.BaseStatement, dict[int, cst.CSTNode]]:
        """Top-level statement `index` rebuilt under `bits`: kept under the bits inside it."""
        key = (index, tuple(bits[k] for k in self.inside[index]))
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        alone = _TreeEdits(self, bits)
        rebuilt = node.visit(alone)
        assert isinstance(rebuilt, cst.BaseStatement)
        made = (rebuilt, dict(alone.moved))
        with self._lock:
            self._kept[key] = made
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        return made


def _edits_inside(layout: WireLayout) -> list[tuple[int, ...]]:
    """Per top-level statement, every edit with a node under it (a literal, a display, a
    statement of a run it orders): the bits its rebuilt tree can depend on, and more."""
    nodes: dict[int, list[int]] = {}
    for node, (_, _, inside) in layout.literals.items():
        nodes.setdefault(node, []).extend(inside)
    orders: dict[int, list[int]] = {}
    for k, edit in enumerate(layout.plan.edits):
        if isinstance(edit, tuple):
            orders.setdefault(id(edit[0]), []).append(k)
    for node, order in layout.orders.items():
        nodes.setdefault(node, []).extend(orders.get(id(order), []))
    for order, ids in layout.statements.values():
        for node in ids:
            nodes.setdefault(node, []).extend(orders.get(id(order), []))
    out: list[tuple[int, ...]] = []
    for statement in layout.module.body:
        under: set[int] = set()
        stack: list[cst.CSTNode] = [statement]
        while stack:
            current = stack.pop()
            under.update(nodes.get(id(current), ()))
            stack.extend(current.children)
        out.append(tuple(sorted(under)))
    return out


def _statement(
    spans: dict[tuple[type[cst.CSTNode], int, int], cst.CSTNode], span: tuple[int, int]
) -> cst.CSTNode | None:
    for kind in _STATEMENTS:
        node = spans.get((kind, *span))
        if node is not None:
            return node
    return None


class _TreeEdits(PathEdits):
    """The wire edits as a libcst rewrite: the same bytes as `WirePlan.write`."""

    def __init__(self, layout: WireLayout, bits: Sequence[int]) -> None:
        super().__init__(layout.above)
        self.layout = layout
        self.bits = bits
        chosen: dict[int, dict[str, int]] = {}
        for edit, bit in zip(layout.plan.edits, bits, strict=True):
            if isinstance(edit, tuple):
                order, k = edit
                chosen.setdefault(id(order), {})[order.pairs()[k][1]] = bit
        self.chosen = chosen

    def _text(self, node: cst.CSTNode) -> str | None:
        found = self.layout.literals.get(id(node))
        if found is None:
            return None
        start, end, inside = found
        text = self.layout.original[start:end]
        for k in sorted(inside, key=lambda k: -self._span(k)[0]):
            edit = self.layout.plan.edits[k]
            assert isinstance(edit, Literal)
            a, b = edit.span[0] - start, edit.span[1] - start
            text = text[:a] + edit.forms[self.bits[k]] + text[b:]
        return text

    def _span(self, k: int) -> tuple[int, int]:
        edit = self.layout.plan.edits[k]
        assert isinstance(edit, Literal)
        return edit.span

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        text = self._text(original_node)
        return updated_node if text is None else updated_node.with_changes(value=text)

    def leave_Integer(
        self, original_node: cst.Integer, updated_node: cst.Integer
    ) -> cst.BaseExpression:
        text = self._text(original_node)
        return updated_node if text is None else updated_node.with_changes(value=text)

    def _reorder(
        self,
        original_node: cst.Dict | cst.List | cst.Tuple,
        updated_node: cst.Dict | cst.List | cst.Tuple,
    ) -> cst.BaseExpression:
        order = self.layout.orders.get(id(original_node))
        if order is None:
            return updated_node
        arrangement = arrange(list(order.keys), self.chosen.get(id(order), {}))
        slots = list(updated_node.elements)
        indexes = [order.keys.index(key) for key in arrangement]
        elements = [slots[j].with_changes(comma=slots[k].comma) for k, j in enumerate(indexes)]
        for element, j in zip(elements, indexes, strict=True):
            self.moved[id(original_node.elements[j])] = element
        return updated_node.with_changes(elements=elements)

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.BaseExpression:
        return self._reorder(original_node, updated_node)

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.BaseExpression:
        return self._reorder(original_node, updated_node)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.BaseExpression:
        return self._reorder(original_node, updated_node)

    def leave_Float(self, original_node: cst.Float, updated_node: cst.Float) -> cst.BaseExpression:
        text = self._text(original_node)
        return updated_node if text is None else updated_node.with_changes(value=text)

    def _moved(
        self, original: Sequence[cst.CSTNode], updated: Sequence[cst.CSTNode]
    ) -> list[cst.CSTNode]:
        """A block's statements with each run of movable statements in its chosen order."""
        body = list(updated)
        index = {id(node): k for k, node in enumerate(original)}
        for first, (order, ids) in self.layout.statements.items():
            if first not in index:
                continue
            start = index[first]
            chosen = self.chosen.get(id(order), {})
            arrangement = [order.keys.index(key) for key in arrange(list(order.keys), chosen)]
            slots = body[start : start + len(ids)]
            for k, j in enumerate(arrangement):
                node = slots[j]
                assert isinstance(node, _STATEMENTS)
                slot = slots[k]
                assert isinstance(slot, _STATEMENTS)
                placed = node.with_changes(leading_lines=slot.leading_lines)
                body[start + k] = placed
                self.moved[id(original[start + j])] = placed
        return body

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.BaseSuite:
        if not self.layout.statements:
            return updated_node
        return updated_node.with_changes(body=self._moved(original_node.body, updated_node.body))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.layout.statements:
            return updated_node
        return updated_node.with_changes(body=self._moved(original_node.body, updated_node.body))


__all__ = ["WireLayout"]
