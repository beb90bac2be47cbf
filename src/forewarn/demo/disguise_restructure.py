"""Level 4 of the Python disguise levels: statements, loops and conditions restructured.

Nested calls and tests move into temporaries, `for` over `range` becomes a counting `while` and
other loops `iter`/`next`, `while` loops change form, `if`/`else` is inverted and `and` tests
nested, `else` after a `return` is flattened. Every rewrite keeps behaviour (the levels' tests
run a program before and after). Pure `ast`, on our own corpus, never executed.
"""

from __future__ import annotations

import ast
import random

_WORDS = ("v", "tmp", "x", "val", "item", "q", "z", "res", "acc", "cur", "buf", "n")


def temp_name(rng: random.Random) -> str:
    return rng.choice(_WORDS) + str(rng.randrange(10_000))


def _hoistable(node: ast.expr) -> bool:
    return isinstance(node, ast.Call | ast.BinOp | ast.Subscript | ast.JoinedStr) and not any(
        isinstance(n, ast.NamedExpr | ast.Await | ast.Yield | ast.YieldFrom | ast.Starred)
        for n in ast.walk(node)
    )


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value, lineno=0)


def _first_operand(value: ast.expr) -> tuple[ast.expr, str] | None:
    """The sub-expression of `value` evaluated first, when it may move into a temporary."""
    if isinstance(value, ast.Call):
        if isinstance(value.func, ast.Attribute) and _hoistable(value.func.value):
            return value.func, "value"
        simple = all(
            isinstance(n, ast.Name | ast.Attribute | ast.Load) for n in ast.walk(value.func)
        )
        if simple and value.args and _hoistable(value.args[0]):
            return value, "args"
    if isinstance(value, ast.BinOp) and _hoistable(value.left):
        return value, "left"
    if isinstance(value, ast.Subscript) and _hoistable(value.value):
        return value, "value"
    return None


def _split_statement(stmt: ast.stmt, rng: random.Random) -> list[ast.stmt]:
    """`y = f(g(x), 2)` as `t = g(x)` then `y = f(t, 2)`: only the first-evaluated operand moves;
    returned expressions, `if` tests and dict literals built up in temporaries."""
    if (
        isinstance(stmt, ast.If)
        and _hoistable(stmt.test)
        or isinstance(stmt.test if isinstance(stmt, ast.If) else None, ast.Compare | ast.BoolOp)
    ):
        assert isinstance(stmt, ast.If)
        temp = temp_name(rng)
        head = _assign(temp, stmt.test)
        stmt.test = ast.Name(temp, ast.Load())
        return [*_split_statement(head, rng), stmt]
    value = getattr(stmt, "value", None)
    if not isinstance(stmt, ast.Assign | ast.Expr | ast.Return) or value is None:
        return [stmt]
    if isinstance(stmt, ast.Return) and (_hoistable(value) or isinstance(value, ast.Dict)):
        temp = temp_name(rng)
        return [
            *_split_statement(_assign(temp, value), rng),
            ast.Return(ast.Name(temp, ast.Load())),
        ]
    if (
        isinstance(stmt, ast.Assign)
        and isinstance(value, ast.Dict)
        and len(value.keys) >= 2
        and all(k is not None for k in value.keys)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
    ):
        target = stmt.targets[0].id
        items: list[ast.stmt] = [_assign(target, ast.Dict([], []))]
        for key, item in zip(value.keys, value.values, strict=True):
            assert key is not None
            slot = ast.Subscript(ast.Name(target, ast.Load()), key, ast.Store())
            items.append(ast.Assign([slot], item, lineno=0))
        return items
    if isinstance(value, ast.Call):
        defs = []
        for holder in [*value.keywords, None]:
            if holder is not None and isinstance(holder.value, ast.Lambda):
                name = temp_name(rng)
                lam = holder.value
                defs.append(
                    ast.FunctionDef(name, lam.args, [ast.Return(lam.body)], [], None, lineno=0)
                )
                holder.value = ast.Name(name, ast.Load())
        if defs:
            return [*defs, *_split_statement(stmt, rng)]
    found = _first_operand(value)
    if found is None:
        return [stmt]
    owner, field = found
    inner = getattr(owner, field)
    moved = inner[0] if field == "args" else inner
    temp = temp_name(rng)
    if field == "args":
        inner[0] = ast.Name(temp, ast.Load())
    else:
        setattr(owner, field, ast.Name(temp, ast.Load()))
    return [*_split_statement(_assign(temp, moved), rng), stmt]


