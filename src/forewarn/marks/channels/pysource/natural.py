"""Schemes 5 and 6's choice of Python source kinds: only those whose both forms people write.

The kinds below are the ones the naturalness table (`forewarn.marks.naturalness`, measured on
the standard library; see docs/fingerprinting.md) keeps: the rarer form is at least 5 % of the
occurrences. They are fixed here, not read from the table at run time, because a released
copy must decode the same on every machine and Python version; a test checks that each is kept
by the shipped table.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from forewarn.marks.channels.pysource.raw import ChoiceKind

if TYPE_CHECKING:  # canon's memo keeps `husk`s: canon imports this module
    from forewarn.marks.channels.pysource.canon import Site

FORMS: dict[ChoiceKind, tuple[str, str]] = {
    ChoiceKind.NEGCMP: ("a != b", "not a == b"),
    ChoiceKind.CMPORDER: ("x < 5, x == 'GET', x is None", "5 > x, 'GET' == x, None is x"),
    ChoiceKind.AUGASSIGN: ("n += 1", "n = n + 1"),
    ChoiceKind.EMPTY: ("{}, []", "dict(), list()"),
    ChoiceKind.RANGE: ("range(n)", "range(0, n)"),
    ChoiceKind.KWARGORDER: ("keyword order A", "keyword order B"),
    ChoiceKind.IFSWAP: ("if c: A else: B", "if not c: B else: A"),
    ChoiceKind.TERNARY: ("x if c else y", "y if not c else x"),
    ChoiceKind.NESTEDIF: ("if a and b:", "if a: / if b:"),
    ChoiceKind.SEQKIND: ("x in (1, 2)", "x in [1, 2]"),
    ChoiceKind.TUPLEORDER: ("(A, B)", "(B, A)"),
    ChoiceKind.STMTORDER: ("a = 1; b = 2", "b = 2; a = 1"),
    ChoiceKind.FSTRING: ("'{}'.format(a)", "f'{a}'"),
    ChoiceKind.DEFAULTARG: ("default left out", "default spelled out"),
    ChoiceKind.QUOTE: ("\" then '", "' then \""),
    ChoiceKind.NAME: ("resp", "response"),
    ChoiceKind.IFNEGATE: ("if a == b: A else: B", "if a != b: B else: A"),
    ChoiceKind.TERNEGATE: ("x if a == b else y", "y if a != b else x"),
    ChoiceKind.RAISECALL: ("raise E", "raise E()"),
    ChoiceKind.WHILETRUE: ("while True:", "while 1:"),
    ChoiceKind.SYSEXIT: ("sys.exit(x)", "raise SystemExit(x)"),
    ChoiceKind.LENZERO: ("len(x) > 0", "len(x) != 0"),
}
"""What form 0 and form 1 of each kind look like (the table's columns)."""

NATURAL_KINDS: frozenset[str] = frozenset(
    {
        "augassign",
        "defaultarg:open",
        "fstring",
        "ifnegate",
        "kwargorder",
        "name",
        "nestedif",
        "raisecall",
        "seqkind",
        "stmtorder",
        "ternegate",
        "tupleorder",
        "whiletrue",
    }
)
"""The kinds scheme 5 marks with (`kind_name` of a site), each kept by the table."""

SPLIT_KINDS: frozenset[ChoiceKind] = frozenset({ChoiceKind.IFSWAP, ChoiceKind.TERNARY})
"""Kinds the census also counts per shape of their test (`subkind_name`): `if not ok:` is
common where `if not a == b:` is not, so the shapes are judged apart."""

SCHEME6_KINDS: frozenset[str] = NATURAL_KINDS | frozenset(
    {
        "ifswap:plain",
        "ternary:plain",
        "sysexit",
        "lenzero",
    }
)
"""The kinds scheme 6 marks with (`kind_name` or `subkind_name` of a site), each kept by the
table: scheme 5's, the plain-test shapes of two kinds scheme 5 dropped whole, and two new
kinds."""


def kind_name(site: Site) -> str:
    """The table's name for the kind of `site`: the kind, and for a default spelled out or
    left out, which builtin (`defaultarg:open`), whose habits differ."""
    if site.kind is ChoiceKind.DEFAULTARG:
        return f"{site.kind.value}:{site.key}"
    return site.kind.value


def subkind_name(site: Site) -> str | None:
    """The table's name for the shape of a split kind's test (`ifswap:plain`: a name, an
    attribute or a call, not a comparison or a boolean operation), else `None`."""
    if site.kind not in SPLIT_KINDS:
        return None
    node = site.nodes[0]
    assert isinstance(node, ast.If | ast.IfExp)
    test = node.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Compare):
        return f"{site.kind.value}:compare"
    if isinstance(test, ast.BoolOp):
        return f"{site.kind.value}:boolop"
    return f"{site.kind.value}:plain"


def husk(node: ast.AST) -> ast.AST:
    """All that `subkind_name` reads of a split kind's node: its class, its test's class and a
    `not`'s operand's class, in empty nodes (the statement memo keeps these, not subtrees)."""
    assert isinstance(node, ast.If | ast.IfExp)
    test = node.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        shell: ast.expr = ast.UnaryOp(op=ast.Not(), operand=type(test.operand)())
    else:
        shell = type(test)()
    if isinstance(node, ast.If):
        return ast.If(test=shell, body=[], orelse=[])
    return ast.IfExp(test=shell, body=ast.Constant(None), orelse=ast.Constant(None))


def natural_site(site: Site, version: int = 5) -> bool:
    """Whether scheme `version` (5 or 6) marks with `site`."""
    if version < 6:
        return kind_name(site) in NATURAL_KINDS
    return kind_name(site) in SCHEME6_KINDS or subkind_name(site) in SCHEME6_KINDS


__all__ = [
    "FORMS",
    "NATURAL_KINDS",
    "SCHEME6_KINDS",
    "SPLIT_KINDS",
    "husk",
    "kind_name",
    "natural_site",
    "subkind_name",
]
