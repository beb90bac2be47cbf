"""Find the libcst node(s) that carry each choice point, and refuse the ones unsafe to rewrite.

`canon` finds choice points on the `ast`; this module maps each to the matching libcst node
by source position, so `rewrite` can change just that node.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from typing import assert_never

import libcst as cst

from forewarn.marks.channels._python.source_map import SourceMap
from forewarn.marks.channels.pysource.canon import Site
from forewarn.marks.channels.pysource.edits import negatable_test, to_format, to_fstring
from forewarn.marks.channels.pysource.names import NameGuard
from forewarn.marks.channels.pysource.raw import Carrier, ChoiceKind, carrier

_BUILTINS_USED: dict[ChoiceKind, tuple[str, ...]] = {
    ChoiceKind.EMPTY: ("dict", "list"),
    ChoiceKind.RANGE: ("range",),
    ChoiceKind.LENZERO: ("len",),
    ChoiceKind.SYSEXIT: ("SystemExit",),
}
"""Kinds whose other form calls a builtin: refused where the file rebinds its name."""


_CARRIER_CLASS: dict[ChoiceKind, dict[int | None, type[cst.CSTNode]]] = {
    ChoiceKind.WHILETRUE: {0: cst.Name, 1: cst.Integer},
    ChoiceKind.SYSEXIT: {0: cst.Expr, 1: cst.Raise},
}
"""Kinds carried by a literal: the libcst class of the literal in each form."""


@dataclass(frozen=True, slots=True)
class Located:
    """A choice point of the original and the libcst node(s) that carry it."""

    site: Site
    """The choice point as the analysis saw it."""
    nodes: tuple[cst.CSTNode, ...]
    """Its libcst node, or the two statement lines of a statement pair."""


def locate(source_map: SourceMap, site: Site) -> Located | None:
    """The libcst nodes of `site`, or `None` when the rewriter cannot honour it safely."""
    if any(name in source_map.bound for name in _BUILTINS_USED.get(site.kind, ())):
        return None
    if site.kind is ChoiceKind.DEFAULTARG and site.key in source_map.bound:
        return None
    if site.kind is ChoiceKind.RAISECALL and _raised_name(site) in source_map.bound:
        return None
    if site.kind is ChoiceKind.SYSEXIT and not _sys_is_module(source_map.source):
        return None
    held_by = carrier(site.kind)
    match held_by:
        case Carrier.STATEMENT_PAIR:
            return _statement_pair(source_map, site)
        case Carrier.NAMES:
            return _names(source_map, site)
        case Carrier.QUOTE_PAIR:
            strings = [source_map.find(n, cst.SimpleString) for n in site.nodes]
            if any(not isinstance(s, cst.SimpleString) for s in strings):
                return None
            return Located(site, tuple(s for s in strings if s is not None))
        case Carrier.NODE:
            found = source_map.find(site.nodes[0], _CARRIER_CLASS.get(site.kind, {}).get(site.bit))
            if found is None or not _honourable(site, found):
                return None
            return Located(site, (found,))
        case _:
            assert_never(held_by)


def _statement_pair(source_map: SourceMap, site: Site) -> Located | None:
    called = {
        n.func.id
        for stmt in site.nodes
        for n in ast.walk(stmt)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    if called & source_map.bound:
        return None
    lines = [source_map.find(n, cst.SimpleStatementLine) for n in site.nodes]
    if any(not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 for line in lines):
        return None
    return Located(site, tuple(line for line in lines if line is not None))


def _names(source_map: SourceMap, site: Site) -> Located | None:
    names = [source_map.find(n, cst.Name) for n in site.nodes]
    old, new = site.detail[site.bit or 0], site.detail[1 - (site.bit or 0)]
    if not name_guard_of(source_map).allows(old, new) or any(
        not isinstance(n, cst.Name) or n.value != old for n in names
    ):
        return None
    return Located(site, tuple(n for n in names if n is not None))


@lru_cache(maxsize=8)
def _name_guard(source: str) -> NameGuard:
    return NameGuard.of(ast.parse(source))


def name_guard_of(source_map: SourceMap) -> NameGuard:
    """The identifier-name guard of the map's source, built once per original."""
    return _name_guard(source_map.source)


@lru_cache(maxsize=8)
def _sys_is_module(source: str) -> bool:
    """`sys` names the module everywhere in the file: imported as `import sys` at the top
    level and bound in no other way (`sys.exit(x)` then raises `SystemExit(x)`)."""
    tree = ast.parse(source)
    imported = any(
        isinstance(stmt, ast.Import)
        and any(a.name == "sys" and a.asname is None for a in stmt.names)
        for stmt in tree.body
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "sys" and not isinstance(node.ctx, ast.Load):
            return False
        if isinstance(node, ast.arg) and node.arg == "sys":
            return False
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == "sys":
                return False
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == "sys":
            if node.name != "sys" or node.asname is not None:
                return False
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return False
        if isinstance(node, ast.Global | ast.Nonlocal) and "sys" in node.names:
            return False
    return imported


def _raised_name(site: Site) -> str | None:
    raised = site.nodes[0]
    assert isinstance(raised, ast.Raise)
    exc = raised.exc.func if isinstance(raised.exc, ast.Call) else raised.exc
    return exc.id if isinstance(exc, ast.Name) else None


def _honourable(site: Site, node: cst.CSTNode) -> bool:
    if site.kind is ChoiceKind.NESTEDIF:
        assert isinstance(node, cst.If)
        if site.bit == 1:
            body = node.body
            return isinstance(body, cst.IndentedBlock) and len(body.body) == 1
        return isinstance(node.test, cst.BooleanOperation)
    if site.kind is ChoiceKind.IFSWAP:
        return isinstance(node, cst.If) and isinstance(node.orelse, cst.Else)
    if site.kind is ChoiceKind.IFNEGATE:
        return (
            isinstance(node, cst.If)
            and isinstance(node.orelse, cst.Else)
            and negatable_test(node.test)
        )
    if site.kind is ChoiceKind.TERNEGATE:
        return isinstance(node, cst.IfExp) and negatable_test(node.test)
    if site.kind is ChoiceKind.RAISECALL:
        exc = node.exc if isinstance(node, cst.Raise) else None
        if isinstance(exc, cst.Call):
            return isinstance(exc.func, cst.Name) and not exc.args
        return isinstance(exc, cst.Name)
    if site.kind is ChoiceKind.SYSEXIT:
        call = node.value if isinstance(node, cst.Expr) else getattr(node, "exc", None)
        return isinstance(call, cst.Call) and len(call.args) == 1 and not call.args[0].keyword
    if site.kind is ChoiceKind.LENZERO:
        return isinstance(node, cst.Comparison) and len(node.comparisons) == 1
    if site.kind is ChoiceKind.FSTRING:
        if isinstance(node, cst.Call):
            return to_fstring(node) is not None
        return isinstance(node, cst.FormattedString) and to_format(node) is not None
    return True
