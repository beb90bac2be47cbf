"""libcst rewrites of single choice points: the two forms of each kind, written out.

Each function takes the libcst node in one form and returns it in the other, keeping layout and
comments; `rewrite` decides which node gets which form.
"""

from __future__ import annotations

import ast
import string

import libcst as cst

from forewarn.marks.channels.pysource.canon import Site
from forewarn.marks.channels.pysource.kinds import format_fields

NEGATE_OP: dict[type[cst.BaseCompOp], type[cst.BaseCompOp]] = {
    cst.NotEqual: cst.Equal,
    cst.Equal: cst.NotEqual,
    cst.IsNot: cst.Is,
    cst.Is: cst.IsNot,
    cst.NotIn: cst.In,
    cst.In: cst.NotIn,
}
MIRROR_OP: dict[type[cst.BaseCompOp], type[cst.BaseCompOp]] = {
    cst.LessThan: cst.GreaterThan,
    cst.GreaterThan: cst.LessThan,
    cst.LessThanEqual: cst.GreaterThanEqual,
    cst.GreaterThanEqual: cst.LessThanEqual,
}
BIN_FOR_AUG: dict[type[cst.BaseAugOp], type[cst.BaseBinaryOp]] = {
    cst.AddAssign: cst.Add,
    cst.SubtractAssign: cst.Subtract,
}
AUG_FOR_BIN = {v: k for k, v in BIN_FOR_AUG.items()}
DEFAULT_VALUES: dict[str, tuple[str | None, str]] = {
    "enumerate": ("start", "0"),
    "print": ("sep", '" "'),
    "sorted": ("reverse", "False"),
    "open": (None, '"r"'),
}


EXPRESSION_TROUBLE = frozenset("'\"\\\n#{}!:")
"""Characters an expression may not contain to move in or out of an f-string (3.11)."""


def plain(node: cst.CSTNode) -> str | None:
    text = cst.Module([]).code_for_node(node)
    return None if EXPRESSION_TROUBLE & set(text) else text


