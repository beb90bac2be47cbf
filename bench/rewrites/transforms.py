"""Rewrites as a code assistant asked to "refactor and restyle" does them, as `ast` transformers.

Each step keeps behaviour and the wire: header and query spellings change (dict literals to
`dict([...])`, item assignment, `.update` of pairs), format strings change (`.format`, `%`,
f-strings, concatenation), loops become comprehensions, constants are inlined or moved into a
class, definitions are reordered, and every identifier is renamed with docstrings and comments
dropped. Steps run on the marked copy's own text, so they follow the marks wherever they move.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forewarn.demo.disguises import rename as rename_all

Step = Callable[[ast.Module], ast.Module]


def _str_keys(node: ast.Dict) -> bool:
    return all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys)


def _pairs(node: ast.Dict) -> ast.List:
    items = [ast.Tuple([k, v], ast.Load()) for k, v in zip(node.keys, node.values, strict=True)]
    return ast.List(items, ast.Load())  # type: ignore[arg-type]


def _call(func: ast.expr, *args: ast.expr) -> ast.Call:
    return ast.Call(func, list(args), [])


def _name(text: str) -> ast.Name:
    return ast.Name(text, ast.Load())


class _ToPairs(ast.NodeTransformer):
    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        self.generic_visit(node)
        if not node.keys or not _str_keys(node):
            return node
        return _call(_name("dict"), _pairs(node))


def dict_pairs(tree: ast.Module) -> ast.Module:
    """Every dict literal with string keys becomes `dict([(key, value), ...])`."""
    return _ToPairs().visit(tree)  # type: ignore[no-any-return]


def _built(target: str, node: ast.Dict, update: bool) -> list[ast.stmt]:
    """`target = {}` then the items put in one by one, or with one `.update` of pairs."""
    out: list[ast.stmt] = [ast.Assign([ast.Name(target, ast.Store())], ast.Dict([], []))]
    if update:
        method = ast.Attribute(_name(target), "update", ast.Load())
        return [*out, ast.Expr(_call(method, _pairs(node)))]
    for key, value in zip(node.keys, node.values, strict=True):
        assert key is not None
        slot = ast.Subscript(_name(target), key, ast.Store())
        out.append(ast.Assign([slot], value))
    return out


class _Build(ast.NodeTransformer):
    def __init__(self, update: bool) -> None:
        self.update = update

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        copies = isinstance(node.func, ast.Name) and node.func.id == "dict"
        if copies and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
            if not node.keywords:
                return ast.Dict([None], [node.args[0]])  # {**name}: the same copy, spelt anew
        return node

    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            stmt = self.visit(stmt)
            single = isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            if single and isinstance(stmt.targets[0], ast.Name):  # type: ignore[attr-defined]
                value = stmt.value  # type: ignore[attr-defined]
                if isinstance(value, ast.Dict) and value.keys and _str_keys(value):
                    out += _built(stmt.targets[0].id, value, self.update)  # type: ignore[attr-defined]
                    continue
            out.append(stmt)
        return out

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.body = self._body(node.body)
        return node

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = self._body(node.body)
        return node


def item_assignment(tree: ast.Module) -> ast.Module:
    """`x = {"A": a, ...}` becomes `x = {}` then `x["A"] = a` line by line."""
    return _Build(update=False).visit(tree)  # type: ignore[no-any-return]


def update_pairs(tree: ast.Module) -> ast.Module:
    """`x = {...}` becomes `x = {}; x.update([...])`; `dict(name)` copies become `{**name}`."""
    return _Build(update=True).visit(tree)  # type: ignore[no-any-return]


def _simple_format(node: ast.AST) -> tuple[str, list[ast.expr]] | None:
    """`"…{}…".format(a, b)` with bare `{}` fields, as `(template, args)`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    base = node.func.value
    if node.func.attr != "format" or node.keywords or not isinstance(base, ast.Constant):
        return None
    text = base.value
    if not isinstance(text, str) or text.count("{}") != len(node.args):
        return None
    if text.replace("{}", "").count("{") or text.replace("{}", "").count("}"):
        return None
    return text, list(node.args)


