"""Disguise transforms, cumulative by level, for Python (ast) and Java (tree-sitter spans).

Levels: 1 layout+comments, 2 +names, 3 +reordering, 4 +restructuring, 5 +dead code.
"""

from __future__ import annotations

import ast
import builtins
import copy
import random
import re

import tree_sitter_java
from tree_sitter import Language, Parser

LEVELS = ["layout+comments", "names", "reordering", "restructuring", "dead code"]
_BUILTINS = set(dir(builtins)) | {"self", "cls"}


def _name(rng: random.Random) -> str:
    return rng.choice(["v", "tmp", "x", "val", "item", "q", "z"]) + str(rng.randrange(1000))


class _Rename(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:  # noqa: N802
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self.names.get(node.arg, node.arg)
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:  # noqa: N802
        if node.name:
            node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:  # noqa: N802
        node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node


class _Restructure(ast.NodeTransformer):
    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:  # noqa: N802
        target = ast.Name(node.target.id, ast.Load()) if isinstance(node.target, ast.Name) else None
        if target is None:
            return node
        return ast.Assign([node.target], ast.BinOp(target, node.op, node.value), lineno=0)

    def visit_If(self, node: ast.If) -> ast.AST:  # noqa: N802
        self.generic_visit(node)
        if node.orelse:
            return ast.If(ast.UnaryOp(ast.Not(), node.test), node.orelse, node.body)
        return node

    def visit_For(self, node: ast.For) -> ast.AST:  # noqa: N802
        self.generic_visit(node)
        if node.orelse or not isinstance(node.target, ast.Name):
            return node
        it = ast.Name("_it_" + node.target.id, ast.Store())
        head = ast.Assign([it], ast.Call(ast.Name("iter", ast.Load()), [node.iter], []), lineno=0)
        get = ast.Assign(
            [node.target],
            ast.Call(
                ast.Name("next", ast.Load()),
                [ast.Name(it.id, ast.Load()), ast.Name("_END", ast.Load())],
                [],
            ),
            lineno=0,
        )
        stop = ast.If(
            ast.Compare(
                ast.Name(node.target.id, ast.Load()), [ast.Is()], [ast.Name("_END", ast.Load())]
            ),
            [ast.Break()],
            [],
        )
        loop = ast.While(ast.Constant(True), [get, stop, *node.body], [])
        return [head, loop]  # type: ignore[return-value]


def _shuffle_defs(body: list[ast.stmt], rng: random.Random) -> list[ast.stmt]:
    defs = [i for i, s in enumerate(body) if isinstance(s, ast.FunctionDef | ast.ClassDef)]
    moved = [body[i] for i in defs]
    rng.shuffle(moved)
    out = list(body)
    for i, stmt in zip(defs, moved, strict=True):
        out[i] = stmt
    for stmt in out:
        if isinstance(stmt, ast.ClassDef):
            stmt.body = _shuffle_defs(stmt.body, rng)
    return out


def _names(node: ast.AST) -> tuple[set[str], set[str]]:
    """Names a statement writes (stores, and objects whose methods it calls) and reads."""
    writes, reads = set(), set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            (writes if isinstance(sub.ctx, ast.Store) else reads).add(sub.id)
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            if isinstance(sub.func.value, ast.Name):
                writes.add(sub.func.value.id)
    return writes, reads


_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)


def _reorder_block(body: list[ast.stmt], rng: random.Random) -> list[ast.stmt]:
    """Swap adjacent simple statements that do not touch each other's names."""
    out = list(body)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if not (isinstance(a, _SIMPLE) and isinstance(b, _SIMPLE)) or rng.random() < 0.3:
            continue
        if isinstance(a, ast.Expr) and isinstance(a.value, ast.Constant):
            continue  # a docstring stays first
        wa, ra = _names(a)
        wb, rb = _names(b)
        if not (wa & (wb | rb)) and not (wb & ra):
            out[i], out[i + 1] = b, a
    for stmt in out:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                setattr(stmt, field, _reorder_block(inner, rng))
    return out


