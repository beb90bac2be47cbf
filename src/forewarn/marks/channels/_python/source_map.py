"""Map `ast` nodes to the libcst nodes of the same source, by position.

Both PoC channels find their choice points on the `ast` (fast, exact semantics) and rewrite the
libcst tree (keeps every byte of layout). This map joins the two; it is built once per original
and shared (`source_map_of`), since building it costs ~35 ms for a 200-line PoC.
"""

from __future__ import annotations

import ast
from functools import lru_cache

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

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
    ast.Raise: cst.Raise,
}


class SourceMap:
    """Finds libcst nodes of an `ast` node of the same source."""

    def __init__(self, source: str) -> None:
        self.wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
        self.source = source
        self.lines = source.splitlines()
        self.index: dict[tuple[type[cst.CSTNode], int, int, int, int], cst.CSTNode] = {}
        for node, where in self.wrapper.resolve(PositionProvider).items():
            self.index[(type(node), *_corners(where))] = node
        tree = ast.parse(source)
        self.bound = _bound_names(tree)

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


@lru_cache(maxsize=8)
def source_map_of(original: str) -> SourceMap:
    """The `SourceMap` of an original, shared by the PoC channels and built once."""
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
