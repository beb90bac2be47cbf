"""Values a rewrite in another language splices together, folded back into literal text.

A code assistant lifts every magic value of a leaked PoC into a constant and splices it back:
`${BASE}/readme_${NOTE_ID}.txt` in JavaScript, `fmt.Sprintf("...%d", noteID)` in Go,
`"a" + X + "b"` or `String.format` in Java, `"…$Agent"` or `-f` in PowerShell, `"${UA}"` in a
shell script, `"…#{ID}"` or `format` in Ruby, `"{$id}"`, `.` or `sprintf` in PHP,
`$"…{Id}"` or `string.Format` in C#. What it sends is the same, but no literal of its text
holds the partner's value with the context `foreign` anchors it on. Here the text is parsed
with the grammar that reads it best (never run), names bound once to a value they can be
worked out from (`bindings`) are folded into every expression that uses them (strings,
numbers, concatenation, template and expandable strings, the string builders of `calls`:
formats, `repeat`, `join`), and the text is written out again with each expression that
folds into something no literal spells replaced by its value in double quotes. An operand
that cannot be worked out (a port from the command line) becomes a line break, so context
never crosses it. `foreign` reads that text beside the text itself, and every reading must
still agree.
"""

from __future__ import annotations

import functools
import re

from tree_sitter import Node

from forewarn.grammars import walk
from forewarn.marks.channels.literals.grammars import MARKED, PYTHON, best_parse
from forewarn.marks.channels.wire.bindings import NAMES, bindings, name_of, reassigned
from forewarn.marks.channels.wire.calls import (
    MAX_VALUE,
    call_value,
    dotnet_operator,
    percent,
    repeat,
    rust_macro,
)
from forewarn.marks.channels.wire.formats import UNKNOWN

MAX_TEXT = 256 * 1024
"""Only texts up to this many characters are folded (leaked tools are small)."""
PASSES = 4
"""Rounds of folding bindings into bindings (a constant built from constants)."""

_FRAGMENTS = frozenset(
    {
        "string_fragment",
        "string_content",
        "string_literal_content",  # C#
        "interpreted_string_literal_content",
        "raw_string_literal_content",
        "raw_string_content",
        "character_literal_content",
    }
)
_STRINGS = frozenset(
    {
        "string",  # JavaScript, TypeScript, shell, Ruby, PHP '…'
        "template_string",
        "interpreted_string_literal",  # Go
        "raw_string_literal",
        "string_literal",  # Java, C#, PowerShell (wrapping the two below)
        "expandable_string_literal",
        "verbatim_string_characters",
        "raw_string",  # shell '…'
        "encapsed_string",  # PHP "…$x…"
        "interpolated_string_expression",  # C# $"…{x}…"
        "character_literal",  # C#'s 'A'
    }
)
_DELIMITERS = frozenset(
    {"interpolation_start", "raw_string_start", "raw_string_end", "interpolation_brace"}
)
"""Named children of a string that only open or close it (C#'s `$"` and raw quotes)."""
_NUMBERS = frozenset(
    {"number", "int_literal", "decimal_integer_literal", "integer_literal", "integer"}
)
_EXPANSIONS = frozenset({"simple_expansion", "expansion", "template_substitution"})
_MEMBERS = frozenset(
    {"method_invocation", "field_access", "member_expression", "call"}
    | {"member_access_expression", "member_call_expression", "scoped_call_expression"}
)
_OWNERS = ("object", "operand", "expression", "receiver", "scope")
_FIELDS = ("property", "field", "name")
_QUALIFIED = frozenset({"member_access_expression", "field_access", "member_expression"})
"""`Owner.NAME` in C#, Java, JavaScript (`_qualified`)."""
_SUMS = frozenset({"binary_expression", "additive_expression", "binary"})
_GO_PACKAGE = re.compile(r"^package [A-Za-z_]\w*[ \t]*$", re.MULTILINE)
_RUST = re.compile(r"^(?:use [\w:{}, *]+;|(?:pub )?fn \w+\()", re.MULTILINE)
_RUBY = re.compile(r"^(?:require ['\"][\w/.-]+['\"]|[ \t]*end)[ \t]*$", re.MULTILINE)
_SHELL_BANG = re.compile(r"[/ ](?:ba|z|k|da)?sh\b")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def _unescape(text: str) -> str:
    if len(text) >= 2 and text[0] in "\\`":
        return _ESCAPES.get(text[1], text[1:])
    return text


def _is_member(node: Node) -> bool:
    """Whether `node` names a member (`x.body()`, `req.Header`), never a bound value."""
    parent = node.parent
    if parent is None or parent.type not in _MEMBERS:
        return False
    owner = next(filter(None, map(parent.child_by_field_name, _OWNERS)), None)
    return owner is None or owner.id != node.id


