"""Which Python constructs may switch form without changing what a program does.

Each predicate here is a safety rule of the Python source channel: a construct is a choice point
only when both forms provably evaluate the same way. The rules are deliberately narrow (see
`docs` in `python_source.py` for what was left out and why).
"""

from __future__ import annotations

import ast

NEGATED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.NotEq: ast.Eq,
    ast.IsNot: ast.Is,
    ast.NotIn: ast.In,
}
"""`a != b` is exactly `not a == b` (and `is not`, `not in`): form 0 on the left, 1 on the right."""

POSITIVE: dict[type[ast.cmpop], type[ast.cmpop]] = {v: k for k, v in NEGATED.items()}
"""The inverse of `NEGATED`: the operator inside `not (...)` to the negated operator."""

MIRROR: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.Gt,
    ast.Gt: ast.Lt,
    ast.LtE: ast.GtE,
    ast.GtE: ast.LtE,
    ast.Eq: ast.Eq,
    ast.NotEq: ast.NotEq,
    ast.Is: ast.Is,
    ast.IsNot: ast.IsNot,
}
"""`a OP b` equals `b MIRROR[OP] a` when one side is a literal (reflected operators)."""

ORDERING = (ast.Lt, ast.Gt, ast.LtE, ast.GtE)
"""Operators whose operands may be swapped only against a number literal."""

ALLOWED_CALLEES = frozenset(
    {
        "ArgumentParser",
        "HTTPConnection",
        "HTTPSConnection",
        "Request",
        "add_argument",
        "add_argument_group",
        "basicConfig",
        "check_output",
        "compile",
        "decode",
        "dump",
        "dumps",
        "encode",
        "fill",
        "load",
        "loads",
        "makedirs",
        "max",
        "min",
        "mkdir",
        "open",
        "print",
        "quote",
        "quote_plus",
        "read_text",
        "request",
        "run",
        "search",
        "shorten",
        "sorted",
        "split",
        "sub",
        "urlencode",
        "urlopen",
        "wrap",
        "write_text",
    }
)
"""Standard-library callees whose keyword arguments bind by name only (no order-keeping `**kw`)."""


def num_const(node: ast.expr) -> bool:
    """An int or float literal, possibly signed (never bool: `True < x` reads oddly)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def sym_const(node: ast.expr, op: type[ast.cmpop]) -> bool:
    """Is `node` the literal side that makes swapping the operands of `op` safe?"""
    if op in ORDERING:
        return num_const(node)
    if op in (ast.Is, ast.IsNot):
        return isinstance(node, ast.Constant) and node.value in (None, True, False)
    return num_const(node) or (
        isinstance(node, ast.Constant) and type(node.value) in (str, bytes, type(None))
    )


def is_and(node: ast.expr) -> bool:
    """An `a and b` expression."""
    return isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And)


def is_literalish(node: ast.expr | None) -> bool:
    """A value built only from literals: evaluating it reads and changes nothing."""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp):
        return num_const(node)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(is_literalish(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(is_literalish(k) for k in node.keys) and all(
            is_literalish(v) for v in node.values
        )
    return False


def side_effect_free(node: ast.expr) -> bool:
    """Evaluating `node` twice, or in another order, cannot be observed (names, literals)."""
    if isinstance(node, ast.Constant | ast.Name):
        return True
    if isinstance(node, ast.Attribute):
        return side_effect_free(node.value) and not isinstance(node.value, ast.Constant)
    if isinstance(node, ast.UnaryOp):
        return num_const(node)
    if isinstance(node, ast.Tuple):
        return all(side_effect_free(e) for e in node.elts)
    return False


def callee_name(call: ast.Call) -> str | None:
    """`f` for `f(...)` and `x.f(...)`."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def kwarg_pairs(call: ast.Call) -> list[tuple[str, str, int]]:
    """Keyword pairs of `call` whose order is a choice point: `(first, other, bit)`.

    With keywords sorted by name `n0 < n1 < ...`, choice `j` is whether `nj` comes before `n0`
    (bit 1) or after it (bit 0): every combination of the `k - 1` bits is one order of the call.
    """
    if callee_name(call) not in ALLOWED_CALLEES or len(call.keywords) < 2:
        return []
    if any(isinstance(a, ast.Starred) for a in call.args):
        return []
    names: list[str] = []
    for keyword in call.keywords:
        if keyword.arg is None or not side_effect_free(keyword.value):
            return []
        names.append(keyword.arg)
    return pivot_pairs(names)


def pivot_pairs(items: list[str]) -> list[tuple[str, str, int]]:
    """The `k - 1` order bits of distinct `items` against their smallest element."""
    if len(set(items)) != len(items) or len(items) < 2:
        return []
    ordered = sorted(items)
    pivot = ordered[0]
    return [(pivot, other, int(items.index(other) < items.index(pivot))) for other in ordered[1:]]


def arrange(items: list[str], bits: dict[str, int]) -> list[str]:
    """The order of `items` that shows `bits` (by other item) for every pair of `pivot_pairs`."""
    ordered = sorted(items)
    pivot, others = ordered[0], ordered[1:]
    before = [o for o in others if bits.get(o, 0) == 1]
    after = [o for o in others if bits.get(o, 0) == 0]
    return [*before, pivot, *after]
