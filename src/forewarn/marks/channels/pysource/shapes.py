"""Shapes of Python statements and expressions the source channel relies on.

Pure predicates on `ast` nodes: which statements a minifier drops, which values are literal, how
an `if` chain or a statement pair looks in either form of its choice point.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable

from forewarn.marks.channels._python.variants import fold_number, fold_stable, fold_text
from forewarn.marks.channels.pysource.kinds import is_and, is_literalish, num_const
from forewarn.marks.channels.pysource.raw import ChoiceKind, Raw

DIGIT_RUN = re.compile(r"\d{3,}")

HOISTED = "Assign([_],_)"
"""Canonical text of `name = name` and `name = "text"`, the lines minifiers hoist."""


def nested_if_form(node: ast.If) -> int | None:
    """`if a and b:` is form 0, `if a: if b:` form 1, `None` when `node` is not such a site.

    Chains of three or more are left alone (the caller also excludes an `if` that is the sole body
    of an else-less `if`, see `_Walker.if_`), so both forms stay recognisable in any copy.
    """
    if node.orelse:
        return None
    inner = sole_if(node.body)
    if inner is not None:
        if sole_if(inner.body) is None and not is_and(node.test) and not is_and(inner.test):
            return 1
        return None
    test = node.test
    if is_and(test):
        assert isinstance(test, ast.BoolOp)
        if len(test.values) == 2 and not any(is_and(v) for v in test.values):
            return 0
    return None


def sole_if(body: list[ast.stmt]) -> ast.If | None:
    if len(body) == 1 and isinstance(body[0], ast.If) and not body[0].orelse:
        return body[0]
    return None


def double_not(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.UnaryOp)
        and isinstance(test.operand.op, ast.Not)
    )


def skipped(stmt: ast.stmt) -> bool:
    """Statements minifiers drop or merge: docstrings, `pass`, imports."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True
    return isinstance(stmt, ast.Pass | ast.Import | ast.ImportFrom)


def bare_return(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Return) and (stmt.value is None or is_none(stmt.value))


def is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def const_tag(value: object) -> str:
    if isinstance(value, str | bool) or value is None or value is Ellipsis:
        return "_"
    if isinstance(value, bytes):
        return "B"
    return "N"


def elements(node: ast.Dict | ast.List) -> list[ast.expr | None]:
    return list(node.keys) if isinstance(node, ast.Dict) else list(node.elts)


def const_seq(node: ast.Tuple | ast.List) -> bool:
    return (
        isinstance(node.ctx, ast.Load)
        and len(node.elts) >= 2
        and all(isinstance(e, ast.Constant) for e in node.elts)
    )


def aug_form(node: ast.Assign) -> bool:
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
        return False
    value = node.value
    return (
        isinstance(value, ast.BinOp)
        and type(value.op) in (ast.Add, ast.Sub)
        and isinstance(value.left, ast.Name)
        and value.left.id == node.targets[0].id
        and num_const(value.right)
    )


def pairable(stmt: ast.stmt) -> bool:
    """`name = literal` or `name = name`: the statements runs of swappable pairs are cut from.

    A minifier turns repeated literals into names, so names count here to keep the pairing of a
    copy aligned with the original's; only pairs of two literal values are choice points.
    """
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return False
    target = stmt.targets[0]
    if not isinstance(target, ast.Name) or target.id.startswith("__"):
        return False
    return isinstance(stmt.value, ast.Name) or literal_value(stmt.value)


def empty(node: ast.expr) -> str | None:
    """`LIST0` / `DICT0` for `[]`, `list()`, `{}`, `dict()` (both forms of an `empty` choice)."""
    if isinstance(node, ast.List | ast.Dict) and not elements(node):
        return "LIST0" if isinstance(node, ast.List) else "DICT0"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in ("list", "dict") and not node.args and not node.keywords:
            return "LIST0" if node.func.id == "list" else "DICT0"
    return None


def literal_value(node: ast.expr) -> bool:
    return empty(node) is not None or is_literalish(node)


def target(stmt: ast.stmt) -> str:
    assert isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
    return stmt.targets[0].id


