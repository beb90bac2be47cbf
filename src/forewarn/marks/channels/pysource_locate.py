"""Find the libcst node(s) that carry each choice point, and refuse the ones unsafe to rewrite.

`pysource_canon` finds choice points on the `ast`; this module maps each to the matching libcst node
by source position, so `pysource_rewrite` can change just that node.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from forewarn.marks.channels.pysource_canon import Site
from forewarn.marks.channels.pysource_edits import to_format, to_fstring
from forewarn.marks.channels.pysource_names import NameGuard

_BUILTINS_USED = {"empty": ("dict", "list"), "range": ("range",)}
_CST_CLASS: dict[type[ast.AST], type[cst.CSTNode]] = {
    ast.Compare: cst.Comparison,
    ast.UnaryOp: cst.UnaryOperation,
    ast.AugAssign: cst.AugAssign,
    ast.Assign: cst.Assign,
    ast.Dict: cst.Dict,
    ast.List: cst.List,
    ast.Tuple: cst.Tuple,
    ast.Call: cst.Call,
    ast.If: cst.If,
    ast.IfExp: cst.IfExp,
    ast.JoinedStr: cst.FormattedString,
}


@dataclass(frozen=True, slots=True)
class Located:
    """A choice point of the original and the libcst node(s) that carry it."""

    site: Site
    """The choice point as the analysis saw it."""
    nodes: tuple[cst.CSTNode, ...]
    """Its libcst node, or the two statement lines of a statement pair."""


class SourceMap:
    """Finds libcst nodes of an `ast` node of the same source."""

    def __init__(self, source: str) -> None:
        self.wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
        self.lines = source.splitlines()
        self.index: dict[tuple[type[cst.CSTNode], int, int, int, int], cst.CSTNode] = {}
        for node, where in self.wrapper.resolve(PositionProvider).items():
            self.index[(type(node), *_corners(where))] = node
        tree = ast.parse(source)
        self.bound = _bound_names(tree)
        self.guard = NameGuard.of(tree)

    def char_col(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def find(self, node: ast.AST, kind: type[cst.CSTNode] | None = None) -> cst.CSTNode | None:
        wanted = kind or _CST_CLASS.get(type(node))
        line, end_line = getattr(node, "lineno", 0), getattr(node, "end_lineno", 0)
        if wanted is None or not line or end_line is None:
            return None
        col = self.char_col(line, getattr(node, "col_offset", 0))
        end = self.char_col(end_line, getattr(node, "end_col_offset", 0) or 0)
        found = self.index.get((wanted, line, col, end_line, end))
        if found is None and wanted is cst.Tuple:
            found = self.index.get((wanted, line, col + 1, end_line, end - 1))
        return found

    def locate(self, site: Site) -> Located | None:
        """The libcst nodes of `site`, or `None` when the rewriter cannot honour it safely."""
        if any(name in self.bound for name in _BUILTINS_USED.get(site.kind, ())):
            return None
        if site.kind == "defaultarg" and site.key in self.bound:
            return None
        if site.kind == "stmtorder":
            called = {
                n.func.id
                for stmt in site.nodes
                for n in ast.walk(stmt)
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            }
            if called & self.bound:
                return None
            lines = [self.find(n, cst.SimpleStatementLine) for n in site.nodes]
            if any(
                not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1
                for line in lines
            ):
                return None
            return Located(site, tuple(line for line in lines if line is not None))
        if site.kind == "name":
            names = [self.find(n, cst.Name) for n in site.nodes]
            old, new = site.detail[site.bit or 0], site.detail[1 - (site.bit or 0)]
            if not self.guard.allows(old, new) or any(
                not isinstance(n, cst.Name) or n.value != old for n in names
            ):
                return None
            return Located(site, tuple(n for n in names if n is not None))
        if site.kind == "quote":
            strings = [self.find(n, cst.SimpleString) for n in site.nodes]
            if any(not isinstance(s, cst.SimpleString) for s in strings):
                return None
            return Located(site, tuple(s for s in strings if s is not None))
        found = self.find(site.nodes[0])
        if found is None or not _honourable(site, found):
            return None
        return Located(site, (found,))


@lru_cache(maxsize=8)
def source_map_of(original: str) -> SourceMap:
    """The `SourceMap` of an original, shared by the PoC channels and built once (~35 ms)."""
    return SourceMap(original)


def _corners(where: CodeRange) -> tuple[int, int, int, int]:
    return (where.start.line, where.start.column, where.end.line, where.end.column)


def _bound_names(tree: ast.Module) -> set[str]:
    """Every name the file binds: a builtin it rebinds is no longer the builtin."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
    return bound


def _honourable(site: Site, node: cst.CSTNode) -> bool:
    if site.kind == "nestedif":
        assert isinstance(node, cst.If)
        if site.bit == 1:
            body = node.body
            return isinstance(body, cst.IndentedBlock) and len(body.body) == 1
        return isinstance(node.test, cst.BooleanOperation)
    if site.kind == "ifswap":
        return isinstance(node, cst.If) and isinstance(node.orelse, cst.Else)
    if site.kind == "fstring":
        if isinstance(node, cst.Call):
            return to_fstring(node) is not None
        return isinstance(node, cst.FormattedString) and to_format(node) is not None
    return True
