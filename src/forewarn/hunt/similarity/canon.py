"""A canonical syntax tree: equivalent forms of one construct become the same tree.

Copies are disguised (and partners' copies are marked) by switching between forms that behave
alike: `x != y` / `not x == y`, `a += 1` / `a = a + 1` / `a++`, `dict()` / `{}`, `5 < x` /
`x > 5`, operand and keyword-argument order, `if not c: A else: B` / `if c: B else: A`,
`"{}".format(x)` / `f"{x}"`, `import a.b` / `from a import b`, JavaScript's `{ host }` /
`{ host: host }` (renaming the variable turns the first into `{ host: h }`). Fingerprints are
taken over this tree, so none of these choices moves a feature. Loops read as their bodies
(`for x in range(n)`, a counting `while`, `while True` with an exit test), `if a: if b:` as
`if a and b`; temporaries and dead statements are undone first (`flow`). The rules read
tree-sitter node types and operator tokens, so they apply to every grammar that has the
construct.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from forewarn.hunt.similarity.cnode import (
    COMMUTATIVE_OPERATORS,
    MIRROR_OPERATORS,
    NEGATED_OPERATORS,
    CNode,
    binary,
    negate,
    operator_leaf,
)
from forewarn.hunt.similarity.control import flatten, if_else, loop, nested_if, ternary
from forewarn.hunt.similarity.flow import analyse
from forewarn.hunt.similarity.languages import DROPPED_TOKENS, is_function, is_sequence, role

_AUGMENTED = frozenset(
    {"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>=", "//=", "**=", "@="}
)
_ASSIGN = frozenset({"=", ":="})
_OPERATORS = frozenset(
    {"-", "/", "//", "%", "**", "<", "<=", "<<", ">>", ">>>", "in", "@", "-ne", "-lt", "-gt"}
    | COMMUTATIVE_OPERATORS
    | MIRROR_OPERATORS
    | NEGATED_OPERATORS
)
_NOT = frozenset({"not", "!", "-not"})
_IMPORTS = frozenset(
    {"import_statement", "import_from_statement", "future_import_statement", "import_declaration"}
)
_EMPTY_CONSTRUCTORS = {b"dict": "dictionary", b"list": "list", b"tuple": "tuple"}
_UNORDERED = frozenset({"dictionary", "set", "tuple", "list", "object", "array", "pattern_list"})
_DOTTED = frozenset({"attribute", "field_access", "scoped_identifier", "member_expression"})
_LEAF_ROLES = frozenset({"identifier", "string", "number"})
_ALIASES = {
    "expression_list": "tuple",
    "tuple_pattern": "pattern_list",
    "list_pattern": "pattern_list",
}
_LOOPS = frozenset(
    {
        "while_statement",
        "for_statement",
        "for_in_statement",
        "enhanced_for_statement",
        "do_statement",
        "foreach_statement",
    }
)
_PAIRS = frozenset({"pair", "pair_pattern"})
_FIELDS = re.compile(rb"\{[^{}]*\}")
_VARIABLES = re.compile(rb"\$\w+")
"""Shell and PowerShell interpolation without braces: `"sess-$id"` reads as `"sess-$"`."""
_QUOTES = re.compile(rb"^[rRbBuUfF@$]*(\"\"\"|'''|[\"'`])|(\"\"\"|'''|[\"'`])$")


def canonical_tree(
    root: Node, literals: list[bytes] | None = None, *, dead_code: bool = True
) -> CNode | None:
    """The canonical tree of a parse, built bottom-up with an explicit stack (deep inputs).

    Temporaries read as the expression assigned to them and dead statements are left out
    (`flow`); the string literals of dead statements go to `literals`."""
    flow = analyse(root, dead_code=dead_code)
    results: list[list[CNode | None]] = [[]]
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if not leaving:
            if node.id in flow.dropped:
                if node.id in flow.detached and literals is not None:
                    literals.extend(_strings(node))
                results[-1].append(None)
                continue
            node = flow.inline.get(node.id, node)
            leaf = _leaf(node)
            if not isinstance(leaf, bool):
                results[-1].append(leaf)
                continue
            stack.append((node, True))
            results.append([])
            stack.extend((child, False) for child in reversed(node.children))
            continue
        aligned = results.pop()
        results[-1].append(_interior(node, aligned))
    top = results[0]
    return top[0] if top else None


def _strings(node: Node) -> list[bytes]:
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if role(current.type, current.is_named) == "string":
            found.append(_literal(current.text))
        else:
            stack.extend(current.children)
    return found


def _leaf(node: Node) -> CNode | None | bool:
    """The leaf a node becomes, `None` to drop it, `False` when it has children to walk."""
    kind: str = node.type
    node_role = role(kind, node.is_named)
    if node_role == "comment":
        return None
    row: int = node.start_point.row
    if node_role in _LEAF_ROLES:
        text = _literal(node.text) if node_role == "string" else b""
        return CNode(node_role.upper(), (), (row, row), text=text)
    if node.child_count == 0 or not node.is_named:
        if kind in DROPPED_TOKENS:
            return None
        return CNode(kind, (), (row, row), operator=not node.is_named)
    if kind in _IMPORTS:
        return CNode("IMPORT", (), (row, node.end_point.row))
    return False


def _interior(node: Node, aligned: list[CNode | None]) -> CNode | None:
    kids = [k for k in aligned if k is not None]
    kind: str = _ALIASES.get(node.type, node.type)
    lines = (node.start_point.row, node.end_point.row)
    if not kids:
        return CNode(kind, (), lines)
    if kind == "parenthesized_expression" and len(kids) == 1:
        return kids[0]
    if kind in _PAIRS and _is_shorthand(node, kids):
        return CNode("IDENTIFIER", (), lines)
    if kind == "call":
        special = _python_call(node, lines)
        if special is not None:
            return special
    if kind in _DOTTED and all(k.kind == "IDENTIFIER" or k.operator for k in kids):
        return CNode("IDENTIFIER", (), lines)
    if len(kids) == 3 and kids[1].operator:
        rewritten = _binary(kids[0], kids[1], kids[2], lines)
        if rewritten is not None:
            return rewritten
    if len(kids) == 2 and kids[0].operator and kids[0].kind in _NOT:
        return negate(kids[1], lines)
    if kind in ("update_expression", "postfix_unary_expression", "prefix_unary_expression"):
        rewritten = _update(kids, lines)
        if rewritten is not None:
            return rewritten
    if kind == "if_statement":
        return nested_if(if_else(node, aligned, kids, lines), lines)
    if kind in _LOOPS:
        return loop(kids, lines)
    if kind in ("conditional_expression", "ternary_expression"):
        return ternary(kind, kids, lines)
    if kind == "argument_list":
        return CNode(kind, _keywords_sorted(kids), lines)
    if is_sequence(kind):
        kids = flatten(kids)
    return CNode(
        kind,
        tuple(kids),
        lines,
        unordered=kind in _UNORDERED or is_sequence(kind),
        function=is_function(kind),
    )


def _is_shorthand(node: Node, kids: list[CNode]) -> bool:
    """`key: name` in a JavaScript object or pattern, the long form of `{ name }`."""
    key = node.child_by_field_name("key")
    value = node.child_by_field_name("value")
    return (
        len(kids) == 2
        and key is not None
        and value is not None
        and key.type == "property_identifier"
        and value.type == "identifier"
    )


def _literal(text: bytes | None) -> bytes:
    """A string literal's content: quotes, prefixes, case and interpolated fields dropped."""
    return _VARIABLES.sub(b"$", _FIELDS.sub(b"{}", _QUOTES.sub(b"", text or b"").lower()))


