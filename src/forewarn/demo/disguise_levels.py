"""The similarity benchmark's disguise levels for Python: what a determined rewriter does.

Levels are cumulative, as on public plagiarism corpora: 1 layout and comments, 2 names, 3
reordering (functions, independent statements, operands of commutative and mirrored operators),
4 restructuring (nested calls split into temporaries, `for` rewritten as `while` and `while True`
as `for`, `if`/`else` inverted, `and` conditions nested, `else` after a `return` flattened, small
functions inlined, long ones split into a helper), 5 dead code between statements and dead
helpers. Every rewrite keeps behaviour; everything is `ast` on our own corpus, never executed.
"""

from __future__ import annotations

import ast
import copy
import random

from forewarn.demo.disguises import rename

LEVELS = ("layout+comments", "names", "reordering", "restructuring", "dead code")
"""Names of the cumulative levels 1 to 5."""

_WORDS = ("v", "tmp", "x", "val", "item", "q", "z", "res", "acc", "cur", "buf", "n")


def _name(rng: random.Random) -> str:
    return rng.choice(_WORDS) + str(rng.randrange(10_000))


def _blocks(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """Every statement list in the tree, as `(owner, field)`."""
    found = []
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(node, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                found.append((node, field))
    return found


def _names(node: ast.AST) -> tuple[set[str], set[str]]:
    """Names a statement writes (stores, and objects whose methods it calls) and reads."""
    writes: set[str] = set()
    reads: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            (writes if isinstance(sub.ctx, ast.Store) else reads).add(sub.id)
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            if isinstance(sub.func.value, ast.Name):
                writes.add(sub.func.value.id)
    return writes, reads


_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign)


def _calls_anything(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call | ast.Await | ast.Yield | ast.YieldFrom) for n in ast.walk(node)
    )


def _reorder(tree: ast.Module, rng: random.Random) -> None:
    """Imports split and shuffled; functions shuffled; adjacent assignments that share no names
    and call nothing swapped."""
    imports = [
        ast.Import([alias]) for s in tree.body if isinstance(s, ast.Import) for alias in s.names
    ]
    rng.shuffle(imports)
    rest = [s for s in tree.body if not isinstance(s, ast.Import)]
    tree.body = [*imports, *rest]
    slots = [i for i, s in enumerate(tree.body) if isinstance(s, ast.FunctionDef | ast.ClassDef)]
    moved = [tree.body[i] for i in slots]
    rng.shuffle(moved)
    for i, stmt in zip(slots, moved, strict=True):
        tree.body[i] = stmt
    for owner, field in _blocks(tree):
        body = getattr(owner, field)
        for i in range(len(body) - 1):
            a, b = body[i], body[i + 1]
            if not (isinstance(a, _SIMPLE) and isinstance(b, _SIMPLE)) or rng.random() < 0.2:
                continue
            if _calls_anything(a) and _calls_anything(b):
                continue
            wa, ra = _names(a)
            wb, rb = _names(b)
            if not (wa & (wb | rb)) and not (wb & ra):
                body[i], body[i + 1] = b, a


_MIRROR: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.Gt,
    ast.Gt: ast.Lt,
    ast.LtE: ast.GtE,
    ast.GtE: ast.LtE,
    ast.Eq: ast.Eq,
    ast.NotEq: ast.NotEq,
}


def _pure(node: ast.expr) -> bool:
    """Evaluating it has no side effects, so operands may trade places."""
    return not _calls_anything(node) and not any(
        isinstance(n, ast.NamedExpr | ast.Lambda) for n in ast.walk(node)
    )