def _split_functions(tree: ast.Module, rng: random.Random) -> None:
    """Move the second half of long functions into a new module-level helper."""
    added = []
    for node in list(ast.walk(tree)):
        if not isinstance(node, ast.FunctionDef) or len(node.body) < 4:
            continue
        if any(isinstance(s, ast.Global | ast.Nonlocal | ast.Yield) for s in ast.walk(node)):
            continue
        cut = len(node.body) // 2
        head, tail = node.body[:cut], node.body[cut:]
        if any(isinstance(s, ast.Return) for h in head for s in ast.walk(h)):
            continue
        known = {a.arg for a in node.args.args}
        for stmt in head:
            known |= _names(stmt)[0]
        used = set()
        for stmt in tail:
            used |= _names(stmt)[1] | _names(stmt)[0]
        params = sorted(known & used)
        name = _name(rng) + "_rest"
        helper = ast.FunctionDef(
            name,
            ast.arguments([], [ast.arg(p) for p in params], None, [], [], None, []),
            tail,
            [],
            None,
            lineno=0,
        )
        call = ast.Call(ast.Name(name, ast.Load()), [ast.Name(p, ast.Load()) for p in params], [])
        node.body = [*head, ast.Return(call)]
        added.append(helper)
    tree.body.extend(added)


class _Inline(ast.NodeTransformer):
    """Replace calls of one-line `return expr` functions by the expression."""

    def __init__(self, small: dict[str, ast.FunctionDef]) -> None:
        self.small = small
        self.used: set[str] = set()

    def visit_Call(self, node: ast.Call) -> ast.AST:  # noqa: N802
        self.generic_visit(node)
        if not isinstance(node.func, ast.Name) or node.func.id not in self.small or node.keywords:
            return node
        func = self.small[node.func.id]
        params = [a.arg for a in func.args.args]
        if len(params) != len(node.args) or func.args.defaults:
            return node
        mapping = dict(zip(params, node.args, strict=True))

        class _Sub(ast.NodeTransformer):
            def visit_Name(self, n: ast.Name) -> ast.AST:  # noqa: N802
                return copy.deepcopy(mapping[n.id]) if n.id in mapping else n

        body = func.body[-1]
        assert isinstance(body, ast.Return) and body.value is not None
        self.used.add(func.name)
        return _Sub().visit(copy.deepcopy(body.value))


def _inline_small(tree: ast.Module) -> None:
    small = {
        s.name: s
        for s in tree.body
        if isinstance(s, ast.FunctionDef)
        and isinstance(s.body[-1], ast.Return)
        and s.body[-1].value is not None
        and all(isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant) for b in s.body[:-1])
        and not s.args.vararg
        and not s.args.kwarg
        and not s.args.kwonlyargs
        and not any(isinstance(n, ast.Name) and n.id == s.name for n in ast.walk(s.body[-1]))
    }
    if small:
        _Inline(small).visit(tree)


def _dead(rng: random.Random) -> list[ast.stmt]:
    name = _name(rng)
    return ast.parse(
        f"{name} = {rng.randrange(100)} * 3\nif {name} < 0:\n    {name} = [{name}] * 2\n"
    ).body