def _binary(left: CNode, op: CNode, right: CNode, lines: tuple[int, int]) -> CNode | None:
    text = op.kind
    if text in _ASSIGN:
        return CNode("ASSIGN", (left, operator_leaf("=", lines[0]), right), lines)
    if text in _AUGMENTED:
        value = binary(left, text[:-1], right, lines)
        return CNode("ASSIGN", (left, operator_leaf("=", lines[0]), value), lines)
    if text in _OPERATORS:
        return binary(left, text, right, lines)
    return None


def _update(kids: list[CNode], lines: tuple[int, int]) -> CNode | None:
    """`i++`, `++i`: `i = i + 1`."""
    ops = [k for k in kids if k.operator and k.kind in ("++", "--")]
    targets = [k for k in kids if not k.operator]
    if len(ops) != 1 or len(targets) != 1:
        return None
    one = CNode("NUMBER", (), lines)
    value = binary(targets[0], ops[0].kind[0], one, lines)
    return CNode("ASSIGN", (targets[0], operator_leaf("=", lines[0]), value), lines)


def _keywords_sorted(kids: list[CNode]) -> tuple[CNode, ...]:
    """Keyword arguments bind by name: sort them among their own slots."""
    slots = [i for i, k in enumerate(kids) if k.kind == "ASSIGN"]
    ordered = sorted((kids[i] for i in slots), key=lambda k: k.value)
    out = list(kids)
    for i, kid in zip(slots, ordered, strict=True):
        out[i] = kid
    return tuple(out)


def _python_call(node: Node, lines: tuple[int, int]) -> CNode | None:
    """`dict()` is `{}`; `"...".format(x)` is a string like `f"..."`."""
    func = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if func is None or args is None:
        return None
    if func.type == "identifier" and args.named_child_count == 0:
        literal = _EMPTY_CONSTRUCTORS.get(func.text or b"")
        return CNode(literal, (), lines) if literal else None
    if func.type == "attribute":
        target = func.child_by_field_name("object")
        name = func.child_by_field_name("attribute")
        if target is not None and target.type == "string" and name and name.text == b"format":
            return CNode("STRING", (), lines, text=_literal(target.text))
    return None
