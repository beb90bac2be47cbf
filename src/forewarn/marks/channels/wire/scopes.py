"""Scopes the behaviour reader follows values through: a function's parameters, defaults and
locals bound once, and a class's attributes (its body and `self.x = …` in `__init__`).

Split from `roles` so that the role reader keeps to roles; nothing here runs code.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from forewarn.marks.wire.syntax import walk_nodes


@dataclass(frozen=True, slots=True)
class Frame:
    klass: str | None
    """The class whose methods see `self.X` as its attribute."""
    locals: dict[str, ast.expr]
    """Local names bound once in the function, to their expression."""
    defaults: dict[str, ast.expr]
    """Parameters with a default, to it."""
    params: frozenset[str] = frozenset()
    """Every parameter name (a parameter shadows a module constant)."""
    assigned: frozenset[str] = frozenset()
    """Every name the function assigns (a local shadows a module constant)."""


def function_frame(node: ast.FunctionDef | ast.AsyncFunctionDef, outer: Frame) -> Frame:
    spec = node.args
    positional = [*spec.posonlyargs, *spec.args]
    defaults: dict[str, ast.expr] = {}
    for param, default in zip(
        positional[len(positional) - len(spec.defaults) :], spec.defaults, strict=True
    ):
        defaults[param.arg] = default
    for param, kw_default in zip(spec.kwonlyargs, spec.kw_defaults, strict=True):
        if kw_default is not None:
            defaults[param.arg] = kw_default
    params = {p.arg for p in [*positional, *spec.kwonlyargs]}
    params |= {a.arg for a in (spec.vararg, spec.kwarg) if a is not None}
    stores = Counter(
        n.id for n in walk_nodes(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    )
    local = {k: v for k, v in bound_once(node.body, stores).items() if k not in params}
    return Frame(outer.klass, local, defaults, frozenset(params), frozenset(stores))


def bound_once(body: Iterable[ast.stmt], stores: Counter[str]) -> dict[str, ast.expr]:
    """Names a block binds once (in the whole scope) by a plain assignment, to the value."""
    found: dict[str, ast.expr] = {}
    for stmt in body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if isinstance(target, ast.Name) and stores[target.id] == 1:
            found[target.id] = value
    return found


def class_attributes(node: ast.ClassDef) -> dict[str, ast.expr]:
    """A class's attributes bound once in its body, and `self.x = …` bound once in `__init__`."""
    stores = Counter(
        name.id
        for stmt in node.body
        for name in ast.walk(stmt)
        if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store)
    )
    found = bound_once(node.body, stores)
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__":
            assigned = Counter(
                t.attr
                for n in ast.walk(stmt)
                if isinstance(n, ast.Assign)
                for t in n.targets
                if isinstance(t, ast.Attribute)
                and isinstance(t.value, ast.Name)
                and t.value.id == "self"
            )
            for inner in stmt.body:
                if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
                    target = inner.targets[0]
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                        if target.value.id == "self" and assigned[target.attr] == 1:
                            found.setdefault(target.attr, inner.value)
    return found


__all__ = ["Frame", "bound_once", "class_attributes", "function_frame"]