class _Folder:
    """Works out values in one parsed text from the names it binds once."""

    def __init__(self, source: bytes, language: str) -> None:
        self.source = source
        self.language = language
        self.env: dict[str, str] = {}
        """Name → the value it is bound to (bound exactly once)."""
        self.declared: set[int] = set()
        """Start offsets of the names being bound (not references)."""

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def bind(self, root: Node) -> None:
        """Names bound exactly once, folded into each other until nothing changes."""
        pairs: list[tuple[str, Node]] = []
        for node in walk(root):
            pairs.extend(bindings(node, self.source, self.language, self.declared))
        counts: dict[str, int] = {}
        for name, _ in pairs:
            counts[name] = counts.get(name, 0) + 1
        for name in reassigned(walk(root), self.source, self.language):
            counts[name] = counts.get(name, 0) + 1
        single = [(name, value) for name, value in pairs if counts[name] == 1]
        for _ in range(PASSES):
            changed = False
            for name, value_node in single:
                if name in self.env:
                    continue
                value = self.value(value_node)
                if value is not None and UNKNOWN not in value:
                    self.env[name] = value
                    changed = True
            if not changed:
                break

    def value(self, node: Node) -> str | None:
        """The value `node` folds into, `None` where it cannot be worked out."""
        found = self._value(node)
        return found if found is None or len(found) <= MAX_VALUE else None

    def operand(self, node: Node) -> str:
        """The value of `node`, `UNKNOWN` where it cannot be worked out."""
        found = self.value(node)
        return UNKNOWN if found is None else found

    def _value(self, node: Node) -> str | None:
        kind = node.type
        if kind in _STRINGS:
            return self._string(node)
        if kind in _NUMBERS:
            text = self.text(node).rstrip("lL").replace("_", "")
            return text if text.isdigit() else None
        if kind == "word" and self.language == "shell":
            text = self.text(node)
            return None if "$" in text or "\\" in text else text
        if kind in _QUALIFIED:
            return self._qualified(node)
        if kind in NAMES and _is_member(node):
            return None
        if kind in NAMES or kind in ("simple_expansion", "expansion"):
            if kind == "variable" and node.named_children:  # `${A}` in PowerShell
                return self.env.get(name_of(node.named_children[0], self.source, self.language))
            if kind == "expansion":
                inner = node.named_children
                if len(inner) != 1 or inner[0].type != "variable_name":
                    return None  # `${A:-default}`, `${#A}`: not a plain reference
            return self.env.get(name_of(node, self.source, self.language))
        named = [c for c in node.named_children if c.type not in _DELIMITERS]
        if len(named) == 1 and (named[0].start_byte, named[0].end_byte) == (
            node.start_byte,
            node.end_byte,
        ):
            return self.value(named[0])  # a wrapper (PowerShell's pipeline of one value)
        if kind in ("template_substitution", "sub_expression", "parenthesized_expression"):
            return self.value(named[0]) if len(named) == 1 else None
        if kind == "interpolation":  # Ruby's `#{x}`, C#'s `{x}` (a format clause: unread)
            return self.value(named[0]) if len(named) == 1 else None
        if kind in ("scope_resolution", "class_constant_access_expression"):
            last = node.named_children[-1] if node.named_children else None
            return self.env.get(self.text(last)) if last is not None else None
        if kind in _SUMS and len(node.named_children) == 2:
            return self._binary(node.named_children[0], node.named_children[1])
        if kind == "composite_literal" and self.text(node).startswith("[]string{"):
            body = node.child_by_field_name("body")
            return self.value(body) if body is not None else None
        if kind == "literal_value" and self.language == "go":
            # one value in braces: `[]string{"close"}`, `http.Header{"A": {"b"}}`'s `{"b"}`
            return self.value(named[0]) if len(named) == 1 else None
        if kind == "macro_invocation":
            return rust_macro(self, node, self.env)
        if kind == "format_expression" and len(node.named_children) == 3:
            return dotnet_operator(self, node.named_children[0], node.named_children[2])
        if kind == "multiplicative_expression" and len(node.named_children) == 2:
            left, right = node.named_children
            if self.source[left.end_byte : right.start_byte].strip() == b"*":
                return repeat(self, left, right)
        return call_value(self, node)

    def _qualified(self, node: Node) -> str | None:
        """`Wire.Domain`, `Consts.NOTE_ID`: a constant of a class or module, by its name
        (the owner a capitalised name bound to nothing, the constant bound once)."""
        owner = next(filter(None, map(node.child_by_field_name, _OWNERS)), None)
        field = next(filter(None, map(node.child_by_field_name, _FIELDS)), None)
        if owner is None or field is None or owner.type != "identifier":
            return None
        name = self.text(owner)
        if not name[:1].isupper() or name in self.env or field.type not in NAMES:
            return None
        return self.env.get(self.text(field))

    def _string(self, node: Node) -> str | None:
        kids = [k for k in node.children if k.type not in _DELIMITERS]
        if node.type == "string_literal" and len(kids) == 1 and kids[0].type in _STRINGS:
            return self._string(kids[0])  # PowerShell's wrapper
        start, end = node.start_byte, node.end_byte
        if kids and not kids[0].is_named:
            start = kids.pop(0).end_byte
        elif self.source[start : start + 1] in (b'"', b"'", b"`"):
            start += 1
        if kids and not kids[-1].is_named:
            end = kids.pop().start_byte
        elif end > start and self.source[end - 1 : end] in (b'"', b"'", b"`"):
            end -= 1
        parts: list[str] = []
        at = start
        for kid in kids:
            if kid.start_byte < at or kid.end_byte > end:
                return None
            parts.append(self.source[at : kid.start_byte].decode("utf-8", "replace"))
            if kid.type in _FRAGMENTS and node.type == "interpolated_string_expression":
                parts.append(self.text(kid).replace("{{", "{").replace("}}", "}"))
            elif kid.type in _FRAGMENTS:
                parts.append(self.text(kid))
            elif kid.type == "escape_sequence":
                parts.append(_unescape(self.text(kid)))
            elif not kid.is_named and kid.type in ("{", "}") and self.language == "php":
                pass  # PHP's `"{$x}"`: the braces only delimit the variable
            else:
                inner = self.value(kid)
                parts.append(UNKNOWN if inner is None else inner)
            at = kid.end_byte
        parts.append(self.source[at:end].decode("utf-8", "replace"))
        out = "".join(parts)
        if node.type == "verbatim_string_characters":
            out = out.replace("''", "'")
        return out

    def _binary(self, left_node: Node, right_node: Node) -> str | None:
        """`a + b` (`.` in PHP), Ruby's `'A' * 37` and `"…%s" % [a]`."""
        op = self.source[left_node.end_byte : right_node.start_byte].strip()
        if op == b"*" and self.language == "ruby":
            return repeat(self, left_node, right_node)
        if op == b"%" and self.language == "ruby":
            return percent(self, left_node, right_node)
        if op != (b"." if self.language == "php" else b"+"):
            return None
        left, right = self.operand(left_node), self.operand(right_node)
        return None if left == right == UNKNOWN else left + right


