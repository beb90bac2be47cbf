"""Write chosen forms into Python source with libcst, keeping every other byte as it was.

`locate` finds the libcst node of each choice point; this module rewrites those nodes, so
comments, layout and quoting of the partner's copy stay those of the original file.
"""

from __future__ import annotations

from collections import defaultdict
from typing import assert_never

import libcst as cst

from forewarn.errors import MarkError
from forewarn.marks.channels._python.codegen import module_code
from forewarn.marks.channels._python.cst_tree import FieldHooksOff, PathRewrite, SubtreeMemo
from forewarn.marks.channels._python.order import arrange
from forewarn.marks.channels.pysource.canon import Site
from forewarn.marks.channels.pysource.edits import (
    AUG_FOR_BIN,
    BIN_FOR_AUG,
    MIRROR_OP,
    NEGATE_OP,
    call,
    item_key,
    merge,
    negate,
    negate_comparison,
    split,
    to_format,
    to_fstring,
    to_raise_exit,
    to_sys_exit,
    toggle_default,
    toggle_len_operator,
    toggle_raise,
    toggle_sequence,
)
from forewarn.marks.channels.pysource.locate import Located
from forewarn.marks.channels.pysource.raw import Carrier, ChoiceKind, carrier


def rewrite(
    module: cst.Module,
    plan: list[tuple[Located, int]],
    above: frozenset[int] | None = None,
    memo: SubtreeMemo | None = None,
) -> str:
    """Source with every located choice point set to its bit.

    `above`, when given, holds the `id`s of every node with a located node below it (see
    `ancestors`); the rewrite then skips the subtrees that hold no choice point. `memo`, with
    `above`, holds statements rewritten before, by the bits of their points (the plan's points,
    in the plan's order: the memo of one plan).
    """
    edits: dict[int, list[tuple[Site, int]]] = defaultdict(list)
    swaps: dict[int, int] = {}
    quotes: dict[int, str] = {}
    names: dict[int, str] = {}
    for located, bit in plan:
        site = located.site
        held_by = carrier(site.kind)
        match held_by:
            case Carrier.NAMES:
                names.update((id(node), site.detail[bit]) for node in located.nodes)
            case Carrier.QUOTE_PAIR:
                first, second = located.nodes
                quotes[id(first)], quotes[id(second)] = ('"', "'") if bit == 0 else ("'", '"')
            case Carrier.STATEMENT_PAIR:
                if bit != site.bit:
                    first, second = located.nodes
                    swaps[id(first)] = id(second)
            case Carrier.NODE:
                edits[id(located.nodes[0])].append((site, bit))
            case _:
                assert_never(held_by)
    rewriter = _Rewriter(edits, swaps, quotes, above, names)
    try:
        if above is None:
            module = module.visit(rewriter)
        else:
            # Every node a leave method changes is located (a target), and only the blocks
            # above a pair of statements reorder it: the path walk gives the visit's tree.
            targets = frozenset({*edits, *swaps, *swaps.values(), *quotes, *names})
            bits = [bit for _, bit in plan]
            module = PathRewrite(rewriter, above, targets, memo, bits).apply(module)
    except (cst.CSTValidationError, ValueError) as error:
        raise MarkError(f"cannot write the marks into the source: {error}") from error
    return module_code(module)


