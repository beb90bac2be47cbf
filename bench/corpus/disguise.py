"""Disguise transforms, cumulative by level, for Python (ast) and Java (tree-sitter spans).

Levels: 1 layout+comments, 2 +names, 3 +reordering, 4 +restructuring, 5 +dead code.
"""

from __future__ import annotations

import ast
import builtins
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
        imported = {
            a.asname or a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in n.names
        }
        keep = _BUILTINS | imported | {"__init__", "__name__"}
        tree = _Rename({n: _name(rng) for n in sorted(names - keep)}).visit(tree)
    if level >= 3:
        tree.body = _shuffle_defs(tree.body, rng)
    if level >= 4:
        tree = _Restructure().visit(tree)
        tree.body.insert(0, ast.parse("_END = object()").body[0])
    if level >= 5:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                node.body[0:0] = _dead(rng)
        tree.body.append(ast.parse(f"def {_name(rng)}(a):\n    return [a] * 2\n").body[0])
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
