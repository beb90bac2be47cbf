"""Which Python constructs may switch form without changing what a program does.

Each predicate here is a safety rule of the Python source channel: a construct is a choice point
only when both forms provably evaluate the same way. The rules are deliberately narrow (see
the docstring of `pysource/channel.py` for what was left out and why).
"""

from __future__ import annotations

import ast
import builtins
import string

from forewarn.marks.channels._python.calls import callee_name
from forewarn.marks.channels._python.order import pivot_pairs

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


BUILTIN_EXCEPTIONS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)
"""Exception classes of the builtins: `raise E` instantiates `E()` exactly."""


def builtin_exception(node: ast.expr | None) -> bool:
    """`node` names a builtin exception class (the file may still rebind it: `locate` checks)."""
    return isinstance(node, ast.Name) and node.id in BUILTIN_EXCEPTIONS


def negatable(node: ast.expr) -> type[ast.cmpop] | None:
    """The operator of a single comparison that has an exact negation (`==`, `is`, `in` and
    their negated forms), else `None`."""
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        op = type(node.ops[0])
        if op in NEGATED or op in POSITIVE:
            return op
    return None


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
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in ("list", "dict") and not node.args and not node.keywords
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


DEFAULT_KEYWORDS: dict[str, tuple[str, object]] = {
    "enumerate": ("start", 0),
    "print": ("sep", " "),
    "sorted": ("reverse", False),
}
"""Builtins whose keyword, spelled out with its default value, changes nothing."""


def default_keyword(call: ast.Call) -> ast.keyword | None:
    """The keyword of `call` that only restates a builtin's default (`sep=" "` of `print`)."""
    func = call.func
    if not isinstance(func, ast.Name) or func.id not in DEFAULT_KEYWORDS:
        return None
    name, value = DEFAULT_KEYWORDS[func.id]
    for keyword in call.keywords:
        const = keyword.value
        if keyword.arg == name and isinstance(const, ast.Constant):
            if type(const.value) is type(value) and const.value == value:
                return keyword
    return None


def default_site(call: ast.Call) -> tuple[str, int] | None:
    """`(builtin, form)` when `call` may spell out a default or not: form 1 spells it out.

    `print(x)` / `print(x, sep=" ")`, `enumerate(x)` / `enumerate(x, start=0)`, `sorted(x)` /
    `sorted(x, reverse=False)`, `open(p)` / `open(p, "r")`; only with at most one other keyword,
    so that keyword order marks on the same call never depend on it.
    """
    func = call.func
    if not isinstance(func, ast.Name):
        return None
    if any(isinstance(a, ast.Starred | ast.GeneratorExp) for a in call.args):
        return None  # `f(x for x in y, k=v)` is a syntax error: a bare generator stays alone
    if any(k.arg is None for k in call.keywords):
        return None
    if func.id == "open" and call.args:
        if any(k.arg == "mode" for k in call.keywords) or len(call.keywords) > 1:
            return None
        second = call.args[1] if len(call.args) > 1 else None
        if second is None:
            return ("open", 0)
        if len(call.args) == 2 and isinstance(second, ast.Constant) and second.value == "r":
            return ("open", 1)
        return None
    if func.id not in DEFAULT_KEYWORDS:
        return None
    spelled = default_keyword(call)
    others = [k for k in call.keywords if k is not spelled]
    if len(others) > 1 or any(k.arg == DEFAULT_KEYWORDS[func.id][0] for k in others):
        return None
    if func.id != "print" and len(call.args) != 1:
        return None
    return (func.id, 0 if spelled is None else 1)


def kwarg_pairs(call: ast.Call) -> list[tuple[str, str, int]]:
    """Keyword pairs of `call` whose order is a choice point: `(first, other, bit)`.

    With keywords sorted by name `n0 < n1 < ...`, choice `j` is whether `nj` comes before `n0`
    (bit 1) or after it (bit 0): every combination of the `k - 1` bits is one order of the call.
    A keyword restating a default (`default_keyword`) takes no part.
    """
    spelled = default_keyword(call)
    keywords = [k for k in call.keywords if k is not spelled]
    if callee_name(call) not in ALLOWED_CALLEES or len(keywords) < 2:
        return []
    if any(isinstance(a, ast.Starred) for a in call.args):
        return []
    names: list[str] = []
    for keyword in keywords:
        if keyword.arg is None or not side_effect_free(keyword.value):
            return []
        names.append(keyword.arg)
    return pivot_pairs(names)


