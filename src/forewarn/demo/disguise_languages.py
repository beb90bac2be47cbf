"""What a leaker does to a PoC in any language the hunt reads: rename, restyle, drop comments.

Tree-sitter finds every identifier the file defines (classes, functions, methods, fields,
variables, parameters, loop variables; PowerShell's `$variables`, functions and their `-Param`
names at call sites; shell variables and functions; Ruby's and PHP's: `disguise_scripts`)
and renames each one everywhere, keeping its style (`UPPER_SNAKE`, `camelCase`,
`Verb-Noun`…). Comments and shebangs go, braces switch between K&R and Allman, the
indentation unit changes and blank lines go. String literals (the
wire values) never change except where a renamed variable is interpolated into them; the
transform checks that itself by parsing its output and raises if it broke a string or the parse.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from tree_sitter import Node

from forewarn.demo.disguise_scripts import php_renames, powershell_renames, ruby_renames
from forewarn.errors import InvestigationError
from forewarn.grammars import parser_for
from forewarn.hunt.similarity.languages import role

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
_GO_DECLARING = frozenset({"short_var_declaration", "range_clause"})
_KEEP_BRACES = frozenset({"go"})
"""Languages whose braces cannot move (Go inserts a semicolon at the end of a line)."""
_SCRIPTS = {"powershell": powershell_renames, "ruby": ruby_renames, "php": php_renames}
_BLOCKS = ("block", "body", "compound_statement", "declaration_list", "function_statement")


class DisguiseError(InvestigationError):
    """The transform would have changed a string literal or broken the parse."""


def disguise(source: str, language: str, *, seed: int = 0) -> str:
    """`source` renamed and restyled as a leaker would; string literals kept."""
    parser = parser_for(language)
    if parser is None:
        raise DisguiseError(f"no grammar for {language!r}")
    raw = source.encode()
    root = parser.parse(raw).root_node
    edits = list(_renames(root, language, seed)) + list(_comments(root, raw))
    expected = sorted(_apply(raw, edits, *span) for span in _string_spans(root))
    renamed = _apply(raw, edits, 0, len(raw))
    braced = renamed if language in _KEEP_BRACES else _braces(renamed, language)
    styled = _reindent(braced, language)
    final = parser.parse(styled).root_node
    if final.has_error and not root.has_error:
        raise DisguiseError(f"the disguised {language} source no longer parses")
    got = sorted(styled[a:b] for a, b in _string_spans(final))
    if got != expected:
        raise DisguiseError(f"the disguise changed a string literal of the {language} source")
    return styled.decode()


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


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


def _renames(root: Node, language: str, seed: int) -> Iterator[tuple[int, int, bytes]]:
    if language in _SCRIPTS:
        yield from _SCRIPTS[language](root, seed, _mapping)
        return
    nodes = list(_walk(root))
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


def _comments(root: Node, raw: bytes) -> Iterator[tuple[int, int, bytes]]:
    """Comments go; a comment alone on its line takes the line with it."""
    for node in _walk(root):
        if role(node.type, node.is_named) != "comment" and node.type != "hash_bang_line":
            continue
        start, end = node.start_byte, node.end_byte
        line_start = raw.rfind(b"\n", 0, start) + 1
        while start > line_start and raw[start - 1 : start] in (b" ", b"\t"):
            start -= 1
        if start == line_start and raw[end : end + 1] == b"\n":
            end += 1
        yield start, end, b""


def _string_spans(root: Node) -> Iterator[tuple[int, int]]:
    """Outermost string literals, as `role` (the similarity code's own rule) sees them."""
    stack = [root]
    while stack:
        node = stack.pop()
        if role(node.type, node.is_named) == "string":
            yield node.start_byte, node.end_byte
            continue
        stack.extend(node.children)


def _apply(raw: bytes, edits: list[tuple[int, int, bytes]], lo: int, hi: int) -> bytes:
    out, at = [], lo
    for start, end, new in sorted(e for e in edits if lo <= e[0] and e[1] <= hi):
        if start < at:
            continue
        out += [raw[at:start], new]
        at = end
    out.append(raw[at:hi])
    return b"".join(out)


def _braces(raw: bytes, language: str) -> bytes:
    """K&R becomes Allman and Allman becomes K&R, for block braces only (never `{` of values)."""
    parser = parser_for(language)
    assert parser is not None
    root = parser.parse(raw).root_node
    opening = [
        n
        for n in _walk(root)
        if n.type == "{"
        and not n.is_named
        and n.parent is not None
        and any(part in n.parent.type for part in _BLOCKS)
    ]
    own_line, trailing = [], []
    for brace in opening:
        line_start = raw.rfind(b"\n", 0, brace.start_byte) + 1
        line_end = raw.find(b"\n", brace.end_byte)
        rest = raw[brace.end_byte : line_end if line_end >= 0 else len(raw)].strip()
        if not raw[line_start : brace.start_byte].strip():
            own_line.append(brace)
        elif not rest:
            # The brace goes under the start of the construct it opens, not of its last line.
            owner = brace.parent or brace
            if owner.start_byte == brace.start_byte and owner.parent is not None:
                owner = owner.parent
            trailing.append((brace, raw.rfind(b"\n", 0, owner.start_byte) + 1))
    edits: list[tuple[int, int, bytes]] = []
    if len(own_line) > len(trailing):
        for brace in own_line:
            before = len(raw[: brace.start_byte].rstrip())
            edits.append((before, brace.start_byte, b" "))
    else:
        for brace, line_start in trailing:
            line = raw[line_start:]
            indent = line[: len(line) - len(line.lstrip(b" \t"))]
            before = len(raw[: brace.start_byte].rstrip(b" \t"))
            edits.append((before, brace.start_byte, b"\n" + indent))
    return _apply(raw, edits, 0, len(raw))


def _reindent(raw: bytes, language: str) -> bytes:
    """A different indentation unit, no trailing spaces, no blank lines; strings untouched."""
    parser = parser_for(language)
    assert parser is not None
    root = parser.parse(raw).root_node
    inside: set[int] = set()
    for node in _walk(root):
        if role(node.type, node.is_named) == "string" or "heredoc" in node.type:
            inside.update(range(node.start_point.row + 1, node.end_point.row + 1))
    lines = raw.split(b"\n")
    widths = Counter(len(x) - len(x.lstrip(b" ")) for x in lines if x.strip())
    indented = sum(n for w, n in widths.items() if w)
    unit = 4 if sum(n for w, n in widths.items() if w and w % 4 == 0) >= 0.8 * indented else 2
    new_unit = 2 if unit >= 4 else 4
    out = []
    for row, line in enumerate(lines):
        if row in inside:
            out.append(line)
            continue
        if not line.strip():
            continue
        width = len(line) - len(line.lstrip(b" "))
        levels, rest = divmod(width, unit)
        out.append(b" " * (levels * new_unit + rest) + line.strip(b" \t"))
    return b"\n".join(out) + b"\n"


__all__ = ["DisguiseError", "disguise"]