def disguise_python(source: str, level: int, seed: int) -> str:
    """Apply the first `level` disguises to Python source."""
    rng = random.Random(seed)
    tree = ast.parse(source)
    if level >= 2:
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
        names |= {f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
        names |= {h.name for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler) and h.name}
        imported = {
            (a.asname or a.name).split(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in n.names
        }
        keep = _BUILTINS | imported | {"__init__", "__name__"}
        tree = _Rename({n: _name(rng) for n in sorted(names - keep)}).visit(tree)
    if level >= 3:
        tree.body = _reorder_block(_shuffle_defs(tree.body, rng), rng)
    if level >= 4:
        _inline_small(tree)
        _split_functions(tree, rng)
        tree = _Restructure().visit(tree)
        tree.body.insert(0, ast.parse("_END = object()").body[0])
    if level >= 5:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                at = rng.randrange(len(node.body))
                node.body[at:at] = _dead(rng)
        helper = f"def {_name(rng)}(a, n=3):\n    out = []\n    for i in range(n):\n"
        helper += "        out.append(a * i if i % 2 else -a)\n    return out\n"
        tree.body.insert(rng.randrange(len(tree.body) + 1), ast.parse(helper).body[0])
    text = ast.unparse(ast.fix_missing_locations(tree))
    lines = text.splitlines()
    spaced = [line + ("\n" if rng.random() < 0.2 else "") for line in lines]
    return "\n".join(spaced) + "\n"


_JAVA = Parser(Language(tree_sitter_java.language()))


def _leaves(node, out):  # type: ignore[no-untyped-def]
    if node.type in ("line_comment", "block_comment"):
        return
    if node.child_count == 0 or node.type in ("string_literal", "character_literal"):
        out.append(node)
        return
    for child in node.children:
        _leaves(child, out)


def _java_layout(source: str, rng: random.Random) -> str:
    leaves: list = []
    _leaves(_JAVA.parse(source.encode()).root_node, leaves)
    out = []
    for leaf in leaves:
        text = leaf.text.decode()
        out.append(text)
        if text in (";", "{", "}"):
            out.append("\n" if rng.random() < 0.8 else " ")
        else:
            out.append(" ")
    return re.sub(r"\n\s*\n", "\n", "".join(out))


def _java_spans(source: str, kinds: tuple[str, ...]) -> list:
    found: list = []
    stack = [_JAVA.parse(source.encode()).root_node]
    while stack:
        node = stack.pop()
        if node.type in kinds:
            found.append(node)
        stack.extend(node.children)
    return found


def disguise_java(source: str, level: int, seed: int) -> str:
    """Apply the first `level` disguises to Java source."""
    rng = random.Random(seed)
    if level >= 2:
        declared = set()
        for node in _java_spans(
            source,
            (
                "method_declaration",
                "variable_declarator",
                "formal_parameter",
                "class_declaration",
                "catch_formal_parameter",
                "enhanced_for_statement",
            ),
        ):
            name = node.child_by_field_name("name")
            if name is not None and name.text.decode() != "main":
                declared.add(name.text.decode())
        mapping = {d: _name(rng).capitalize() if d[0].isupper() else _name(rng) for d in declared}
        source = re.sub(r"\b[A-Za-z_]\w*\b", lambda m: mapping.get(m.group(0), m.group(0)), source)
    if level >= 3:
        for body in _java_spans(source, ("class_body",)):
            methods = [c for c in body.children if c.type == "method_declaration"]
            if len(methods) > 1:
                texts = [m.text.decode() for m in methods]
                rng.shuffle(texts)
                raw = source.encode()
                for m, t in sorted(
                    zip(methods, texts, strict=True), key=lambda p: -p[0].start_byte
                ):
                    raw = raw[: m.start_byte] + t.encode() + raw[m.end_byte :]
                source = raw.decode()
                break
    if level >= 4:
        source = re.sub(r"(\b\w+)\s*\+=\s*([^;]+);", r"\1 = \1 + (\2);", source)
        source = re.sub(r"(\b\w+)\+\+;", r"\1 = \1 + 1;", source)
    if level >= 5:
        raw = source.encode()
        for body in sorted(_java_spans(source, ("block",)), key=lambda n: -n.start_byte):
            if body.parent is not None and body.parent.type == "method_declaration":
                v = _name(rng)
                dead = f" int {v} = {rng.randrange(100)} * 3; if ({v} < 0) {{ {v} = -{v}; }}"
                raw = raw[: body.start_byte + 1] + dead.encode() + raw[body.start_byte + 1 :]
        source = raw.decode()
    return _java_layout(source, rng)