def _percent_parts(node: ast.AST) -> tuple[str, list[ast.expr]] | None:
    """`"…%s…" % x` or `% (a, b)` with `%s`/`%d` only, as `(template with {}, args)`."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)):
        return None
    if not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
        return None
    text = node.left.value.replace("%s", "{}").replace("%d", "{}")
    if "%" in text or "{" in text.replace("{}", "") or "}" in text.replace("{}", ""):
        return None
    args = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
    return (text, list(args)) if text.count("{}") == len(args) else None


class _ToPercent(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        found = _simple_format(node)
        if found is None:
            return node
        text, args = found
        template = ast.Constant(text.replace("%", "%%").replace("{}", "%s"))
        right: ast.expr = args[0] if len(args) == 1 else ast.Tuple(args, ast.Load())
        if len(args) == 1:
            right = ast.Tuple([args[0]], ast.Load())
        return ast.BinOp(template, ast.Mod(), right)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        """f-strings become concatenation with `str()`."""
        parts: list[ast.expr] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.conversion != -1 or value.format_spec is not None:
                    return node
                parts.append(_call(_name("str"), value.value))
            else:
                parts.append(value)
        if not parts:
            return node
        joined = parts[0]
        for part in parts[1:]:
            joined = ast.BinOp(joined, ast.Add(), part)
        return joined


def to_percent(tree: ast.Module) -> ast.Module:
    """`.format` calls become `%` formatting, f-strings become concatenation."""
    return _ToPercent().visit(tree)  # type: ignore[no-any-return]


class _ToFstring(ast.NodeTransformer):
    def _joined(self, text: str, args: Sequence[ast.expr]) -> ast.JoinedStr:
        pieces = text.split("{}")
        values: list[ast.expr] = []
        for k, piece in enumerate(pieces):
            if piece:
                values.append(ast.Constant(piece))
            if k < len(args):
                values.append(ast.FormattedValue(args[k], -1, None))
        return ast.JoinedStr(values)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        found = _simple_format(node)
        return node if found is None else self._joined(*found)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        found = _percent_parts(node)
        return node if found is None else self._joined(*found)


def to_fstrings(tree: ast.Module) -> ast.Module:
    """`.format` calls and `%` formatting become f-strings."""
    return _ToFstring().visit(tree)  # type: ignore[no-any-return]


def _append_loop(stmt: ast.stmt, target: str) -> ast.expr | None:
    """The element of `for x in it: target.append(element)`, if `stmt` is that loop."""
    if not isinstance(stmt, ast.For) or len(stmt.body) != 1 or stmt.orelse:
        return None
    inner = stmt.body[0]
    if not (isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call)):
        return None
    call = inner.value
    if not isinstance(call.func, ast.Attribute) or call.func.attr != "append":
        return None
    owner = call.func.value
    if not (isinstance(owner, ast.Name) and owner.id == target and len(call.args) == 1):
        return None
    return call.args[0]


class _Comprehend(ast.NodeTransformer):
    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        body, k = [], 0
        while k < len(node.body):
            stmt = node.body[k]
            nxt = node.body[k + 1] if k + 1 < len(node.body) else None
            empty = isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.List)
            if empty and not stmt.value.elts and isinstance(stmt.targets[0], ast.Name):  # type: ignore[attr-defined]
                target = stmt.targets[0].id  # type: ignore[attr-defined]
                element = _append_loop(nxt, target) if nxt is not None else None
                if element is not None and isinstance(nxt, ast.For):
                    comp = ast.comprehension(nxt.target, nxt.iter, [], 0)
                    value = ast.ListComp(element, [comp])
                    body.append(ast.Assign([ast.Name(target, ast.Store())], value))
                    k += 2
                    continue
            body.append(stmt)
            k += 1
        node.body = body
        return node


def comprehensions(tree: ast.Module) -> ast.Module:
    """`xs = []` followed by a loop that only appends becomes a list comprehension."""
    return _Comprehend().visit(tree)  # type: ignore[no-any-return]


def _module_constants(tree: ast.Module) -> dict[str, ast.Assign]:
    """Module-level `NAME = value` bound once in the whole file."""
    stores: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
    found = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and stores.get(target.id) == 1:
                found[target.id] = stmt
    return found


class _Substitute(ast.NodeTransformer):
    def __init__(self, make: Callable[[str], ast.expr | None]) -> None:
        self.make = make

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load):
            new = self.make(node.id)
            if new is not None:
                return new
        return node


def inline_constants(tree: ast.Module) -> ast.Module:
    """Module constants holding a literal are written where they are used, then dropped."""
    literal = {
        name: stmt
        for name, stmt in _module_constants(tree).items()
        if isinstance(stmt.value, ast.Constant)
    }
    tree.body = [s for s in tree.body if not any(s is a for a in literal.values())]

    def make(name: str) -> ast.expr | None:
        stmt = literal.get(name)
        return None if stmt is None else ast.Constant(stmt.value.value)  # type: ignore[attr-defined]

    return _Substitute(make).visit(tree)  # type: ignore[no-any-return]


def constants_class(tree: ast.Module) -> ast.Module:
    """Module constants move into `class Config`, and are read as `Config.NAME`."""
    found = _module_constants(tree)
    moved = [s for s in tree.body if any(s is a for a in found.values())]
    if not moved:
        return tree
    rest = [s for s in tree.body if not any(s is m for m in moved)]

    def make(name: str) -> ast.expr | None:
        return ast.Attribute(_name("Config"), name, ast.Load()) if name in found else None

    rest = [_Substitute(make).visit(s) for s in rest]
    config = ast.ClassDef("Config", [], [], moved, [])
    first = next(k for k, s in enumerate(rest) if not isinstance(s, ast.Import | ast.ImportFrom))
    tree.body = [*rest[:first], config, *rest[first:]]
    return tree


def reorder(tree: ast.Module) -> ast.Module:
    """Functions in reverse order, and the leading run of literal constants reversed."""
    functions = [s for s in tree.body if isinstance(s, ast.FunctionDef)]
    it = iter(reversed(functions))
    body = [next(it) if isinstance(s, ast.FunctionDef) else s for s in tree.body]
    start = next((k for k, s in enumerate(body) if _literal_assign(s)), None)
    if start is not None:
        end = start
        while end < len(body) and _literal_assign(body[end]):
            end += 1
        body[start:end] = reversed(body[start:end])
    tree.body = body
    return tree


def _literal_assign(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)


def drop_docstrings(tree: ast.Module) -> ast.Module:
    """No docstrings (`ast.unparse` drops comments already)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            body = node.body
            first = body[0] if body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(first.value.value, str):
                    node.body = body[1:] or [ast.Pass()]
    return tree


def restyle(source: str, steps: Sequence[Step]) -> str:
    """Rename every identifier, drop docstrings, then apply `steps` in order."""
    tree = ast.parse(rename_all(source))
    tree = drop_docstrings(tree)
    for step in steps:
        tree = ast.fix_missing_locations(step(tree))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


RESTYLES: dict[str, tuple[Step, ...]] = {
    "renamed, docstrings and comments dropped": (),
    "headers and query as dict([...]) pairs": (dict_pairs,),
    "headers and query built by item assignment": (item_assignment,),
    "headers built with .update(pairs), copies as {**x}": (update_pairs,),
    "format strings to % and concatenation": (to_percent,),
    "format strings to f-strings": (to_fstrings,),
    "loops to comprehensions": (comprehensions,),
    "constants inlined": (inline_constants,),
    "constants moved into a class": (constants_class,),
    "definitions reordered": (reorder,),
    "thorough: pairs, f-strings, comprehensions, class, reordered": (
        dict_pairs,
        to_fstrings,
        comprehensions,
        constants_class,
        reorder,
    ),
}
"""Every transformer rewrite, by name: each also renames everything and drops docstrings."""
