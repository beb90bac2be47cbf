"""The leaker's renames for PowerShell, Ruby and PHP (`disguise_languages` restyles them).

PowerShell's names are case-blind `$variables`, `Verb-Noun` functions and their `-Param`s; Ruby
names are plain identifiers and constants, but a method called on a receiver
(`http.request`) is the library's, never the file's; PHP spells a variable `$name` and a
constant or function as a bare `name`, so the `name` inside `$name` is what changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tree_sitter import Node

from forewarn.grammars import walk

Mapping = Callable[[list[str], set[str], int, bool], dict[str, str]]
"""`disguise_languages._mapping`: old names, names taken, seed, case folding → new names."""

_PS_AUTOMATIC = frozenset(
    {"_", "psitem", "args", "this", "input", "true", "false", "null", "host", "matches"}
    | {"erroractionpreference", "lastexitcode", "psboundparameters", "pscmdlet"}
)
_PS_VARIABLE = re.compile(r"^\$(\{)?(?:(\w+):)?(\w+)(\})?$")
_RUBY_DEFINING = frozenset(
    {
        ("assignment", "left"),
        ("operator_assignment", "left"),
        ("method", "name"),
        ("singleton_method", "name"),
        ("class", "name"),
        ("module", "name"),
        ("method_parameters", None),
        ("block_parameters", None),
        ("lambda_parameters", None),
        ("left_assignment_list", None),
        ("exception_variable", None),
        ("optional_parameter", "name"),
        ("keyword_parameter", "name"),
    }
)
_PHP_KEPT = frozenset(
    {"this", "argv", "argc", "GLOBALS", "_GET", "_POST", "_SERVER", "_ENV", "_COOKIE"}
    | {"_FILES", "_REQUEST", "_SESSION", "http_response_header"}
)
"""PHP's own variables: never renamed."""
_PHP_DEFINING = frozenset({"function_definition", "const_element", "class_declaration"})
_PHP_MEMBERS = frozenset(
    {"member_call_expression", "member_access_expression", "scoped_call_expression"}
)


def _text(node: Node) -> str:
    return (node.text or b"").decode()


def _field(node: Node) -> str | None:
    parent = node.parent
    if parent is None:
        return None
    for i, child in enumerate(parent.children):
        if child.id == node.id:
            return parent.field_name_for_child(i)
    return None


def ruby_renames(root: Node, seed: int, mapping: Mapping) -> Iterator[tuple[int, int, bytes]]:
    """Every local, constant, method and class the Ruby file defines, renamed everywhere."""
    nodes = list(walk(root))
    defined = [
        _text(n)
        for n in nodes
        if n.type in ("identifier", "constant")
        and n.parent is not None
        and (n.parent.type, _field(n)) in _RUBY_DEFINING
    ]
    taken = {_text(n) for n in nodes if n.is_named and n.child_count == 0}
    names = mapping(defined, taken, seed, False)
    for node in nodes:
        if node.type not in ("identifier", "constant") or _text(node) not in names:
            continue
        parent = node.parent
        if parent is not None and parent.type == "call" and _field(node) == "method":
            receiver = parent.child_by_field_name("receiver")
            if receiver is not None and _text(receiver) != "self":
                continue  # `http.request`: the library's method
        if parent is not None and parent.type == "scope_resolution" and _field(node) == "name":
            continue  # `Net::HTTP`
        yield node.start_byte, node.end_byte, names[_text(node)].encode()


def php_renames(root: Node, seed: int, mapping: Mapping) -> Iterator[tuple[int, int, bytes]]:
    """Every `$variable`, function, constant and class the PHP file defines, renamed."""
    nodes = list(walk(root))
    variables: list[str] = []
    others: list[str] = []
    for node in nodes:
        parent = node.parent
        if node.type != "name" or parent is None:
            continue
        if parent.type == "variable_name" and _text(node) not in _PHP_KEPT:
            variables.append(_text(node))
        elif parent.type in _PHP_DEFINING and parent.named_children[0].id == node.id:
            others.append(_text(node))
    taken = {_text(n) for n in nodes if n.is_named and n.child_count == 0}
    var_names = mapping(variables, taken, seed, False)
    other_names = mapping(others, taken, seed + 11, False)
    for node in nodes:
        parent = node.parent
        if node.type != "name" or parent is None:
            continue
        text = _text(node)
        if parent.type == "variable_name":
            if text in var_names:
                yield node.start_byte, node.end_byte, var_names[text].encode()
        elif text in other_names and parent.type not in _PHP_MEMBERS:
            yield node.start_byte, node.end_byte, other_names[text].encode()


def powershell_renames(root: Node, seed: int, mapping: Mapping) -> Iterator[tuple[int, int, bytes]]:
    nodes = list(walk(root))
    variables: list[str] = []
    functions: list[str] = []
    for node in nodes:
        if node.type == "function_name":
            functions.append(_text(node))
        elif node.type == "variable" and node.parent is not None:
            match = _PS_VARIABLE.match(_text(node))
            if match is None or match[3].lower() in _PS_AUTOMATIC:
                continue
            left = _enclosing(node, "left_assignment_expression")
            if node.parent.type in ("script_parameter", "foreach_statement") or (
                left is not None and _text(left) == _text(node)
            ):
                variables.append(match[3])
    taken = {_text(n).lower().lstrip("$-") for n in nodes if n.child_count == 0}
    var_names = mapping(variables, taken, seed, True)
    fn_names = mapping(functions, taken, seed + 11, True)
    for node in nodes:
        text = _text(node)
        if node.type == "variable":
            match = _PS_VARIABLE.match(text)
            if match and match[3].lower() in var_names:
                start = node.start_byte + match.start(3)
                yield start, start + len(match[3]), var_names[match[3].lower()].encode()
        elif node.type in ("function_name", "command_name") and text.lower() in fn_names:
            yield node.start_byte, node.end_byte, fn_names[text.lower()].encode()
        elif node.type == "command_parameter" and text[1:].lower() in var_names:
            command = _enclosing(node, "command")
            name = command.child_by_field_name("command_name") if command else None
            called = _text(name).lower() if name else ""
            if called in fn_names or (command and _first_name(command) in fn_names):
                yield node.start_byte, node.end_byte, b"-" + var_names[text[1:].lower()].encode()


def _first_name(command: Node) -> str:
    for child in command.children:
        if child.type == "command_name":
            return _text(child).lower()
    return ""


def _enclosing(node: Node, kind: str) -> Node | None:
    current = node.parent
    while current is not None and current.type != kind:
        current = current.parent
    return current


__all__ = ["php_renames", "powershell_renames", "ruby_renames"]