class _Rewriter(FieldHooksOff):
    def __init__(
        self,
        edits: dict[int, list[tuple[Site, int]]],
        swaps: dict[int, int],
        quotes: dict[int, str],
        above: frozenset[int] | None,
        names: dict[int, str] | None = None,
    ) -> None:
        super().__init__()
        self.names = names or {}
        self.edits = edits
        self.swaps = swaps
        self.quotes = quotes
        self.above = above

    def on_visit(self, node: cst.CSTNode) -> bool:
        return self.above is None or id(node) in self.above

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        for site, bit in self._wanted(original_node):
            if site.kind is ChoiceKind.WHILETRUE and bit != site.bit:
                return cst.Integer("1", lpar=updated_node.lpar, rpar=updated_node.rpar)
        spelling = self.names.get(id(original_node))
        return updated_node if spelling is None else updated_node.with_changes(value=spelling)

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        quote = self.quotes.get(id(original_node))
        if quote is None:
            return updated_node
        token = updated_node.value
        prefix = updated_node.prefix
        body = token[len(prefix) + 1 : -1]
        return updated_node.with_changes(value=prefix + quote + body + quote)

    def _wanted(self, original: cst.CSTNode) -> list[tuple[Site, int]]:
        return self.edits.get(id(original), [])

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        node: cst.BaseExpression = updated_node
        for site, bit in self._wanted(original_node):
            if bit == site.bit or not isinstance(node, cst.Comparison):
                continue
            target = node.comparisons[0]
            if site.kind is ChoiceKind.CMPORDER:
                op = target.operator
                new_op = MIRROR_OP[type(op)]() if type(op) in MIRROR_OP else op
                node = node.with_changes(
                    left=target.comparator,
                    comparisons=[target.with_changes(operator=new_op, comparator=node.left)],
                )
            elif site.kind is ChoiceKind.LENZERO:
                node = node.with_changes(
                    comparisons=[target.with_changes(operator=toggle_len_operator(target.operator))]
                )
            elif site.kind is ChoiceKind.NEGCMP:
                inner = node.with_changes(
                    comparisons=[target.with_changes(operator=NEGATE_OP[type(target.operator)]())],
                    lpar=[],
                    rpar=[],
                )
                node = cst.UnaryOperation(
                    operator=cst.Not(), expression=inner, lpar=node.lpar, rpar=node.rpar
                )
        return node

    def leave_UnaryOperation(
        self, original_node: cst.UnaryOperation, updated_node: cst.UnaryOperation
    ) -> cst.BaseExpression:
        for site, bit in self._wanted(original_node):
            inner = updated_node.expression
            if (
                site.kind is ChoiceKind.NEGCMP
                and bit != site.bit
                and isinstance(inner, cst.Comparison)
            ):
                target = inner.comparisons[0]
                op = NEGATE_OP[type(target.operator)]()
                lpar, rpar = (
                    (updated_node.lpar, updated_node.rpar)
                    if updated_node.lpar
                    else (inner.lpar, inner.rpar)
                )
                return inner.with_changes(
                    comparisons=[target.with_changes(operator=op)], lpar=lpar, rpar=rpar
                )
        return updated_node

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        for site, bit in self._wanted(original_node):
            if bit != site.bit and isinstance(updated_node.target, cst.Name):
                binop = BIN_FOR_AUG[type(updated_node.operator)]()
                value = cst.BinaryOperation(
                    left=cst.Name(updated_node.target.value),
                    operator=binop,
                    right=updated_node.value,
                )
                return cst.Assign(
                    targets=[cst.AssignTarget(updated_node.target)],
                    value=value,
                    semicolon=updated_node.semicolon,
                )
        return updated_node

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        for site, bit in self._wanted(original_node):
            value = updated_node.value
            if bit != site.bit and isinstance(value, cst.BinaryOperation):
                return cst.AugAssign(
                    target=updated_node.targets[0].target,
                    operator=AUG_FOR_BIN[type(value.operator)](),
                    value=value.right,
                    semicolon=updated_node.semicolon,
                )
        return updated_node

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.BaseExpression:
        for site, bit in self._wanted(original_node):
            if bit != site.bit:
                return call("dict", updated_node.lpar, updated_node.rpar)
        return updated_node

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.BaseExpression:
        node: cst.BaseExpression = updated_node
        for site, bit in self._wanted(original_node):
            if site.kind is ChoiceKind.EMPTY and bit != site.bit:
                return call("list", updated_node.lpar, updated_node.rpar)
        return self._sequence(original_node, node)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.BaseExpression:
        return self._sequence(original_node, updated_node)

    def _sequence(self, original: cst.CSTNode, node: cst.BaseExpression) -> cst.BaseExpression:
        wanted = self._wanted(original)
        order_bits = {s.detail[1]: b for s, b in wanted if s.kind is ChoiceKind.TUPLEORDER}
        if order_bits and isinstance(node, cst.Tuple | cst.List):
            items = [item_key(s) for s, _ in wanted if s.kind is ChoiceKind.TUPLEORDER][0]
            order = arrange(items, order_bits)
            slots = list(node.elements)
            moved = [slots[items.index(name)] for name in order]
            node = node.with_changes(
                elements=[m.with_changes(comma=s.comma) for m, s in zip(moved, slots, strict=True)]
            )
        for site, bit in wanted:
            if site.kind is ChoiceKind.SEQKIND and bit != site.bit:
                node = toggle_sequence(node)
        return node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        wanted = self._wanted(original_node)
        node = updated_node
        order_sites = [s for s, _ in wanted if s.kind is ChoiceKind.KWARGORDER]
        if order_sites:
            order_bits = {s.detail[1]: b for s, b in wanted if s.kind is ChoiceKind.KWARGORDER}
            taking = {order_sites[0].detail[0], *order_bits}
            args = list(node.args)
            places = [i for i, a in enumerate(args) if a.keyword and a.keyword.value in taking]
            by_name = {a.keyword.value: a for a in args if a.keyword and a.keyword.value in taking}
            order = arrange(list(by_name), order_bits)
            for place, name in zip(places, order, strict=True):
                slot = args[place]
                args[place] = by_name[name].with_changes(
                    comma=slot.comma, whitespace_after_arg=slot.whitespace_after_arg
                )
            node = node.with_changes(args=args)
        for site, bit in wanted:
            if bit == site.bit:
                continue
            if site.kind is ChoiceKind.FSTRING:
                converted = to_fstring(node)
                assert converted is not None
                return converted
            if site.kind is ChoiceKind.DEFAULTARG:
                node = toggle_default(node, site.key, spell=bit == 1)
            if site.kind is ChoiceKind.EMPTY:
                empty = cst.Dict([]) if site.key == "DICT0" else cst.List([])
                return empty.with_changes(lpar=node.lpar, rpar=node.rpar)
            if site.kind is ChoiceKind.RANGE:
                if site.bit == 0:
                    zero = cst.Arg(
                        cst.Integer("0"),
                        comma=cst.Comma(cst.SimpleWhitespace(""), cst.SimpleWhitespace(" ")),
                    )
                    node = node.with_changes(args=[zero, *node.args])
                else:
                    node = node.with_changes(args=node.args[1:])
        return node

    def leave_FormattedString(
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.BaseExpression:
        for site, bit in self._wanted(original_node):
            if site.kind is ChoiceKind.FSTRING and bit != site.bit:
                converted = to_format(updated_node)
                assert converted is not None
                return converted
        return updated_node

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.BaseStatement:
        node = updated_node
        for site, bit in self._wanted(original_node):
            if bit == site.bit:
                continue
            if site.kind is ChoiceKind.IFSWAP and isinstance(node.orelse, cst.Else):
                node = node.with_changes(
                    test=negate(node.test),
                    whitespace_before_test=cst.SimpleWhitespace(" "),
                    body=node.orelse.body,
                    orelse=node.orelse.with_changes(body=node.body),
                )
            elif site.kind is ChoiceKind.NESTEDIF:
                node = merge(node) if site.bit == 1 else split(node)
            elif site.kind is ChoiceKind.IFNEGATE and isinstance(node.orelse, cst.Else):
                node = node.with_changes(
                    test=negate_comparison(node.test),
                    body=node.orelse.body,
                    orelse=node.orelse.with_changes(body=node.body),
                )
        return node

    def leave_Raise(
        self, original_node: cst.Raise, updated_node: cst.Raise
    ) -> cst.BaseSmallStatement:
        for site, bit in self._wanted(original_node):
            if site.kind is ChoiceKind.RAISECALL and bit != site.bit:
                return toggle_raise(updated_node)
            if site.kind is ChoiceKind.SYSEXIT and bit != site.bit:
                return to_sys_exit(updated_node)
        return updated_node

    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.BaseSmallStatement:
        for site, bit in self._wanted(original_node):
            if site.kind is ChoiceKind.SYSEXIT and bit != site.bit:
                return to_raise_exit(updated_node)
        return updated_node

    def leave_Integer(
        self, original_node: cst.Integer, updated_node: cst.Integer
    ) -> cst.BaseExpression:
        for site, bit in self._wanted(original_node):
            if site.kind is ChoiceKind.WHILETRUE and bit != site.bit:
                return cst.Name("True", lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp) -> cst.BaseExpression:
        for site, bit in self._wanted(original_node):
            if site.kind is ChoiceKind.TERNARY and bit != site.bit:
                return updated_node.with_changes(
                    test=negate(updated_node.test),
                    body=updated_node.orelse,
                    orelse=updated_node.body,
                    whitespace_after_if=cst.SimpleWhitespace(" "),
                )
            if site.kind is ChoiceKind.TERNEGATE and bit != site.bit:
                return updated_node.with_changes(
                    test=negate_comparison(updated_node.test),
                    body=updated_node.orelse,
                    orelse=updated_node.body,
                )
        return updated_node

    def _reorder(
        self, original: list[cst.CSTNode], updated: list[cst.CSTNode]
    ) -> list[cst.CSTNode]:
        out = list(updated)
        ids = [id(n) for n in original]
        for i, ident in enumerate(ids):
            partner = self.swaps.get(ident)
            if partner is not None and i + 1 < len(ids) and ids[i + 1] == partner:
                out[i], out[i + 1] = out[i + 1], out[i]
        return out

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.BaseSuite:
        body = self._reorder(list(original_node.body), list(updated_node.body))
        return updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._reorder(list(original_node.body), list(updated_node.body))
        return updated_node.with_changes(body=body)
