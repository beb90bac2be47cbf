"""String literals of a syntax tree, with what a mark may touch and how to find them again.

Every grammar names its literals and their parts differently (`string_fragment` in JavaScript
and Java, `string_content` in C and shell, `expandable_string_literal` in PowerShell); this module
reduces them to one record: the literal's *content* (between its quotes), the *plain* spans
where bytes stand for themselves (not escapes, not interpolations), and a *skeleton* that every
partner's copy shares: content lower-cased, digit runs of three or more as `#`, interpolations
as `{}`. The skeleton survives renaming (interpolated names are dropped) and reformatting (the
quotes are dropped), and is what a suspect's literals are matched by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from forewarn.marks.channels.literals.grammars import Parsed
from forewarn.marks.channels.payload.sites import DIGITS

STRING_TYPES = frozenset(
    {
        "string",
        "string_literal",
        "raw_string_literal",
        "template_string",
        "verbatim_string_literal",
        "interpolated_string_expression",
        "raw_string",
        "text_block",
        "ansi_c_string",
        "expandable_string_literal",
        "verbatim_string_characters",
        "expandable_here_string_literal",
        "verbatim_here_string_characters",
    }
)
"""Node types that are string literals in one of the grammars."""

FRAGMENT_TYPES = frozenset(
    {"string_fragment", "string_content", "string_literal_content", "raw_string_content"}
)
"""Children of a literal whose bytes are the literal's own characters."""

ESCAPE_TYPES = frozenset({"escape_sequence"})
"""Children that spell one character: kept in the skeleton, never edited."""

WORD_PARENTS = frozenset({"command", "concatenation"})
"""Shell: unquoted words under these are literal arguments (`curl http://…/x`)."""

_LEAD = re.compile(r'^(?:[A-Za-z0-9]{0,2}R"[^(\s"]*\(|[@$uUL8]{0,3}(?:"""|"|\'|`))')
_TRAIL = re.compile(r'(?:\)[^)\s"]*"|"""|"@|\'@|"|\'|`)$')


@dataclass(frozen=True, slots=True)
class Literal:
    """One string literal of a parsed text."""

    start: int
    """Byte offset of the literal (quotes included) in the source."""
    end: int
    """Byte offset just past the literal."""
    content: str
    """The source text between the quotes, as written (escapes unexpanded)."""
    content_start: int
    """Byte offset of `content` in the source."""
    plain: tuple[tuple[int, int], ...]
    """Spans of `content` (character offsets into it) that are the literal's own characters."""
    skeleton: str
    """What every partner's copy shares: lower case, `#` for digit runs, `{}` for interpolation."""
    node: Node
    """The tree node, for the context of the literal (call, map, flag before it)."""


def _content_range(node: Node, text: str) -> tuple[int, int]:
    """Character range of the content inside `text` (the node's text)."""
    if node.type == "word":
        return 0, len(text)
    lead = _LEAD.match(text)
    if lead is None:
        return 0, len(text)
    trail = _TRAIL.search(text, lead.end())
    return lead.end(), trail.start() if trail else len(text)


def _skeleton(content: str, plain: list[tuple[int, int]], escapes: list[tuple[int, int]]) -> str:
    pieces: list[str] = []
    cursor = 0
    marks = sorted([(s, e, True) for s, e in plain] + [(s, e, False) for s, e in escapes])
    for start, end, is_plain in marks:
        if start > cursor:
            pieces.append("{}")
        piece = content[start:end].lower()
        pieces.append(DIGITS.sub("#", piece) if is_plain else piece)
        cursor = end
    if cursor < len(content):
        pieces.append("{}")
    return "".join(pieces)


def _literal(node: Node, source: bytes) -> Literal | None:
    raw = source[node.start_byte : node.end_byte]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lo, hi = _content_range(node, text)
    if hi < lo:
        return None
    content = text[lo:hi]
    content_start = node.start_byte + len(text[:lo].encode("utf-8"))

    def local(child: Node) -> tuple[int, int]:
        begin = len(source[content_start : child.start_byte].decode("utf-8", "replace"))
        return begin, begin + len(source[child.start_byte : child.end_byte].decode("utf-8"))

    plain: list[tuple[int, int]] = []
    escapes: list[tuple[int, int]] = []
    others: list[tuple[int, int]] = []
    fragments = [c for c in node.named_children if c.type in FRAGMENT_TYPES]
    for child in node.named_children:
        if child.end_byte <= content_start or child.start_byte >= content_start + len(
            content.encode("utf-8")
        ):
            continue
        span = local(child)
        if child.type in FRAGMENT_TYPES:
            plain.append(span)
        elif child.type in ESCAPE_TYPES:
            escapes.append(span)
        else:
            others.append(span)
    if not fragments:
        # A leaf literal: everything between the quotes but its named parts (variables).
        cursor = 0
        for start, end in sorted(others + escapes):
            if start > cursor:
                plain.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < len(content):
            plain.append((cursor, len(content)))
    plain.sort()
    return Literal(
        start=node.start_byte,
        end=node.end_byte,
        content=content,
        content_start=content_start,
        plain=tuple(plain),
        skeleton=_skeleton(content, plain, escapes),
        node=node,
    )


def _is_wrapper(node: Node) -> bool:
    """A literal node that only wraps another covering the same bytes (PowerShell)."""
    return any(
        c.type in STRING_TYPES and (c.start_byte, c.end_byte) == (node.start_byte, node.end_byte)
        for c in node.named_children
    )


def _under_error(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.is_error:
            return True
        parent = parent.parent
    return False


def literals(parsed: Parsed) -> tuple[Literal, ...]:
    """Every string literal of `parsed` in document order (none inside `ERROR` nodes)."""
    found: list[Literal] = []
    stack = [parsed.tree.root_node]
    while stack:
        node = stack.pop()
        is_word = (
            parsed.language == "shell"
            and node.type == "word"
            and node.parent is not None
            and node.parent.type in WORD_PARENTS
        )
        if (node.type in STRING_TYPES and not _is_wrapper(node)) or is_word:
            if not node.has_error and not _under_error(node):
                item = _literal(node, parsed.source)
                if item is not None:
                    found.append(item)
        stack.extend(reversed(node.children))
    found.sort(key=lambda lit: lit.start)
    return tuple(found)
