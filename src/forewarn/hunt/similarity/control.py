"""Control flow in canonical form: `if not c: A else: B`, nested `if`s, loops, ternaries.

Each reads as one shape whatever way it was written: an `if` with a negated test swaps its
branches, `if a: if b:` is `if a and b`, every loop is its body without its counter or exit
test, a ternary's negated test swaps its arms."""

from __future__ import annotations

from tree_sitter import Node

from forewarn.hunt.similarity.cnode import CNode, binary, operator_leaf
from forewarn.hunt.similarity.languages import is_sequence


def if_else(
    node: Node, aligned: list[CNode | None], kids: list[CNode], lines: tuple[int, int]
) -> CNode:
    """`if not c: A else: B` reads as `if c: B else: A`."""
    fields: dict[str, list[tuple[Node, CNode]]] = {}
    for i, (child, kid) in enumerate(zip(node.children, aligned, strict=True)):
        name = node.field_name_for_child(i)
        if kid is not None and name is not None:
            fields.setdefault(name, []).append((child, kid))
    conditions, bodies = fields.get("condition", []), fields.get("consequence", [])
    alternatives = fields.get("alternative", [])
    if len(conditions) != 1 or len(bodies) != 1 or len(alternatives) != 1:
        return CNode("if_statement", tuple(kids), lines)
    cond, body = conditions[0][1], bodies[0][1]
    other_node, other = alternatives[0]
    if other_node.type == "else_clause":
        other = other.kids[-1]
    elif other_node.type in ("if_statement", "elif_clause"):
        return CNode("if_statement", tuple(kids), lines)
    if cond.kind == "NOT":
        cond, body, other = cond.kids[1], other, body
    row = lines[0]
    return CNode(
        "IF_ELSE", (operator_leaf("if", row), cond, body, operator_leaf("else", row), other), lines
    )


def _statements(node: CNode) -> list[CNode]:
    return list(node.kids) if is_sequence(node.kind) else [node]


def flatten(kids: list[CNode]) -> list[CNode]:
    """A block directly inside a block (`{ init; while … }`) is its statements."""
    out: list[CNode] = []
    for kid in kids:
        out.extend(kid.kids if kid.kind == "block" else (kid,))
    return out


def _is_exit(node: CNode) -> bool:
    """`if c: break`: the test of a loop written as `while True`."""
    if node.kind != "if_statement" or len(node.kids) != 3:
        return False
    body = _statements(node.kids[2])
    return len(body) == 1 and body[0].kind == "break_statement"


def _is_step(node: CNode) -> bool:
    """`i = i + 1` (also `i += 1`, `i++`): a counting loop's step."""
    if node.kind in ("expression_statement",) and len(node.kids) == 1:
        node = node.kids[0]
    if node.kind != "ASSIGN" or node.kids[0].kind != "IDENTIFIER":
        return False
    value = node.kids[2]
    return value.kind == "BIN" and {k.kind for k in value.kids} == {"IDENTIFIER", "+", "NUMBER"}


def loop(kids: list[CNode], lines: tuple[int, int]) -> CNode:
    """Every loop as its body: `for x in range(n)`, a counting `while`, `while True` with an
    exit test, `for` over `iter`/`next` and Java's `for (;;)` all read alike."""
    bodies = [k for k in kids if is_sequence(k.kind)]
    named = [k for k in kids if not k.operator]
    body = bodies[-1] if bodies else (named[-1] if named else None)
    statements = _statements(body) if body is not None else []
    kept = [k for k in statements if not _is_exit(k) and not _is_step(k)]
    block = CNode("block", tuple(flatten(kept)), lines, unordered=True) if kept else None
    return CNode("LOOP", (block,) if block else (), lines)


def nested_if(node: CNode, lines: tuple[int, int]) -> CNode:
    """`if a: if b: X` is `if a and b: X`."""
    if node.kind != "if_statement" or len(node.kids) != 3:
        return node
    inner = _statements(node.kids[2])
    if len(inner) != 1 or inner[0].kind != "if_statement" or len(inner[0].kids) != 3:
        return node
    _, cond, _ = node.kids
    _, inner_cond, body = inner[0].kids
    both = binary(cond, "and", inner_cond, lines)
    return CNode("if_statement", (node.kids[0], both, body), lines)


def ternary(kind: str, kids: list[CNode], lines: tuple[int, int]) -> CNode:
    named = [k for k in kids if not k.operator]
    if len(named) != 3:
        return CNode(kind, tuple(kids), lines)
    if kind == "conditional_expression":  # Python: `a if c else b`
        yes, cond, no = named
    else:
        cond, yes, no = named
    if cond.kind == "NOT":
        cond, yes, no = cond.kids[1], no, yes
    return CNode("TERNARY", (cond, operator_leaf("?", lines[0]), yes, no), lines)
