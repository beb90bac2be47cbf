"""What a leaker does to a PoC in any language the hunt reads: rename, restyle, drop comments.

Tree-sitter finds every identifier the file defines (classes, functions, methods, fields,
variables, parameters, loop variables; PowerShell's `$variables`, functions and their `-Param`
names at call sites; shell variables and functions; Ruby's and PHP's) and renames each one
everywhere, keeping its style (`UPPER_SNAKE`, `camelCase`, `Verb-Noun`…). Comments and shebangs
go, braces switch between K&R and Allman, the indentation unit changes and blank lines go.
String literals (the wire values) never change except where a renamed variable is interpolated
into them; the transform checks that itself by parsing its output and raises if it broke a
string or the parse.
The renaming, which knows each grammar, is `disguise_renames`; this module is the layout.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from tree_sitter import Node

from forewarn.demo.disguise_renames import renames
from forewarn.errors import InvestigationError
from forewarn.grammars import parser_for, walk
from forewarn.hunt.similarity.languages import role

_KEEP_BRACES = frozenset({"go"})
"""Languages whose braces cannot move (Go inserts a semicolon at the end of a line)."""
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
    edits = list(renames(root, language, seed)) + list(_comments(root, raw))
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


def _comments(root: Node, raw: bytes) -> Iterator[tuple[int, int, bytes]]:
    """Comments go; a comment alone on its line takes the line with it."""
    for node in walk(root):
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
        for n in walk(root)
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
    for node in walk(root):
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