class _Operands(ast.NodeTransformer):
    """Mirrored comparisons (`a < b` as `b > a`), products and ternaries turned around."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        mirror = _MIRROR.get(type(node.ops[0]))
        if len(node.ops) == 1 and mirror and _pure(node.left) and _pure(node.comparators[0]):
            return ast.Compare(node.comparators[0], [mirror()], [node.left])
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Mult) and _pure(node.left) and _pure(node.right):
            return ast.BinOp(node.right, ast.Mult(), node.left)
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        return ast.IfExp(ast.UnaryOp(ast.Not(), node.test), node.orelse, node.body)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.target, ast.Name):
            return node
        value = ast.BinOp(ast.Name(node.target.id, ast.Load()), node.op, node.value)
        return ast.Assign([node.target], value, lineno=0)


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
        temp = _name(rng)
        head = _assign(temp, stmt.test)
        stmt.test = ast.Name(temp, ast.Load())
        return [*_split_statement(head, rng), stmt]
    value = getattr(stmt, "value", None)
    if not isinstance(stmt, ast.Assign | ast.Expr | ast.Return) or value is None:
        return [stmt]
    if isinstance(stmt, ast.Return) and (_hoistable(value) or isinstance(value, ast.Dict)):
        temp = _name(rng)
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
                name = _name(rng)
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
    temp = _name(rng)
    if field == "args":
        inner[0] = ast.Name(temp, ast.Load())
    else:
        setattr(owner, field, ast.Name(temp, ast.Load()))
    return [*_split_statement(_assign(temp, moved), rng), stmt]


def _has(node: ast.AST, kinds: tuple[type[ast.AST], ...]) -> bool:
    return any(isinstance(n, kinds) for n in ast.walk(node))


def _loop(stmt: ast.stmt, rng: random.Random) -> list[ast.stmt]:
    """`for` over `range` as a counting `while`, other `for` loops over `iter`/`next`,
    `while True` as `for` over an endless iterator."""
    if isinstance(stmt, ast.While) and not stmt.orelse:
        if isinstance(stmt.test, ast.Constant) and stmt.test.value is True:
            endless = ast.parse("iter(int, 1)", mode="eval").body
            return [ast.For(ast.Name(_name(rng), ast.Store()), endless, stmt.body, [], lineno=0)]
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
        and not _has(ast.Module(stmt.body, []), (ast.Continue,))
    )
    if counting and isinstance(it, ast.Call):
        start = it.args[0] if len(it.args) == 2 else ast.Constant(0)
        stop_name = _name(rng)
        bound = _assign(stop_name, it.args[-1])
        begin = _assign(var, start)
        step = ast.parse(f"{var} = {var} + 1").body[0]
        test = ast.Compare(ast.Name(var, ast.Load()), [ast.Lt()], [ast.Name(stop_name, ast.Load())])
        return [bound, begin, ast.While(test, [*stmt.body, step], [])]
    source, end = _name(rng), _name(rng)
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


def _restructure(body: list[ast.stmt], rng: random.Random) -> list[ast.stmt]:
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
                    setattr(node, field, _restructure(inner, rng))
    return out


def _split_functions(tree: ast.Module, rng: random.Random) -> None:
    """The second half of long module-level functions moved into a new helper defined after it."""
    out: list[ast.stmt] = []
    for node in tree.body:
        out.append(node)
        if not isinstance(node, ast.FunctionDef) or len(node.body) < 4:
            continue
        if _has(node, (ast.Global, ast.Nonlocal, ast.Yield, ast.YieldFrom)):
            continue
        cut = len(node.body) // 2
        head, tail = node.body[:cut], node.body[cut:]
        if _has(ast.Module(head, []), (ast.Return,)):
            continue
        known = {a.arg for a in node.args.args}
        for stmt in head:
            known |= _names(stmt)[0]
        used: set[str] = set()
        for stmt in tail:
            used |= _names(stmt)[1] | _names(stmt)[0]
        params = sorted(known & used)
        name = _name(rng) + "_rest"
        arguments = ast.arguments([], [ast.arg(p) for p in params], None, [], [], None, [])
        out.append(ast.FunctionDef(name, arguments, tail, [], None, lineno=0))
        call = ast.Call(ast.Name(name, ast.Load()), [ast.Name(p, ast.Load()) for p in params], [])
        node.body = [*head, ast.Return(call)]
    tree.body = out


class _Inline(ast.NodeTransformer):
    """Calls of one-line `return expr` functions replaced by the expression."""

    def __init__(self, small: dict[str, ast.FunctionDef]) -> None:
        self.small = small

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Name) or node.func.id not in self.small or node.keywords:
            return node
        func = self.small[node.func.id]
        params = [a.arg for a in func.args.args]
        if len(params) != len(node.args) or func.args.defaults:
            return node
        if not all(isinstance(a, ast.Name | ast.Constant) for a in node.args):
            return node  # an argument used twice must not be evaluated twice
        mapping = dict(zip(params, node.args, strict=True))
        body = func.body[-1]
        assert isinstance(body, ast.Return) and body.value is not None
        found: ast.AST = _Substitute(mapping).visit(copy.deepcopy(body.value))
        return found


class _Substitute(ast.NodeTransformer):
    def __init__(self, mapping: dict[str, ast.expr]) -> None:
        self.mapping = mapping

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return copy.deepcopy(self.mapping[node.id]) if node.id in self.mapping else node


def _inline_small(tree: ast.Module) -> None:
    small = {
        s.name: s
        for s in tree.body
        if isinstance(s, ast.FunctionDef)
        and len(s.body) == 1
        and isinstance(s.body[0], ast.Return)
        and s.body[0].value is not None
        and not s.args.vararg
        and not s.args.kwarg
        and not s.args.kwonlyargs
        and not s.decorator_list
        and not _has(
            s.body[0], (ast.Lambda, ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.SetComp)
        )
        and not any(isinstance(n, ast.Name) and n.id == s.name for n in ast.walk(s.body[0]))
    }
    if small:
        _Inline(small).visit(tree)


_DEAD = (
    "{v} = {n} * 3\nif {v} < 0:\n    {v} = [{v}] * 2",
    "{v} = len(str({n}))",
    "for {v} in range(0):\n    print({n})",
    "{v} = [{n}, {n}][0] - {n}",
    "if {n} < 0:\n    raise SystemExit({n})",
    "{v} = {{'k': {n}}}.get('j', None)",
    "{v} = ({n} << 1) ^ {n}",
    "while False:\n    {v} = {n}",
)


def _dead(rng: random.Random) -> list[ast.stmt]:
    text = rng.choice(_DEAD).format(v=_name(rng), n=rng.randrange(1, 100))
    return ast.parse(text).body


def _pad(tree: ast.Module, rng: random.Random) -> None:
    """Dead statements after most statements of every function body, and two dead helpers."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for owner, field in _blocks(node):
            out: list[ast.stmt] = _dead(rng)
            for stmt in getattr(owner, field):
                out.append(stmt)
                if not isinstance(stmt, ast.Return | ast.Raise | ast.Break | ast.Continue):
                    out.extend(_dead(rng))
            setattr(owner, field, out)
    top: list[ast.stmt] = []
    for stmt in tree.body:
        top.append(stmt)
        if not isinstance(stmt, ast.FunctionDef | ast.ClassDef) or rng.random() < 0.5:
            top.extend(_dead(rng))
    tree.body = top
    for _ in range(2):
        helper = f"def {_name(rng)}(a, n=3):\n    out = []\n    for i in range(n):\n"
        helper += "        out.append(a * i if i % 2 else -a)\n    return out\n"
        tree.body.insert(rng.randrange(len(tree.body) + 1), ast.parse(helper).body[0])


def disguise_python(source: str, level: int, seed: int) -> str:
    """The first `level` disguises applied to Python `source`; the result behaves the same."""
    rng = random.Random(seed)  # noqa: S311 - a benchmark corpus, not security
    if level >= 2:
        source = rename(source, lambda name, rank, function: _name(rng))
    tree = ast.parse(source)
    if level >= 3:
        _reorder(tree, rng)
        tree = _Operands(rng).visit(tree)
    if level >= 4:
        _inline_small(tree)
        _split_functions(tree, rng)
        tree.body = _restructure(tree.body, rng)
    if level >= 5:
        _pad(tree, rng)
    lines = ast.unparse(ast.fix_missing_locations(tree)).splitlines()
    return "".join(line + ("\n\n" if rng.random() < 0.2 else "\n") for line in lines)


__all__ = ["LEVELS", "disguise_python"]
