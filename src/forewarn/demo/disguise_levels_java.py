"""The similarity benchmark's disguise levels for Java, as tree-sitter span edits.

The same cumulative levels as `disguise_levels` (1 layout and comments, 2 names, 3 reordering,
4 restructuring, 5 dead code). Each pass parses the source, picks non-overlapping nodes and
replaces their byte spans; a pass that would touch a node inside one already edited waits for the
next round. Rewrites keep the program compiling and behaving the same: `for` loops become `while`
loops only without `continue`, temporaries are `var` locals only for expressions whose type Java
infers by itself, and dead code goes only after statements that complete normally.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

import tree_sitter_java
from tree_sitter import Language, Node, Parser

from forewarn.grammars import walk

_JAVA = Parser(Language(tree_sitter_java.language()))
_WORDS = ("v", "tmp", "x", "val", "item", "q", "z", "res", "acc", "cur", "buf", "n")
Edit = tuple[int, int, bytes]
"""`(start byte, end byte, replacement)`."""


def _name(rng: random.Random) -> str:
    return rng.choice(_WORDS) + str(rng.randrange(10_000))


def _text(node: Node) -> str:
    return (node.text or b"").decode()


def _apply(source: bytes, edits: list[Edit]) -> bytes:
    for start, end, text in sorted(edits, key=lambda e: -e[0]):
        source = source[:start] + text + source[end:]
    return source


def _pass(source: bytes, pick: Callable[[Node], bytes | None], rounds: int = 3) -> bytes:
    """Replace every node `pick` rewrites, outermost first, over a few rounds for nested ones."""
    for _ in range(rounds):
        edits: list[Edit] = []
        taken: list[tuple[int, int]] = []
        for node in walk(_JAVA.parse(source).root_node):
            if any(s <= node.start_byte < e for s, e in taken):
                continue
            new = pick(node)
            if new is not None:
                edits.append((node.start_byte, node.end_byte, new))
                taken.append((node.start_byte, node.end_byte))
        if not edits:
            break
        source = _apply(source, edits)
    return source


def _layout(source: bytes, rng: random.Random) -> str:
    """Comments dropped, tokens re-spaced, lines broken at other places."""
    out: list[str] = []
    for node in walk(_JAVA.parse(source).root_node):
        if node.type in ("line_comment", "block_comment"):
            continue
        if node.child_count and node.type not in ("string_literal", "character_literal"):
            continue
        if any(p.type in ("string_literal", "character_literal") for p in _ancestors(node)):
            continue
        text = _text(node)
        out.append(text)
        out.append(("\n" if rng.random() < 0.8 else " ") if text in (";", "{", "}") else " ")
    return re.sub(r"\n\s*\n", "\n", "".join(out))


def _ancestors(node: Node) -> Iterator[Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


_DECLARING = (
    "method_declaration",
    "variable_declarator",
    "formal_parameter",
    "class_declaration",
    "catch_formal_parameter",
    "enhanced_for_statement",
    "constructor_declaration",
)


def _rename(source: bytes, rng: random.Random) -> bytes:
    """Every class, method, field, parameter and local the file declares renamed."""
    root = _JAVA.parse(source).root_node
    declared: set[str] = set()
    foreign: set[str] = set()
    for node in walk(root):
        name = node.child_by_field_name("name")
        if node.type in _DECLARING and name is not None and _text(name) != "main":
            declared.add(_text(name))
        if node.type == "field_access":
            obj, field = node.child_by_field_name("object"), node.child_by_field_name("field")
            if obj is not None and field is not None and obj.type != "this":
                foreign.add(_text(field))
    classes = {
        _text(n.child_by_field_name("name") or n)
        for n in walk(root)
        if n.type in ("class_declaration", "constructor_declaration")
    }
    names = {d: _name(rng) for d in sorted(declared - foreign - classes)}
    types = {cls: _name(rng).capitalize() for cls in sorted(classes)}
    edits = [
        (n.start_byte, n.end_byte, mapping[_text(n)].encode())
        for n in walk(root)
        for mapping in [types if n.type == "type_identifier" or _text(n) in types else names]
        if n.type in ("identifier", "type_identifier") and _text(n) in mapping
    ]
    return _apply(source, edits)


def _shuffle_methods(source: bytes, rng: random.Random) -> bytes:
    edits: list[Edit] = []
    for body in walk(_JAVA.parse(source).root_node):
        if body.type != "class_body":
            continue
        methods = [c for c in body.children if c.type == "method_declaration"]
        texts = [m.text or b"" for m in methods]
        rng.shuffle(texts)
        edits += [(m.start_byte, m.end_byte, t) for m, t in zip(methods, texts, strict=True)]
        break  # one class per round: class bodies may nest
    return _apply(source, edits)


_MIRROR = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}
_SIMPLE = ("identifier", "decimal_integer_literal", "field_access", "character_literal")


def _mirror(node: Node) -> bytes | None:
    """`a < b` as `b > a`, for operands without side effects."""
    if node.type != "binary_expression":
        return None
    left, op, right = (node.child_by_field_name(f) for f in ("left", "operator", "right"))
    if left is None or op is None or right is None or _text(op) not in _MIRROR:
        return None
    if left.type not in _SIMPLE or right.type not in _SIMPLE:
        return None
    return f"{_text(right)} {_MIRROR[_text(op)]} {_text(left)}".encode()


def _has(node: Node, kind: str) -> bool:
    return any(n.type == kind for n in walk(node))


def _loops(node: Node) -> bytes | None:
    """`for (init; c; step)` as `{ init; while (c) { body step; } }`; `while (c)` as
    `while (true) { if (!(c)) break; … }`."""
    if node.type == "for_statement" and not _has(node, "continue_statement"):
        body = node.child_by_field_name("body")
        cond = node.child_by_field_name("condition")
        inits = list(node.children_by_field_name("init"))
        steps = list(node.children_by_field_name("update"))
        if body is None or cond is None:
            return None
        init = " ".join(_text(i) + ("" if _text(i).endswith(";") else ";") for i in inits)
        step = " ".join(_text(s) + ";" for s in steps)
        inner = _text(body)[1:-1] if body.type == "block" else _text(body)
        return f"{{ {init} while ({_text(cond)}) {{ {inner} {step} }} }}".encode()
    if node.type == "while_statement":
        body = node.child_by_field_name("body")
        cond = node.child_by_field_name("condition")
        if body is None or cond is None or body.type != "block" or _text(cond) == "(true)":
            return None
        return f"while (true) {{ if (!{_text(cond)}) break; {_text(body)[1:-1]} }}".encode()
    return None


def _invert(node: Node) -> bytes | None:
    """`if (c) A else B` as `if (!(c)) B else A`."""
    if node.type != "if_statement":
        return None
    cond = node.child_by_field_name("condition")
    then, other = node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
    if cond is None or then is None or other is None:
        return None
    return f"if (!{_text(cond)}) {_text(other)} else {_text(then)}".encode()


_NO_VAR = re.compile(r"<>|->|::|\bnull\b|\{")
_RECEIVER = re.compile(r"<>|\bnull\b")
_COMPLEX = (
    "method_invocation",
    "object_creation_expression",
    "binary_expression",
    "ternary_expression",
    "cast_expression",
)


def _first_evaluated(node: Node) -> Node | None:
    """The operand of `node` that Java evaluates before anything else, if it may be hoisted."""
    fields = {
        "method_invocation": ("object", "arguments"),
        "object_creation_expression": ("arguments",),
        "cast_expression": ("value",),
        "binary_expression": ("left",),
        "ternary_expression": ("condition",),
    }.get(node.type, ())
    for field in fields:
        child = node.child_by_field_name(field)
        if child is not None and field == "arguments":
            child = child.named_children[0] if child.named_children else None
        if child is None:
            continue
        allowed = _RECEIVER if field == "object" else _NO_VAR
        if child.type in _COMPLEX and not allowed.search(_text(child)):
            return child
        if child.type not in _SIMPLE and child.type != "string_literal":
            return None  # something else runs first: leave the order alone
    return None


def _splitter(rng: random.Random) -> Callable[[Node], bytes | None]:
    """The first-evaluated operand of a statement, a returned expression or an `if` test moved
    into a local of its own."""

    def pick(node: Node) -> bytes | None:
        if node.parent is None or node.parent.type != "block":
            return None
        temp = _name(rng)
        if node.type == "if_statement":
            cond = node.child_by_field_name("condition")
            if cond is None:
                return None
            rest = _text(node)[cond.end_byte - node.start_byte :]
            return f"boolean {temp} = {_text(cond)}; if ({temp}){rest}".encode()
        if node.type == "return_statement" and node.named_child_count == 1:
            value = node.named_children[0]
            if value.type not in _COMPLEX or _NO_VAR.search(_text(value)):
                return None
            return f"var {temp} = {_text(value)}; return {temp};".encode()
        top: Node | None = None
        if node.type == "expression_statement" and node.named_children:
            top = node.named_children[0]
            if top.type == "assignment_expression":
                top = top.child_by_field_name("right")
        elif node.type == "local_variable_declaration":
            declarators = [c for c in node.named_children if c.type == "variable_declarator"]
            top = declarators[0].child_by_field_name("value") if len(declarators) == 1 else None
        first = _first_evaluated(top) if top is not None else None
        if first is None:
            return None
        raw = node.text or b""
        start, end = first.start_byte - node.start_byte, first.end_byte - node.start_byte
        return f"var {temp} = {_text(first)}; ".encode() + raw[:start] + temp.encode() + raw[end:]

    return pick


def _modifiers(node: Node) -> bytes | None:
    """`public static` as `static public`; parameters declared `final`."""
    if node.type == "modifiers" and node.named_child_count == 0 and node.child_count > 1:
        words = [_text(c) for c in node.children]
        return " ".join(reversed(words)).encode()
    record = node.parent is not None and node.parent.parent is not None
    record = record and node.parent.parent.type == "record_declaration"  # type: ignore[union-attr]
    if node.type == "formal_parameter" and not record and not _text(node).startswith("final "):
        return b"final " + (node.text or b"")
    return None


def _compound(source: str) -> str:
    source = re.sub(r"(\b\w+)\s*\+=\s*([^;]+);", r"\1 = \1 + (\2);", source)
    return re.sub(r"(\b\w+)\+\+;", r"\1 = \1 + 1;", source)


_DEAD = (
    "int {v} = {n} * 3; if ({v} < 0) {{ {v} = -{v}; }}",
    "long {v} = {n}L << 2;",
    'for (int {v} = 0; {v} < 0; {v}++) {{ System.out.print(""); }}',
    "String {v} = String.valueOf({n}).trim();",
    "if ({n} < 0) {{ throw new IllegalStateException(); }}",
    "boolean {v} = {n} % 2 == 0 && {n} < 0;",
)


def _pad(source: bytes, rng: random.Random) -> bytes:
    """Dead code after every statement that completes normally, and a dead method per class."""
    edits: list[Edit] = []

    def dead() -> bytes:
        return (
            " " + rng.choice(_DEAD).format(v=_name(rng), n=rng.randrange(1, 100)) + " "
        ).encode()

    for node in walk(_JAVA.parse(source).root_node):
        inside = node.parent is not None and node.parent.type == "block"
        if inside and node.type in ("local_variable_declaration", "expression_statement"):
            edits.append((node.end_byte, node.end_byte, dead()))
        if inside and node.type in ("return_statement", "if_statement", "try_statement"):
            edits.append((node.start_byte, node.start_byte, dead()))
        if node.type == "block" and node.parent is not None:
            if node.parent.type == "method_declaration":
                edits.append((node.start_byte + 1, node.start_byte + 1, dead()))
        if node.type == "class_body":
            helper = (
                f" static int {_name(rng)}(int a) {{ int s = 0; for (int i = 0; i < a; i++)"
                f" {{ s += i * {rng.randrange(2, 9)}; }} return s; }} "
            )
            edits.append((node.start_byte + 1, node.start_byte + 1, helper.encode()))
    return _apply(source, edits)


def disguise_java(source: str, level: int, seed: int) -> str:
    """The first `level` disguises applied to Java `source`."""
    rng = random.Random(seed)  # noqa: S311 - a benchmark corpus, not security  # nosec B311
    raw = source.encode()
    if level >= 2:
        raw = _rename(raw, rng)
    if level >= 3:
        raw = _shuffle_methods(raw, rng)
        raw = _pass(raw, _mirror)
        raw = _pass(raw, _modifiers, rounds=1)
    if level >= 4:
        raw = _compound(raw.decode()).encode()
        raw = _pass(raw, _invert)
        raw = _pass(raw, _loops)
        raw = _pass(raw, _splitter(rng), rounds=5)
    if level >= 5:
        raw = _pad(raw, rng)
    return _layout(raw, rng)


__all__ = ["disguise_java"]