def _plain(node: Node) -> bool:
    """A literal that spells its value itself (`foreign` reads it as written)."""
    if node.type in _NUMBERS or node.type == "word":
        return True
    if node.type not in _STRINGS:
        named = node.named_children
        return (
            len(named) == 1
            and (named[0].start_byte, named[0].end_byte)
            == (
                node.start_byte,
                node.end_byte,
            )
            and _plain(named[0])
        )
    return all(
        not kid.is_named or kid.type in _FRAGMENTS or kid.type == "escape_sequence"
        for kid in node.children
    ) and not any(kid.type in _STRINGS and not _plain(kid) for kid in node.children)


def _grammars(text: str) -> tuple[str, ...]:
    """The grammars to try, in order. Lenient grammars read other languages without an error
    (PowerShell's reads a Go file or a shell script, Go's reads JavaScript), so what the text
    says of itself goes first: Go's `package` line, Rust's `use …;` or `fn`, a shell's `#!`
    line, PHP's `<?php`, Ruby's `require '…'` and `end` lines."""
    first = text.split("\n", 1)[0]
    if _GO_PACKAGE.search(text[:4096]):
        return ("go", *MARKED)
    if _RUST.search(text[:4096]):
        return ("rust", *MARKED)
    if first.startswith("#!") and _SHELL_BANG.search(first):
        return ("shell", *MARKED)
    if text.lstrip().startswith("<?php"):
        return ("php", *MARKED)
    if len(_RUBY.findall(text[:4096])) >= 2:
        return ("ruby", *MARKED)
    return MARKED


@functools.lru_cache(maxsize=32)
def spliced_text(text: str) -> str:
    """`text` with every spliced expression that folds into a value replaced by that value
    in double quotes; `""` where nothing folds, for Python, or what no grammar reads."""
    if len(text) > MAX_TEXT:
        return ""
    parsed = best_parse(text, _grammars(text))
    if parsed.language == PYTHON:
        return ""
    folder = _Folder(parsed.source, parsed.language)
    root = parsed.tree.root_node
    folder.bind(root)
    source = parsed.source
    pieces: list[str] = []
    at = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.start_byte not in folder.declared and not _plain(node):
            value = folder.value(node)
            if value is not None and value.strip("\n"):
                pieces.append(source[at : node.start_byte].decode("utf-8", "replace"))
                pieces.append(f'"{value}"')
                at = node.end_byte
                continue
        stack.extend(reversed(node.children))
    if not pieces:
        return ""
    pieces.append(source[at:].decode("utf-8", "replace"))
    return "".join(pieces)


__all__ = ["spliced_text"]