def to_fstring(call: cst.Call) -> cst.FormattedString | None:
    """`"a{}b".format(x)` as `f"a{x}b"`, or `None` when not exactly expressible."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.SimpleString)):
        return None
    literal = func.value
    prefix = literal.prefix.lower()
    body = literal.value[len(literal.prefix) + len(literal.quote) : -len(literal.quote)]
    if prefix not in ("", "r") or "\\" in body or func.value.lpar:
        return None
    fields = format_fields(body)
    args = [a.value for a in call.args]
    if fields is None or len(fields) != len(args) or any(a.keyword or a.star for a in call.args):
        return None
    if any(plain(a) is None for a in args):
        return None
    parts: list[cst.BaseFormattedStringContent] = []
    values = iter(args)
    for text, name, spec, conversion in string.Formatter().parse(body):
        if text:
            parts.append(cst.FormattedStringText(text.replace("{", "{{").replace("}", "}}")))
        if name is not None:
            parts.append(
                cst.FormattedStringExpression(
                    expression=next(values),
                    conversion=conversion,
                    format_spec=[cst.FormattedStringText(spec)] if spec else None,
                )
            )
    start = "f" + literal.prefix + literal.quote
    return cst.FormattedString(
        parts=parts, start=start, end=literal.quote, lpar=call.lpar, rpar=call.rpar
    )


def to_format(node: cst.FormattedString) -> cst.Call | None:
    """`f"a{x}b"` as `"a{}b".format(x)`, or `None` when not exactly expressible."""
    prefix = node.start[: -len(node.end)].lower()
    if prefix not in ("f", "rf", "fr"):
        return None
    text: list[str] = []
    args: list[cst.Arg] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            if "\\" in part.value:
                return None
            text.append(part.value)
            continue
        assert isinstance(part, cst.FormattedStringExpression)
        if part.equal is not None or plain(part.expression) is None:
            return None
        spec = ""
        for piece in part.format_spec or []:
            if not isinstance(piece, cst.FormattedStringText):
                return None
            spec += piece.value
        field = "{" + (f"!{part.conversion}" if part.conversion else "")
        text.append(field + (f":{spec}" if spec else "") + "}")
        args.append(cst.Arg(part.expression))
    if not args:
        return None
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    args = [a.with_changes(comma=comma) for a in args[:-1]] + args[-1:]
    literal = cst.SimpleString(prefix.replace("f", "") + node.end + "".join(text) + node.end)
    return cst.Call(
        func=cst.Attribute(value=literal, attr=cst.Name("format")),
        args=args,
        lpar=node.lpar,
        rpar=node.rpar,
    )


# -- the rewriter ----------------------------------------------------------------------------------


def toggle_default(node: cst.Call, builtin: str, *, spell: bool) -> cst.Call:
    """Spell out (or drop) the default argument of `builtin` in `node`."""
    keyword, value = DEFAULT_VALUES[builtin]
    args = list(node.args)
    if not spell:
        index = (
            1
            if keyword is None
            else next(i for i, a in enumerate(args) if a.keyword and a.keyword.value == keyword)
        )
        removed = args.pop(index)
        if index == len(args) and args:
            args[-1] = args[-1].with_changes(comma=removed.comma)
        return node.with_changes(args=args)
    expression = cst.parse_expression(value)
    if keyword is None:
        args.insert(1, cst.Arg(expression))
        return node.with_changes(args=args)
    spelled = cst.Arg(
        expression,
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    trailing = args[-1].comma if args else cst.MaybeSentinel.DEFAULT
    if args:
        args[-1] = args[-1].with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
    args.append(spelled.with_changes(comma=trailing))
    return node.with_changes(args=args)


def item_key(site: Site) -> list[str]:
    node = site.nodes[0]
    assert isinstance(node, ast.Tuple | ast.List)
    if site.key.startswith("IN<"):
        return [ast.dump(e) for e in node.elts]
    return [ast.unparse(e) for e in node.elts]


def call(name: str, lpar: object, rpar: object) -> cst.Call:
    return cst.Call(func=cst.Name(name)).with_changes(lpar=lpar, rpar=rpar)


def toggle_sequence(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, cst.Tuple):
        opening = node.lpar[0].whitespace_after if node.lpar else cst.SimpleWhitespace("")
        closing = node.rpar[0].whitespace_before if node.rpar else cst.SimpleWhitespace("")
        return cst.List(
            elements=node.elements,
            lbracket=cst.LeftSquareBracket(whitespace_after=opening),
            rbracket=cst.RightSquareBracket(whitespace_before=closing),
        )
    assert isinstance(node, cst.List)
    return cst.Tuple(
        elements=node.elements,
        lpar=[cst.LeftParen(whitespace_after=node.lbracket.whitespace_after)],
        rpar=[cst.RightParen(whitespace_before=node.rbracket.whitespace_before)],
    )


def needs_parens(node: cst.BaseExpression) -> bool:
    loose = (cst.BooleanOperation, cst.IfExp, cst.Lambda, cst.NamedExpr)
    return isinstance(node, loose) and not node.lpar


def paren(node: cst.BaseExpression) -> cst.BaseExpression:
    if needs_parens(node):
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def negate(test: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = test.expression
        if test.lpar and not inner.lpar:
            return inner.with_changes(lpar=test.lpar, rpar=test.rpar)
        return inner
    return cst.UnaryOperation(operator=cst.Not(), expression=paren(test))


def negatable_test(test: cst.BaseExpression) -> bool:
    """A single comparison whose operator has an exact negation, unparenthesised."""
    return (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and type(test.comparisons[0].operator) in NEGATE_OP
    )


def negate_comparison(test: cst.BaseExpression) -> cst.BaseExpression:
    """`a == b` as `a != b` (and back; `is`, `in` alike), layout kept."""
    assert isinstance(test, cst.Comparison)
    target = test.comparisons[0]
    op = target.operator
    return test.with_changes(comparisons=[target.with_changes(operator=NEGATE_OP[type(op)]())])


def toggle_len_operator(op: cst.BaseCompOp) -> cst.BaseCompOp:
    """`>` as `!=` and back (`len(x) > 0` / `len(x) != 0`), spacing kept."""
    assert isinstance(op, cst.GreaterThan | cst.NotEqual)
    before, after = op.whitespace_before, op.whitespace_after
    if isinstance(op, cst.GreaterThan):
        return cst.NotEqual(whitespace_before=before, whitespace_after=after)
    return cst.GreaterThan(whitespace_before=before, whitespace_after=after)


def to_raise_exit(node: cst.Expr) -> cst.Raise:
    """`sys.exit(x)` as `raise SystemExit(x)`."""
    call = node.value
    assert isinstance(call, cst.Call)
    exc = call.with_changes(func=cst.Name("SystemExit"))
    return cst.Raise(exc=exc, semicolon=node.semicolon)


def to_sys_exit(node: cst.Raise) -> cst.Expr:
    """`raise SystemExit(x)` as `sys.exit(x)`."""
    call = node.exc
    assert isinstance(call, cst.Call)
    func = cst.Attribute(value=cst.Name("sys"), attr=cst.Name("exit"))
    return cst.Expr(value=call.with_changes(func=func), semicolon=node.semicolon)


def toggle_raise(node: cst.Raise) -> cst.Raise:
    """`raise E` as `raise E()` and back."""
    exc = node.exc
    if isinstance(exc, cst.Call):
        return node.with_changes(exc=exc.func.with_changes(lpar=exc.lpar, rpar=exc.rpar))
    assert isinstance(exc, cst.Name)
    return node.with_changes(exc=cst.Call(func=exc))


def merge(node: cst.If) -> cst.If:
    body = node.body
    assert isinstance(body, cst.IndentedBlock)
    inner = body.body[0]
    assert isinstance(inner, cst.If)
    test = cst.BooleanOperation(
        left=or_parens(node.test), operator=cst.And(), right=or_parens(inner.test)
    )
    return node.with_changes(test=test, body=inner.body)


def or_parens(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, cst.BooleanOperation | cst.IfExp | cst.Lambda | cst.NamedExpr):
        return paren(node)
    return node


def split(node: cst.If) -> cst.If:
    """`if a and b: S` as `if a: if b: S`; parentheses around `a and b` go to both halves, since
    either may span lines."""
    test = node.test
    assert isinstance(test, cst.BooleanOperation)
    left, right = test.left, test.right
    if test.lpar:
        left, right = (_bracket(part) for part in (left, right))
    inner = cst.If(test=right, body=node.body)
    return node.with_changes(test=left, body=cst.IndentedBlock(body=[inner]))


def _bracket(node: cst.BaseExpression) -> cst.BaseExpression:
    if node.lpar:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
