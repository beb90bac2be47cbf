"""Renaming every identifier a PoC defines, in any language the hunt reads, keeping its style.

Half of what `disguise_languages` does to a file, and the half that knows each grammar: which
(parent, field) makes an identifier a definition, which lookups are members, how PowerShell's
`$variables` and `-Param` names and shell functions are spelt. Kept apart from the layout half
(comments, braces, indentation) because a new language is a change here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from forewarn.demo.disguise_scripts import php_renames, powershell_renames, ruby_renames
from forewarn.grammars import walk

_WORDS = (
    "amber", "basin", "cedar", "delta", "ember", "fable", "grove", "harbor", "ivory", "jasper",
    "kettle", "lumen", "meadow", "nectar", "orbit", "pebble", "quartz", "raven", "sable",
    "thistle", "umber", "velvet", "willow", "yarrow", "zephyr", "birch", "cobalt", "dune",
    "fennel", "garnet",
)  # fmt: skip

_DEFINING: frozenset[tuple[str, str | None]] = frozenset(
    {
        # Java, C#
        ("class_declaration", "name"),
        ("interface_declaration", "name"),
        ("method_declaration", "name"),
        ("constructor_declaration", "name"),
        ("variable_declarator", "name"),
        ("formal_parameter", "name"),
        ("catch_formal_parameter", "name"),
        ("enhanced_for_statement", "name"),
        ("parameter", "name"),
        ("catch_declaration", "name"),
        ("foreach_statement", "left"),
        # C, C++
        ("function_declarator", "declarator"),
        ("init_declarator", "declarator"),
        ("declaration", "declarator"),
        ("parameter_declaration", "declarator"),
        ("pointer_declarator", "declarator"),
        ("array_declarator", "declarator"),
        ("reference_declarator", None),
        ("structured_binding_declarator", None),
        ("field_declaration", "declarator"),
        ("preproc_def", "name"),
        ("class_specifier", "name"),
        ("namespace_definition", "name"),
        # JavaScript, TypeScript
        ("function_declaration", "name"),
        ("formal_parameters", None),
        ("required_parameter", "pattern"),
        ("optional_parameter", "pattern"),
        ("catch_clause", "parameter"),
        ("for_in_statement", "left"),
        ("type_alias_declaration", "name"),
        ("namespace_import", None),
        # Go
        ("const_spec", "name"),
        ("var_spec", "name"),
        ("parameter_declaration", "name"),
        ("type_spec", "name"),
        ("field_declaration", "name"),
        ("keyed_element", "key"),
        # Rust
        ("function_item", "name"),
        ("parameter", "pattern"),
        ("let_declaration", "pattern"),
        ("const_item", "name"),
        ("static_item", "name"),
        ("struct_item", "name"),
        ("closure_parameters", None),
        ("tuple_pattern", None),
        # shell
        ("variable_assignment", "name"),
        ("for_statement", "variable"),
        ("function_definition", "name"),
    }
)
"""(parent node type, field) under which an identifier is a definition, in any grammar."""

_OCCURRENCES = frozenset(
    {"identifier", "type_identifier", "field_identifier", "namespace_identifier", "variable_name"}
)

_SHORTHAND = frozenset({"shorthand_property_identifier", "shorthand_property_identifier_pattern"})

_ENTRY_POINTS = frozenset({"main", "Main"})

_MEMBER_USES = frozenset(
    {
        ("method_invocation", "name"),
        ("field_access", "field"),
        ("member_access_expression", "name"),
        ("field_expression", "field"),
    }
)
"""Where a name is looked up on an object: renamed only when the file defines a member so."""

_SCRIPTS = {"powershell": powershell_renames, "ruby": ruby_renames, "php": php_renames}
"""The script languages whose names `disguise_scripts` knows."""

_GO_DECLARING = frozenset({"short_var_declaration", "range_clause"})


def _field(node: Node) -> str | None:
    parent = node.parent
    if parent is None:
        return None
    for i, child in enumerate(parent.children):
        if child.id == node.id:
            return parent.field_name_for_child(i)
    return None


def _text(node: Node) -> str:
    return (node.text or b"").decode()


def _new_name(old: str, index: int) -> str:
    first, second = _WORDS[index % len(_WORDS)], _WORDS[(index * 7 + 3) % len(_WORDS)]
    suffix = "_" if old.endswith("_") and len(old) > 1 else ""
    core = old.rstrip("_") or old
    if "-" in core:  # PowerShell Verb-Noun: keep the verb
        return f"{core.split('-', 1)[0]}-{first.title()}{second.title()}"
    if core.isupper():
        return f"{first}_{second}".upper() + suffix
    if core[0].isupper():
        return f"{first.title()}{second.title()}" + suffix
    if "_" in core:
        return f"{first}_{second}" + suffix
    if any(c.isupper() for c in core):
        return f"{first}{second.title()}" + suffix
    return f"{first}{second}" + suffix


def _mapping(defined: list[str], taken: set[str], seed: int, fold: bool) -> dict[str, str]:
    names: dict[str, str] = {}
    index = seed
    for old in defined:
        key = old.lower() if fold else old
        if key in names:
            continue
        new = _new_name(old, index)
        while (new.lower() if fold else new) in taken:
            index += 1
            new = _new_name(old, index)
        index += 1
        names[key] = new
        taken.add(new.lower() if fold else new)
    return names


def renames(root: Node, language: str, seed: int) -> Iterator[tuple[int, int, bytes]]:
    """The edits (start, end, new bytes) that rename every name the file defines, everywhere."""
    if language in _SCRIPTS:
        yield from _SCRIPTS[language](root, seed, _mapping)
        return
    nodes = list(walk(root))
    definitions = [
        n
        for n in nodes
        if n.is_named
        and (n.type in _OCCURRENCES or n.type == "word")
        and n.parent is not None
        and ((n.parent.type, _field(n)) in _DEFINING or _declared_left(n))
        and _text(n) not in _ENTRY_POINTS
    ]
    members = {_text(n) for n in definitions if _is_member(n)}
    taken = {_text(n) for n in nodes if n.is_named and n.child_count == 0}
    names = _mapping([_text(n) for n in definitions], taken, seed, fold=False)
    for node in nodes:
        old = _text(node)
        if old not in names or not node.is_named:
            continue
        if node.parent is not None and (node.parent.type, _field(node)) in _MEMBER_USES:
            if old not in members:
                continue
        new = names[old].encode()
        if node.type in _OCCURRENCES:
            yield node.start_byte, node.end_byte, new
        elif node.type in _SHORTHAND:  # `{ host }` keeps its key: `{ host: newName }`
            yield node.start_byte, node.end_byte, (node.text or b"") + b": " + new
        elif node.type == "word" and node.parent is not None:
            if node.parent.type in ("command_name", "function_definition"):
                yield node.start_byte, node.end_byte, new


def _declared_left(node: Node) -> bool:
    """Go's `a, err := …` and `for i, p := range …`: names declared on the left."""
    parent = node.parent
    if parent is None or parent.type != "expression_list" or parent.parent is None:
        return False
    return parent.parent.type in _GO_DECLARING and _field(parent) == "left"


def _is_member(node: Node) -> bool:
    """Methods and fields: names that `obj.name` can reach."""
    if node.type == "field_identifier":
        return True
    ancestor, depth = node.parent, 0
    while ancestor is not None and depth < 3:
        if ancestor.type in ("method_declaration", "field_declaration"):
            return True
        ancestor, depth = ancestor.parent, depth + 1
    return False