def has(node: ast.AST, kinds: tuple[type[ast.AST], ...]) -> bool:
    return any(isinstance(n, kinds) for n in ast.walk(node))


def _loop(stmt: ast.stmt, rng: random.Random) -> list[ast.stmt]:
    """`for` over `range` as a counting `while`, other `for` loops over `iter`/`next`,
    `while True` as `for` over an endless iterator."""
    if isinstance(stmt, ast.While) and not stmt.orelse:
        if isinstance(stmt.test, ast.Constant) and stmt.test.value is True:
            endless = ast.parse("iter(int, 1)", mode="eval").body
            return [
                ast.For(ast.Name(temp_name(rng), ast.Store()), endless, stmt.body, [], lineno=0)
            ]
        stop = ast.If(ast.UnaryOp(ast.Not(), stmt.test), [ast.Break()], [])
        return [ast.While(ast.Constant(True), [stop, *stmt.body], [])]
    if not isinstance(stmt, ast.For) or stmt.orelse or not isinstance(stmt.target, ast.Name):
        return [stmt]
    var = stmt.target.id
    it = stmt.iter
    counting = (
        isinstance(it, ast.Call)
        and isinstance(it.func, ast.Name)
        and it.func.id == "range"
        and 1 <= len(it.args) <= 2
        and not it.keywords
        and not has(ast.Module(stmt.body, []), (ast.Continue,))
    )
    if counting and isinstance(it, ast.Call):
        start = it.args[0] if len(it.args) == 2 else ast.Constant(0)
        stop_name = temp_name(rng)
        bound = _assign(stop_name, it.args[-1])
        begin = _assign(var, start)
        step = ast.parse(f"{var} = {var} + 1").body[0]
        test = ast.Compare(ast.Name(var, ast.Load()), [ast.Lt()], [ast.Name(stop_name, ast.Load())])
        return [bound, begin, ast.While(test, [*stmt.body, step], [])]
    source, end = temp_name(rng), temp_name(rng)
    head = ast.parse(f"{source} = iter(None)\n{end} = object()").body
    assert isinstance(head[0], ast.Assign) and isinstance(head[0].value, ast.Call)
    head[0].value.args = [it]
    fetch = ast.parse(f"{var} = next({source}, {end})\nif {var} is {end}:\n    break").body
    return [*head, ast.While(ast.Constant(True), [*fetch, *stmt.body], [])]


def _condition(stmt: ast.stmt) -> list[ast.stmt]:
    """`if`/`else` inverted, `if a and b` nested, `else` after an always-returning branch
    flattened."""
    if not isinstance(stmt, ast.If):
        return [stmt]
    if stmt.orelse and isinstance(stmt.body[-1], ast.Return):
        return [ast.If(stmt.test, stmt.body, []), *stmt.orelse]
    if stmt.orelse:
        return [ast.If(ast.UnaryOp(ast.Not(), stmt.test), stmt.orelse, stmt.body)]
    if isinstance(stmt.test, ast.BoolOp) and isinstance(stmt.test.op, ast.And):
        first, *rest = stmt.test.values
        inner = rest[0] if len(rest) == 1 else ast.BoolOp(ast.And(), rest)
        return [ast.If(first, _condition(ast.If(inner, stmt.body, [])), [])]
    return [stmt]


def restructure(body: list[ast.stmt], rng: random.Random) -> list[ast.stmt]:
    """Conditions, loops and statements of a block rewritten, then of the blocks inside it."""
    out: list[ast.stmt] = []
    for stmt in body:
        for piece in _condition(stmt):
            for looped in _loop(piece, rng):
                out.extend(_split_statement(looped, rng))
    for stmt in out:
        for node in [stmt, *getattr(stmt, "handlers", [])]:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    setattr(node, field, restructure(inner, rng))
    return out


__all__ = ["has", "restructure", "temp_name"]