_NOT_IN_FSTRING = (
    ast.Dict,
    ast.Set,
    ast.DictComp,
    ast.SetComp,
    ast.Lambda,
    ast.JoinedStr,
    ast.NamedExpr,
    ast.Starred,
    ast.Slice,
    ast.Await,
    ast.Yield,
    ast.YieldFrom,
)


def fstring_safe(node: ast.expr) -> bool:
    """Can `node` sit inside `{...}` of an f-string, quote- and brace-free (Python 3.11)?"""
    for inner in ast.walk(node):
        if isinstance(inner, _NOT_IN_FSTRING):
            return False
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str | bytes):
            return False
    return True


def format_fields(text: str) -> list[tuple[str | None, str]] | None:
    """`(conversion, spec)` of each field of a `str.format` template using only `{}` fields."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    fields: list[tuple[str | None, str]] = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name != "" or "{" in (spec or "") or "}" in (spec or ""):
            return None
        fields.append((conversion, spec or ""))
    return fields


def format_call_args(call: ast.Call) -> list[ast.expr] | None:
    """The arguments of `"...".format(a, b)` when it equals an f-string, else `None`."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "format"):
        return None
    if not (isinstance(func.value, ast.Constant) and type(func.value.value) is str):
        return None
    if call.keywords or not call.args or not all(fstring_safe(a) for a in call.args):
        return None
    fields = format_fields(func.value.value)
    if fields is None or len(fields) != len(call.args):
        return None
    return list(call.args)


def fstring_args(node: ast.JoinedStr) -> list[ast.expr] | None:
    """The expressions of an f-string when it equals a `str.format` call, else `None`."""
    args: list[ast.expr] = []
    for part in node.values:
        if isinstance(part, ast.FormattedValue):
            spec = part.format_spec
            if not (spec is None or isinstance(spec, ast.JoinedStr)):
                return None
            if spec is not None and not all(isinstance(v, ast.Constant) for v in spec.values):
                return None
            if not fstring_safe(part.value):
                return None
            args.append(part.value)
    return args or None


def exit_argument(node: ast.stmt) -> tuple[ast.expr, int] | None:
    """`(x, form)` for `sys.exit(x)` (form 0, an expression statement) or `raise
    SystemExit(x)` (form 1): one positional argument, no keyword, no `from`. `sys.exit(x)`
    raises `SystemExit(x)` and nothing else (`locate` checks that `sys` is the module)."""
    call: ast.expr | None
    if isinstance(node, ast.Expr):
        call, form = node.value, 0
        func = call.func if isinstance(call, ast.Call) else None
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "exit"
            and isinstance(func.value, ast.Name)
            and func.value.id == "sys"
        ):
            return None
    elif isinstance(node, ast.Raise) and node.cause is None:
        call, form = node.exc, 1
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            return None
        if call.func.id != "SystemExit":
            return None
    else:
        return None
    if not isinstance(call, ast.Call):
        return None
    if call.keywords or len(call.args) != 1 or isinstance(call.args[0], ast.Starred):
        return None
    return call.args[0], form


def len_zero(node: ast.expr) -> tuple[ast.expr, int] | None:
    """`(x, form)` for `len(x) > 0` (form 0) or `len(x) != 0` (form 1): a length is never
    negative, so the two are the same test (`locate` checks that `len` is the builtin)."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
        return None
    op, left, right = node.ops[0], node.left, node.comparators[0]
    if not isinstance(op, ast.Gt | ast.NotEq):
        return None
    if not (isinstance(right, ast.Constant) and type(right.value) is int and right.value == 0):
        return None
    if not (isinstance(left, ast.Call) and isinstance(left.func, ast.Name)):
        return None
    if left.func.id != "len" or left.keywords or len(left.args) != 1:
        return None
    if isinstance(left.args[0], ast.Starred):
        return None
    return left.args[0], 0 if isinstance(op, ast.Gt) else 1


def len_compare(node: ast.expr) -> bool:
    """A comparison of `len(x)` with `0` by `==`, `!=` or `>` (scheme 6 never negates these
    as `ifnegate`, which would meet `lenzero` on the same operator)."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
        return False
    if isinstance(node.ops[0], ast.Eq):
        node = ast.Compare(left=node.left, ops=[ast.NotEq()], comparators=node.comparators)
    return len_zero(node) is not None
