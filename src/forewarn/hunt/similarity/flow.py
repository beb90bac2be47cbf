"""Def-use facts over a parse that undo statement splitting and dead code before fingerprinting.

Two rewrites a disguise makes cheaply and that move most features: an expression split into
temporaries (`t = g(x)` then `y = f(t)`), and dead statements between the live ones (`v = 7 * 3`,
`for v in range(0): ...`, `if 5 < 0: raise ...`). Both read from names alone, for every grammar:

- a *temporary* is a name assigned once by a plain `=` statement and read exactly once after it,
  outside that statement: its one use reads as the assigned expression, and the assignment goes;
- a *detached* statement touches no name of the program that lives outside detached statements
  (names the file never defines — builtins, library classes — do not count): dead by data flow,
  it goes from the structure; its string literals stay (a leaker's message is still a clue).

Both sides of a comparison go through the same rules, so a rule that drops a live statement of
an original drops it from every copy too; what matters is that a disguise cannot move it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tree_sitter import Node

from forewarn.hunt.similarity.languages import is_function, is_sequence, role

_ASSIGNMENTS = frozenset({"assignment", "assignment_expression", "variable_declarator"})
_DECLARATIONS = frozenset({"local_variable_declaration", "lexical_declaration"})
_DEFINING_PARENTS = frozenset(
    {
        "assignment",
        "augmented_assignment",
        "assignment_expression",
        "variable_declarator",
        "init_declarator",
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "parameters",
        "default_parameter",
        "typed_parameter",
        "typed_default_parameter",
        "lambda_parameters",
        "formal_parameter",
        "catch_formal_parameter",
        "for_statement",
        "for_in_statement",
        "enhanced_for_statement",
        "dotted_name",
        "aliased_import",
        "as_pattern_target",
        "function_definition",
        "class_definition",
        "method_declaration",
        "class_declaration",
        "constructor_declaration",
        "function_declaration",
        "record_declaration",
        "interface_declaration",
        "enum_declaration",
        "field_declaration",
    }
)
_MEMBER_FIELDS = {
    "attribute": "attribute",
    "field_access": "field",
    "member_expression": "property",
    "keyword_argument": "name",
    "method_invocation": "name",
}
"""Identifiers that name a member or a keyword, not a variable of the program."""
_KEEPS_CONTROL = frozenset(
    {
        "return_statement",
        "break_statement",
        "continue_statement",
        "yield",
        "yield_statement",
        "await",
        "global_statement",
        "nonlocal_statement",
    }
)
_NEVER_DETACHED = frozenset(
    {"import_statement", "import_from_statement", "import_declaration", "decorated_definition"}
)


@dataclass(slots=True)
class Flow:
    """What the canonical tree skips or substitutes, by tree-sitter node id."""

    dropped: set[int] = field(default_factory=set)
    """Statements that leave the structure (inlined assignments, detached statements)."""
    detached: set[int] = field(default_factory=set)
    """The dropped statements that are dead code (their literals are kept)."""
    inline: dict[int, Node] = field(default_factory=dict)
    """A temporary's one use, by the use's id: the expression to read in its place."""


@dataclass(slots=True)
class _Names:
    occurrences: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    defined: set[str] = field(default_factory=set)
    statements: list[Node] = field(default_factory=list)
    in_strings: set[int] = field(default_factory=set)


def analyse(root: Node, *, dead_code: bool = True) -> Flow:
    """Temporaries to inline and detached statements to drop, for one parse; `dead_code` off
    for shells, whose every command runs a program the file does not define."""
    names = _collect(root)
    flow = Flow()
    _temporaries(names, flow)
    if dead_code:
        _detached(names, flow)
    return flow


def _collect(root: Node) -> _Names:
    names = _Names()
    stack = [root]
    while stack:
        node = stack.pop()
        parent = node.parent
        if parent is not None and is_sequence(parent.type) and node.is_named:
            names.statements.append(node)
        if node.child_count == 0 or role(node.type, node.is_named) == "identifier":
            if role(node.type, node.is_named) == "identifier" and not _member(node):
                text = (node.text or b"").decode(errors="replace")
                names.occurrences[text].append(node)
                if parent is not None and parent.type in _DEFINING_PARENTS:
                    names.defined.add(text)
            continue
        kind = role(node.type, node.is_named)
        if kind == "comment":
            continue
        if kind == "string":  # `f"{x}"` reads `x`, but the tree keeps a string whole
            names.in_strings.update(_identifier_ids(node))
        stack.extend(node.children)
    return names


def _identifier_ids(node: Node) -> set[int]:
    found = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if role(current.type, current.is_named) == "identifier":
            found.add(current.id)
        stack.extend(current.children)
    return found


def _member(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    member = _MEMBER_FIELDS.get(parent.type)
    return member is not None and parent.child_by_field_name(member) == node


def _simple_assignment(statement: Node) -> tuple[Node, Node] | None:
    """`(target, value)` of `name = expr` / `T name = expr;` / `let name = expr`."""
    inner: Node | None = None
    if statement.type == "expression_statement" and statement.named_child_count == 1:
        inner = statement.named_children[0]
    elif statement.type in _DECLARATIONS:
        declarators = [c for c in statement.named_children if c.type == "variable_declarator"]
        inner = declarators[0] if len(declarators) == 1 else None
    if inner is None or inner.type not in _ASSIGNMENTS:
        return None
    target = inner.child_by_field_name("left") or inner.child_by_field_name("name")
    value = inner.child_by_field_name("right") or inner.child_by_field_name("value")
    operator = inner.child_by_field_name("operator")
    if operator is not None and operator.type != "=":
        return None
    if target is None or value is None or role(target.type, target.is_named) != "identifier":
        return None
    return target, value


def _temporaries(names: _Names, flow: Flow) -> None:
    for statement in names.statements:
        found = _simple_assignment(statement)
        if found is None:
            continue
        target, value = found
        uses = [
            n
            for n in names.occurrences.get((target.text or b"").decode(errors="replace"), [])
            if n.id != target.id
        ]
        if len(uses) != 1 or len(uses) + 1 != len(
            names.occurrences[(target.text or b"").decode(errors="replace")]
        ):
            continue
        use = uses[0]
        if (
            use.start_byte < statement.end_byte
            or use.id in flow.inline
            or use.id in names.in_strings
        ):
            continue
        flow.inline[use.id] = value
        flow.dropped.add(statement.id)


def _detached(names: _Names, flow: Flow) -> None:
    candidates = {
        s.id: s
        for s in names.statements
        if s.id not in flow.dropped
        and s.type not in _NEVER_DETACHED
        and not is_function(s.type)
        and not _has_control(s)
        and s.parent is not None
        and s.parent.parent is not None  # a module's own statements are its point
    }
    # A bare call on its own (`print("hi")`) may be the program's whole point: only what
    # assigns or branches is dead, and a call inside it goes with it.
    outermost = {
        i: s
        for i, s in candidates.items()
        if s.type == "expression_statement" and _simple_assignment(s) is None
    }
    for i, s in outermost.items():
        if not any(p.id in candidates for p in _ancestors(s)):
            del candidates[i]
    holders: dict[str, list[frozenset[int]]] = defaultdict(list)
    mentions: dict[int, set[str]] = defaultdict(set)
    for name, nodes in names.occurrences.items():
        if name not in names.defined:
            continue
        for node in nodes:
            around = _holders(node, candidates)
            holders[name].append(around)
            for holder in around:
                mentions[holder].add(name)
    dead = set(candidates)
    changed = True
    while changed:
        changed = False
        for holder in list(dead):
            if any(not (around & dead) for name in mentions[holder] for around in holders[name]):
                dead.discard(holder)
                changed = True
    flow.detached |= dead
    flow.dropped |= dead


def _holders(node: Node, candidates: dict[int, Node]) -> frozenset[int]:
    """The candidate statements around `node` (itself included)."""
    found = []
    current: Node | None = node
    while current is not None:
        if current.id in candidates:
            found.append(current.id)
        current = current.parent
    return frozenset(found)


def _ancestors(node: Node) -> list[Node]:
    found = []
    current = node.parent
    while current is not None:
        found.append(current)
        current = current.parent
    return found


def _has_control(node: Node) -> bool:
    """Whether a statement returns, breaks, yields or holds a definition."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in _KEEPS_CONTROL or (current is not node and _defines(current)):
            return True
        stack.extend(current.named_children)
    return False


def _defines(node: Node) -> bool:
    return is_function(node.type) or node.type in _TYPES


_TYPES = frozenset(
    {
        "class_definition",
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
        "struct_specifier",
        "class_specifier",
        "namespace_definition",
        "namespace_declaration",
    }
)


__all__ = ["Flow", "analyse"]
