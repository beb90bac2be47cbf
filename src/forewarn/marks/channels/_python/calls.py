"""Names of what a call calls, as both PoC channels recognise calls."""

from __future__ import annotations

import ast


def callee_name(call: ast.Call) -> str | None:
    """`f` for `f(...)` and `x.f(...)`."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None