def literal_key(stmt: ast.stmt, blind: bool = False, version: int = 3) -> str:
    """The statement's value, blind to the low bits the payload channel may set in it; with
    `blind` (scheme 3), to everything scheme `version`'s wire channel may set (`variants`)."""

    def fold(value: object) -> object:
        if (
            blind
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and fold_number(value) == "num"
        ):
            return "num"
        if blind and isinstance(value, str):
            return fold_text(value, version)
        if type(value) is int:
            return value - (value & 1)
        if isinstance(value, str):
            return DIGIT_RUN.sub(lambda m: str(int(m.group()) & ~1).zfill(len(m.group())), value)
        return value

    return _value_key(stmt, fold, multiset=False)


def content_key(stmt: ast.stmt) -> str:
    """What a `name = literal` statement's value holds, as no mark of any scheme changes it:
    its strings folded (`variants.fold_stable`), its numbers by type only, and its parts as a
    multiset (a dict's entries may be reordered, its names recased). A function of
    `literal_key` under every scheme, so two values it tells apart `literal_key` does too."""

    def fold(value: object) -> object:
        if isinstance(value, str | bytes):
            return quote_content(value)
        if isinstance(value, int | float | complex) and not isinstance(value, bool):
            return "N"
        return value

    return _value_key(stmt, fold, multiset=True)


def _value_key(stmt: ast.stmt, fold: Callable[[object], object], *, multiset: bool) -> str:
    """One walk of a `name = literal` statement's value for both keys: node types, constants
    through `fold`; the parts in walk order, or sorted as a `multiset`."""
    assert isinstance(stmt, ast.Assign)
    blank = empty(stmt.value)
    if blank is not None:
        return blank
    parts = [
        f"{type(node.value).__name__}:{fold(node.value)!r}"
        if isinstance(node, ast.Constant)
        else type(node).__name__
        for node in ast.walk(stmt.value)
    ]
    return "|".join(sorted(parts) if multiset else parts)


def quote_content(value: str | bytes) -> str:
    """A literal's content as no mark of any scheme changes it (`variants.fold_stable`): what
    reading back matches quote-layer literals by; a function of `quote_key`."""
    return fold_stable(value.decode("latin-1") if isinstance(value, bytes) else value)


def quote_style(node: ast.Constant, lines: list[bytes]) -> int | None:
    """0 for a plain one-line `"..."` literal, 1 for `'...'`, `None` for anything else.

    Only literals whose text holds no quote and no backslash: their other quoting is the same
    value, byte for byte.
    """
    value = node.value
    if not isinstance(value, str | bytes) or node.end_lineno != node.lineno:
        return None
    if node.lineno > len(lines) or node.end_col_offset is None:
        return None
    token = lines[node.lineno - 1][node.col_offset : node.end_col_offset]
    body = value.encode() if isinstance(value, str) else value
    prefix = token[: len(token) - len(body) - 2]
    if prefix.lower() not in (b"", b"r", b"b", b"rb", b"br") or b"\\" in token:
        return None
    if token[len(prefix) + 1 : -1] != body or b"'" in body or b'"' in body:
        return None
    quote = token[len(prefix) : len(prefix) + 1]
    if quote not in (b'"', b"'") or token[-1:] != quote:
        return None
    return 0 if quote == b'"' else 1


def quote_key(value: object, blind: bool = False) -> str:
    """A literal's identity for the quote layer, blind to payload marks (digits, letter case);
    with `blind` (scheme 3), to every value scheme 3's wire channel may give it."""
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    if blind:
        return "Q:" + fold_text(text)
    return "Q:" + DIGIT_RUN.sub("#", text).lower()


def quote_pairs(quotes: list[Raw]) -> list[Raw]:
    """The quote layer's choice points: pairs of literals in key order, quoted differently.

    One literal's quote would read as a bit after any quote-normalising formatter too; a pair
    quoted `"` then `'` is bit 0, `'` then `"` bit 1, and a normalised pair (`"` `"`) reads as
    erased. Literals whose key repeats in the unit take no part (their order is not stable).
    """
    counts = Counter(q.key for q in quotes)
    single = sorted((q for q in quotes if counts[q.key] == 1), key=lambda q: q.key)
    out: list[Raw] = []
    for a, b in zip(single[::2], single[1::2], strict=False):
        styles = (a.bit, b.bit)
        bit = 0 if styles == (0, 1) else 1 if styles == (1, 0) else None
        content = (*a.content, *b.content)
        nodes = (*a.nodes, *b.nodes)
        out.append(Raw(ChoiceKind.QUOTE, a.key + "|" + b.key, bit, nodes, content=content))
    return out
