"""Statements that only put one entry into a list or dict: their order is free, and it shows.

The wire channel of scheme 3 reorders runs of such statements (a cookie built by appending its
parts, headers assigned one by one: the order is the order on the wire), and the Python source
channel of scheme 3 reads a run as a set, so that the wire's reorder never moves its anchors.
Both ask this module which runs qualify, so they always agree.

A statement qualifies when it is `T.append(expr)`, `T["key"] = expr`, or an `if`/`else` whose
branches are one such statement each; `expr` must not read `T` nor call anything but pure
helpers (string methods, `urllib.parse`, `str`, `len`, …), so moving it cannot change what it
computes. A run is two or more of them on one container, told apart by their literals (folded
as scheme 3's wire marks leave them), and never assigning one dict key twice.
"""

from __future__ import annotations

import ast

from forewarn.marks.channels._python.variants import fold_text

PURE_CALLS = frozenset(
    {
        "str",
        "int",
        "len",
        "repr",
        "format",
        "join",
        "encode",
        "decode",
        "lower",
        "upper",
        "strip",
        "rstrip",
        "lstrip",
        "replace",
        "quote",
        "quote_plus",
        "urlencode",
        "b64encode",
        "dumps",
        "hex",
    }
)
"""Calls an entry may make: their result follows from their arguments, with no side effect."""


def entry_runs(block: list[ast.stmt]) -> list[list[ast.stmt]]:
    """The maximal runs of two or more entry statements of one container in `block`, each
    run's statements told apart by `entry_key`."""
    runs: list[list[ast.stmt]] = []
    run: list[ast.stmt] = []
    owner: str | None = None
    for stmt in [*block, None]:
        here = entry_owner(stmt) if stmt is not None else None
        if run and here != owner:
            if _free(run):
                runs.append(run)
            run = []
        if stmt is not None and here is not None:
            run.append(stmt)
        owner = here
    return runs


def entry_key(stmt: ast.stmt, version: int = 3) -> tuple[str, ...]:
    """What tells entry statements apart whatever the names and the wire marks: their string
    literals, folded as scheme `version`'s wire marks require (`variants.fold_text`)."""
    return tuple(
        fold_text(node.value, version)
        for node in ast.walk(stmt)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _free(run: list[ast.stmt]) -> bool:
    if len(run) < 2 or len({entry_key(stmt) for stmt in run}) != len(run):
        return False
    assigned = [_keys_of(stmt) for stmt in run]
    return not any(keys & other for k, keys in enumerate(assigned) for other in assigned[k + 1 :])


def entry_owner(stmt: ast.stmt) -> str | None:
    """The container a statement adds one entry to, when it does only that."""
    if isinstance(stmt, ast.If):
        if len(stmt.body) != 1 or len(stmt.orelse) != 1 or not _pure(stmt.test, None):
            return None
        first, second = entry_owner(stmt.body[0]), entry_owner(stmt.orelse[0])
        if first is None or first != second or _reads(stmt.test, first):
            return None
        return first
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "append"):
            return None
        if not isinstance(func.value, ast.Name) or len(call.args) != 1 or call.keywords:
            return None
        owner = func.value.id
        return owner if _pure(call.args[0], owner) else None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)):
            return None
        key = target.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        owner = target.value.id
        return owner if _pure(stmt.value, owner) else None
    return None


def _pure(node: ast.expr, owner: str | None) -> bool:
    """Whether `node` computes its value without side effects and without reading `owner`."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Await | ast.Yield | ast.YieldFrom | ast.NamedExpr | ast.Lambda):
            return False
        if isinstance(inner, ast.Call):
            func = inner.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in PURE_CALLS:
                return False
    return owner is None or not _reads(node, owner)


def _reads(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _keys_of(stmt: ast.stmt) -> set[str]:
    """The dict keys a statement assigns (both branches of an `if`)."""
    if isinstance(stmt, ast.If):
        return _keys_of(stmt.body[0]) | _keys_of(stmt.orelse[0])
    if isinstance(stmt, ast.Assign):
        target = stmt.targets[0]
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
            return {str(target.slice.value).lower()}
    return set()


__all__ = ["PURE_CALLS", "entry_key", "entry_owner", "entry_runs"]
