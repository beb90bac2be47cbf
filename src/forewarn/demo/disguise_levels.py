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

from forewarn.demo.disguise_restructure import has, restructure, temp_name
from forewarn.demo.disguises import rename

LEVELS = ("layout+comments", "names", "reordering", "restructuring", "dead code")
"""Names of the cumulative levels 1 to 5."""


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


def _split_functions(tree: ast.Module, rng: random.Random) -> None:
    """The second half of long module-level functions moved into a new helper defined after it."""
    out: list[ast.stmt] = []
    for node in tree.body:
        out.append(node)
        if not isinstance(node, ast.FunctionDef) or len(node.body) < 4:
            continue
        if has(node, (ast.Global, ast.Nonlocal, ast.Yield, ast.YieldFrom)):
            continue
        cut = len(node.body) // 2
        head, tail = node.body[:cut], node.body[cut:]
        if has(ast.Module(head, []), (ast.Return,)):
            continue
        known = {a.arg for a in node.args.args}
        for stmt in head:
            known |= _names(stmt)[0]
        used: set[str] = set()
        for stmt in tail:
            used |= _names(stmt)[1] | _names(stmt)[0]
        params = sorted(known & used)
        name = temp_name(rng) + "_rest"
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
        and not has(
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
    text = rng.choice(_DEAD).format(v=temp_name(rng), n=rng.randrange(1, 100))
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
        helper = f"def {temp_name(rng)}(a, n=3):\n    out = []\n    for i in range(n):\n"
        helper += "        out.append(a * i if i % 2 else -a)\n    return out\n"
        tree.body.insert(rng.randrange(len(tree.body) + 1), ast.parse(helper).body[0])


def disguise_python(source: str, level: int, seed: int) -> str:
    """The first `level` disguises applied to Python `source`; the result behaves the same."""
    rng = random.Random(seed)  # noqa: S311 - a benchmark corpus, not security  # nosec B311
    if level >= 2:
        source = rename(source, lambda name, rank, function: temp_name(rng))
    tree = ast.parse(source)
    if level >= 3:
        _reorder(tree, rng)
        tree = _Operands(rng).visit(tree)
    if level >= 4:
        _inline_small(tree)
        _split_functions(tree, rng)
        tree.body = restructure(tree.body, rng)
    if level >= 5:
        _pad(tree, rng)
    lines = ast.unparse(ast.fix_missing_locations(tree)).splitlines()
    return "".join(line + ("\n\n" if rng.random() < 0.2 else "\n") for line in lines)


__all__ = ["LEVELS", "disguise_python"]
