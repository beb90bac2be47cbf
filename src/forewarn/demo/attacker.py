"""What the demo's attacker does to a leaked copy before using it: reformat, rename, strip.

Runs on our own benign PoC, in-process, with `ast` only: the code is parsed and printed, never
executed. Each step keeps the program's behaviour (names are renamed consistently; keyword
arguments are renamed only in calls to functions the file defines itself).
"""

from __future__ import annotations

import ast
import builtins
import hashlib
from collections.abc import Sequence

from forewarn.errors import InvestigationError

STEPS = ("reformat", "rename", "strip-docstrings", "drop-unused-constants")
"""Transformations the attack script may name, applied in the order given."""


class _Renamer(ast.NodeTransformer):
    def __init__(self, mapping: dict[str, str], functions: set[str]) -> None:
        self.mapping = mapping
        self.functions = functions

    def _new(self, name: str) -> str:
        return self.mapping.get(name, name)

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self._new(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self._new(node.arg)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = self._new(node.name)
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.Call:
        own = isinstance(node.func, ast.Name) and node.func.id in self.functions
        self.generic_visit(node)
        if own:
            for keyword in node.keywords:
                if keyword.arg is not None:
                    keyword.arg = self._new(keyword.arg)
        return node


def _defined_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names the file itself binds (functions, arguments, assignments) and its functions."""
    imported = {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    bound = set(functions)
    bound |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    bound |= {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    reserved = imported | set(dir(builtins)) | {"self", "cls"}
    return {n for n in bound if n not in reserved and not n.startswith("__")}, functions


def rename(tree: ast.Module, seed: str) -> ast.Module:
    """Every name the file binds replaced by an opaque one, derived from `seed`."""
    names, functions = _defined_names(tree)
    mapping = {}
    for name in sorted(names):
        digest = hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:6]
        mapping[name] = f"{'f' if name in functions else 'v'}_{digest}"
    renamed = _Renamer(mapping, functions).visit(tree)
    assert isinstance(renamed, ast.Module)
    return renamed


def strip_docstrings(tree: ast.Module) -> ast.Module:
    """Docstrings removed from the module and every function and class."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            if isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return tree


def drop_unused_constants(tree: ast.Module) -> ast.Module:
    """Module-level constants that nothing reads removed (as a tidy attacker would)."""
    loaded = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    tree.body = [
        stmt
        for stmt in tree.body
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id not in loaded
            and isinstance(stmt.value, ast.Constant)
        )
    ]
    return tree


def transform(source: str, steps: Sequence[str], *, seed: str = "attacker") -> str:
    """`source` after the attacker's steps; the result parses and behaves the same."""
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise InvestigationError(
            f"unknown attacker step(s): {', '.join(unknown)}", hint=f"use {', '.join(STEPS)}"
        )
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise InvestigationError(f"the leaked copy does not parse: {exc.msg}") from exc
    for step in steps:
        if step == "rename":
            tree = rename(tree, seed)
        elif step == "strip-docstrings":
            tree = strip_docstrings(tree)
        elif step == "drop-unused-constants":
            tree = drop_unused_constants(tree)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


__all__ = ["STEPS", "drop_unused_constants", "rename", "strip_docstrings", "transform"]
