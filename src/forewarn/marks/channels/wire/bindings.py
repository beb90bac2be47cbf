"""Where a rewrite in another language binds a name to a value, and where it changes one.

`splice` folds a name into the expressions that use it only when the text binds it exactly
once and never changes it afterwards (`port = os.Args[1]`, `i++`), so each grammar's ways of
binding (`const x = …`, `x := …`, `$x = …`, `X = …` in Ruby, `define('X', …)` in PHP) and of
changing a name are listed here, apart from the folding itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from forewarn.grammars import walk

NAMES = frozenset({"identifier", "variable_name", "variable", "constant", "name"})
"""Node types that reference a bound name (`constant`: Ruby's; `name`: PHP's constants)."""
_CHANGES = frozenset(
    {
        "assignment_statement",  # Go
        "assignment_expression",  # JavaScript, Java, C# (PowerShell's and PHP's bind)
        "augmented_assignment_expression",
        "operator_assignment",  # Ruby `x += 1`
        "update_expression",
        "inc_statement",
        "dec_statement",
    }
)
BINDS_BY_ASSIGNMENT = frozenset({"powershell", "php", "ruby"})
"""Languages whose plain assignment is their binding (counted once per assignment)."""
_ASSIGNMENTS = frozenset({"assignment_expression", "assignment"})


def name_of(node: Node, source: bytes, language: str) -> str:
    """A bound name as every reference spells it (`$Ua`, `${ua}` → `ua` in PowerShell,
    `${UA}` → `UA` in a shell script; PHP's `$x` stays `$x`, as its references spell it)."""
    text = source[node.start_byte : node.end_byte].decode("utf-8", "replace")
    if node.type in ("variable", "simple_expansion", "expansion", "braced_variable"):
        text = text.lstrip("$").strip("{}")
    return text.lower() if language == "powershell" else text


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def reassigned(nodes: Iterator[Node], source: bytes, language: str) -> Iterator[str]:
    """Names a statement changes after binding them (`port = os.Args[1]`, `i++`)."""
    for node in nodes:
        if node.type in _ASSIGNMENTS and language in BINDS_BY_ASSIGNMENT:
            continue  # a binding there (`$who = …`), counted by `bindings`
        if node.type in _CHANGES:
            left = node.child_by_field_name("left") or node.child_by_field_name("argument")
            if left is None and node.named_children:
                left = node.named_children[0]
            if left is None:
                continue
            targets = left.named_children if left.type == "expression_list" else [left]
            yield from (name_of(t, source, language) for t in targets if t.type in NAMES)


def _after_equals(node: Node) -> Node | None:
    """The value of a declarator whose grammar names no `value` field (C#'s `x = "a"`)."""
    kids = node.children
    for at, kid in enumerate(kids):
        if not kid.is_named and kid.type == "=":
            rest = [k for k in kids[at + 1 :] if k.is_named]
            return rest[0] if len(rest) == 1 else None
    return None


def bindings(
    node: Node, source: bytes, language: str, declared: set[int]
) -> Iterator[tuple[str, Node]]:
    """The `(name, value node)` pairs `node` binds; each bound name's offset joins `declared`
    (a binding is never replaced by its own value)."""
    kind = node.type
    if kind in ("variable_declarator", "variable_assignment"):
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None and node.named_children:
            name = node.named_children[0]
        if value is None and kind == "variable_declarator":
            value = _after_equals(node)
        if name is not None and value is not None and name.type in NAMES:
            declared.add(name.start_byte)
            yield name_of(name, source, language), value
    elif kind in ("const_item", "static_item", "let_declaration"):  # Rust
        name = node.child_by_field_name("name") or node.child_by_field_name("pattern")
        value = node.child_by_field_name("value")
        if name is not None and value is not None and name.type == "identifier":
            declared.add(name.start_byte)
            yield name_of(name, source, language), value
    elif kind in ("const_spec", "var_spec", "short_var_declaration"):
        left = node.child_by_field_name("left") or node
        names = [c for c in left.named_children if c.type == "identifier"]
        if kind != "short_var_declaration":
            names = node.children_by_field_name("name")
        right = node.child_by_field_name("right") or node.child_by_field_name("value")
        values = right.named_children if right is not None else []
        if len(names) == len(values):
            for name, value in zip(names, values, strict=True):
                declared.add(name.start_byte)
                yield name_of(name, source, language), value
    elif kind == "const_element":  # PHP `const X = …;`
        named = node.named_children
        if len(named) == 2 and named[0].type == "name":
            declared.add(named[0].start_byte)
            yield _text(named[0], source), named[1]
    elif kind == "function_call_expression" and language == "php":
        yield from _php_define(node, source, declared)
    elif kind in _ASSIGNMENTS and language in BINDS_BY_ASSIGNMENT:
        yield from _assignment(node, source, language, declared)


def _php_define(node: Node, source: bytes, declared: set[int]) -> Iterator[tuple[str, Node]]:
    """`define('NOTE_ID', 91453)`: the constant is then referenced as `NOTE_ID`."""
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or arguments is None or _text(function, source) != "define":
        return
    args = [a.named_children[0] if a.named_children else a for a in arguments.named_children]
    if len(args) != 2 or args[0].type not in ("string", "encapsed_string"):
        return
    content = [k for k in args[0].named_children if k.type == "string_content"]
    if len(content) == 1 and len(args[0].named_children) == 1:
        declared.add(args[0].start_byte)
        yield _text(content[0], source), args[1]


def _assignment(
    node: Node, source: bytes, language: str, declared: set[int]
) -> Iterator[tuple[str, Node]]:
    """`$who = …` (PowerShell, PHP), `WHO = …` (Ruby): one plain name on the left."""
    left = node.child_by_field_name("left")
    value = node.child_by_field_name("right")
    if left is None or value is None:  # PowerShell: target, operator, value
        named = node.named_children
        if len(named) < 3:
            return
        left, value = named[0], named[-1]
    variables = [n for n in walk(left) if n.type in NAMES and n.type != "name"]
    if len(variables) == 1 and _text(left, source).strip() == _text(variables[0], source):
        declared.add(variables[0].start_byte)
        yield name_of(variables[0], source, language), value


__all__ = ["BINDS_BY_ASSIGNMENT", "NAMES", "bindings", "name_of", "reassigned"]
