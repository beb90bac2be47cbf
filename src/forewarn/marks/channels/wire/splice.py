"""Values a rewrite in another language splices together, folded back into literal text.

A code assistant lifts every magic value of a leaked PoC into a constant and splices it back:
`${BASE}/readme_${NOTE_ID}.txt` in JavaScript, `fmt.Sprintf("...%d", noteID)` in Go,
`"a" + X + "b"` or `String.format` in Java, `"…$Agent"` or `-f` in PowerShell, `"${UA}"` in a
shell script. What it sends is the same, but no literal of its text holds the partner's value
with the context `foreign` anchors it on. Here the text is parsed with the grammar that reads
it best (never run), names bound once to a value they can be worked out from are folded into
every expression that uses them (strings, numbers, concatenation, template and expandable
strings, printf-, `-f`- and `format!`-style formats (`formats`), `repeat` and `join`), and
the text is written out again with each expression that folds into something no literal
spells replaced by its value in double quotes. An operand that cannot be worked out (a port
from the command line) becomes a line break, so context never crosses it. `foreign` reads
that text beside the text itself, and every reading must still agree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from tree_sitter import Node

from forewarn.marks.channels.literals.grammars import MARKED, PYTHON, best_parse
from forewarn.marks.channels.wire.formats import UNKNOWN, dotnet, printf, rust_format

MAX_TEXT = 256 * 1024
"""Only texts up to this many characters are folded (leaked tools are small)."""
MAX_VALUE = 8192
"""A folded value longer than this is not worked out (`"A".repeat(1e9)`)."""
PASSES = 4
"""Rounds of folding bindings into bindings (a constant built from constants)."""

_FRAGMENTS = frozenset(
    {
        "string_fragment",
        "string_content",
        "interpreted_string_literal_content",
        "raw_string_literal_content",
    }
)
_STRINGS = frozenset(
    {
        "string",  # JavaScript, TypeScript, shell
        "template_string",
        "interpreted_string_literal",  # Go
        "raw_string_literal",
        "string_literal",  # Java, PowerShell (wrapping the two below)
        "expandable_string_literal",
        "verbatim_string_characters",
        "raw_string",  # shell '…'
    }
)
_NUMBERS = frozenset({"number", "int_literal", "decimal_integer_literal", "integer_literal"})
_NAMES = frozenset({"identifier", "variable_name", "variable"})
_EXPANSIONS = frozenset({"simple_expansion", "expansion", "template_substitution"})
_CHANGES = frozenset(
    {
        "assignment_statement",  # Go
        "assignment_expression",  # JavaScript, Java (PowerShell's are bindings)
        "augmented_assignment_expression",
        "update_expression",
        "inc_statement",
        "dec_statement",
    }
)
_MEMBERS = frozenset({"method_invocation", "field_access", "member_expression"})
_PASSED = frozenset({"encodeURIComponent", "encodeURI", "QueryEscape", "PathEscape"})
"""Calls that only percent-encode their argument (`foreign` reads either form)."""
_GO_PACKAGE = re.compile(r"^package [A-Za-z_]\w*[ \t]*$", re.MULTILINE)
_RUST = re.compile(r"^(?:use [\w:{}, *]+;|(?:pub )?fn \w+\()", re.MULTILINE)
_SHELL_BANG = re.compile(r"[/ ](?:ba|z|k|da)?sh\b")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def _unescape(text: str) -> str:
    if len(text) >= 2 and text[0] in "\\`":
        return _ESCAPES.get(text[1], text[1:])
    return text


def _name(node: Node, source: bytes, language: str) -> str:
    """A bound name as every reference spells it (`$Ua`, `${ua}` → `ua` in PowerShell,
    `${UA}` → `UA` in a shell script)."""
    text = source[node.start_byte : node.end_byte].decode("utf-8", "replace")
    if node.type in ("variable", "simple_expansion", "expansion", "braced_variable"):
        text = text.lstrip("$").strip("{}")
    return text.lower() if language == "powershell" else text


def _is_member(node: Node) -> bool:
    """Whether `node` names a member (`x.body()`, `req.Header`), never a bound value."""
    parent = node.parent
    if parent is None or parent.type not in _MEMBERS:
        return False
    owner = parent.child_by_field_name("object") or parent.child_by_field_name("operand")
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
        for node in _walk(root):
            pairs.extend(self._bindings(node))
        counts: dict[str, int] = {}
        for name, _ in pairs:
            counts[name] = counts.get(name, 0) + 1
        for name in self._reassigned(root):
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

    def _reassigned(self, root: Node) -> Iterator[str]:
        """Names a statement changes after binding them (`port = os.Args[1]`, `i++`)."""
        for node in _walk(root):
            if node.type == "assignment_expression" and self.language == "powershell":
                continue  # a binding there (`$who = …`), counted by `_bindings`
            if node.type in _CHANGES:
                left = node.child_by_field_name("left") or node.child_by_field_name("argument")
                if left is None and node.named_children:
                    left = node.named_children[0]
                if left is None:
                    continue
                targets = left.named_children if left.type == "expression_list" else [left]
                yield from (
                    _name(t, self.source, self.language) for t in targets if t.type in _NAMES
                )

    def _bindings(self, node: Node) -> Iterator[tuple[str, Node]]:
        kind = node.type
        if kind in ("variable_declarator", "variable_assignment"):
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and value is not None and name.type in _NAMES:
                self.declared.add(name.start_byte)
                yield _name(name, self.source, self.language), value
        elif kind in ("const_item", "static_item", "let_declaration"):  # Rust
            name = node.child_by_field_name("name") or node.child_by_field_name("pattern")
            value = node.child_by_field_name("value")
            if name is not None and value is not None and name.type == "identifier":
                self.declared.add(name.start_byte)
                yield _name(name, self.source, self.language), value
        elif kind in ("const_spec", "var_spec", "short_var_declaration"):
            left = node.child_by_field_name("left") or node
            names = [c for c in left.named_children if c.type == "identifier"]
            if kind != "short_var_declaration":
                names = node.children_by_field_name("name")
            right = node.child_by_field_name("right") or node.child_by_field_name("value")
            values = right.named_children if right is not None else []
            if len(names) == len(values):
                for name, value in zip(names, values, strict=True):
                    self.declared.add(name.start_byte)
                    yield _name(name, self.source, self.language), value
        elif kind == "assignment_expression" and self.language == "powershell":
            named = node.named_children
            if len(named) < 3:  # target, operator, value
                return
            variables = [n for n in _walk(named[0]) if n.type == "variable"]
            if len(variables) == 1 and self.text(named[0]).strip() == self.text(variables[0]):
                self.declared.add(variables[0].start_byte)
                yield _name(variables[0], self.source, self.language), named[-1]

    def value(self, node: Node) -> str | None:
        """The value `node` folds into, `None` where it cannot be worked out."""
        found = self._value(node)
        return found if found is None or len(found) <= MAX_VALUE else None

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
        if kind in _NAMES and _is_member(node):
            return None
        if kind in _NAMES or kind in ("simple_expansion", "expansion"):
            if kind == "variable" and node.named_children:  # `${A}` in PowerShell
                return self.env.get(_name(node.named_children[0], self.source, self.language))
            if kind == "expansion":
                inner = node.named_children
                if len(inner) != 1 or inner[0].type != "variable_name":
                    return None  # `${A:-default}`, `${#A}`: not a plain reference
            if kind in ("simple_expansion", "expansion"):
                return self.env.get(_name(node, self.source, self.language))
            return self.env.get(_name(node, self.source, self.language))
        named = node.named_children
        if len(named) == 1 and (named[0].start_byte, named[0].end_byte) == (
            node.start_byte,
            node.end_byte,
        ):
            return self.value(named[0])  # a wrapper (PowerShell's pipeline of one value)
        if kind in ("template_substitution", "sub_expression", "parenthesized_expression"):
            inner = node.named_children
            return self.value(inner[0]) if len(inner) == 1 else None
        if kind in ("binary_expression", "additive_expression"):
            return self._sum(node)
        if kind == "composite_literal" and self.text(node).startswith("[]string{"):
            body = node.child_by_field_name("body")
            return self.value(body) if body is not None else None
        if kind == "literal_value" and self.language == "go":
            # one value in braces: `[]string{"close"}`, `http.Header{"A": {"b"}}`'s `{"b"}`
            inner = node.named_children
            return self.value(inner[0]) if len(inner) == 1 else None
        if kind in ("call_expression", "method_invocation"):
            return self._call(node)
        if kind == "macro_invocation":
            return self._rust_format(node)
        if kind == "format_expression" and len(node.named_children) == 3:
            return self._dotnet(node.named_children[0], node.named_children[2])
        if kind == "multiplicative_expression" and len(node.named_children) == 2:
            op = self.source[node.named_children[0].end_byte : node.named_children[1].start_byte]
            if op.strip() == b"*":
                return self._repeat(node.named_children[0], node.named_children[1])
        return None

    def _string(self, node: Node) -> str | None:
        kids = list(node.children)
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
            if kid.type in _FRAGMENTS:
                parts.append(self.text(kid))
            elif kid.type == "escape_sequence":
                parts.append(_unescape(self.text(kid)))
            else:
                inner = self.value(kid)
                parts.append(UNKNOWN if inner is None else inner)
            at = kid.end_byte
        parts.append(self.source[at:end].decode("utf-8", "replace"))
        out = "".join(parts)
        if node.type == "verbatim_string_characters":
            out = out.replace("''", "'")
        return out

    def _operand(self, node: Node) -> str:
        found = self.value(node)
        return UNKNOWN if found is None else found

    def _sum(self, node: Node) -> str | None:
        named = node.named_children
        if len(named) != 2:
            return None
        op = self.source[named[0].end_byte : named[1].start_byte].strip()
        if op != b"+":
            return None
        left, right = self._operand(named[0]), self._operand(named[1])
        return None if left == right == UNKNOWN else left + right

    def _call(self, node: Node) -> str | None:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if arguments is None:
            return None
        args = list(arguments.named_children)
        if function is not None:  # Go, JavaScript: `fmt.Sprintf(...)`, `'A'.repeat(n)`
            target = (
                function.child_by_field_name("object")
                or function.child_by_field_name("operand")
                or function.child_by_field_name("value")  # Rust's `"A".repeat(37)`
            )
            field = function.child_by_field_name("property") or function.child_by_field_name(
                "field"
            )
        else:  # Java: `String.format(...)`, `"A".repeat(n)`
            target = node.child_by_field_name("object")
            field = node.child_by_field_name("name")
        method = self.text(field) if field is not None else ""
        owner = self.text(target) if target is not None else ""
        if function is not None and function.type == "identifier":
            method = self.text(function)
        if method in _PASSED or (owner == "URLEncoder" and method == "encode"):
            return self.value(args[0]) if args else None
        if owner in ("fmt", "String") and method in ("Sprintf", "format") and args:
            return self._printf(args[0], args[1:])
        if method == "formatted" and target is not None:
            return self._printf(target, args)
        if owner == "strings" and method == "Repeat" and len(args) == 2:
            return self._repeat(args[0], args[1])
        if method == "repeat" and target is not None and len(args) == 1:
            return self._repeat(target, args[0])
        if method == "join" and target is not None and target.type == "array" and len(args) == 1:
            sep = self.value(args[0])
            items = [self._operand(item) for item in target.named_children]
            return None if sep is None else sep.join(items)
        return None

    def _repeat(self, text_node: Node, count_node: Node) -> str | None:
        text, count = self.value(text_node), self.value(count_node)
        if text is None or count is None or not count.isdigit():
            return None
        if len(text) * int(count) > MAX_VALUE:
            return None
        return text * int(count)

    def _printf(self, format_node: Node, arg_nodes: Sequence[Node]) -> str | None:
        template = self.value(format_node)
        if template is None:
            return None
        return printf(template, [self._operand(a) for a in arg_nodes])

    def _rust_format(self, node: Node) -> str | None:
        """`format!("{}/x?a={id}", base)`."""
        macro = node.child_by_field_name("macro")
        tree = next((c for c in node.named_children if c.type == "token_tree"), None)
        if macro is None or tree is None or self.text(macro) != "format":
            return None
        parts = tree.named_children
        if not parts or parts[0].type != "string_literal":
            return None
        template = self.value(parts[0])
        if template is None:
            return None
        return rust_format(template, [self._operand(a) for a in parts[1:]], self.env)

    def _dotnet(self, format_node: Node, args_node: Node) -> str | None:
        template = self.value(format_node)
        if template is None:
            return None
        items = args_node
        while items.type != "array_literal_expression" and len(items.named_children) == 1:
            items = items.named_children[0]
        nodes = items.named_children if items.type == "array_literal_expression" else [items]
        return dotnet(template, [self._operand(n) for n in nodes])


def _walk(root: Node) -> Iterator[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


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
    line."""
    first = text.split("\n", 1)[0]
    if _GO_PACKAGE.search(text[:4096]):
        return ("go", *MARKED)
    if _RUST.search(text[:4096]):
        return ("rust", *MARKED)
    if first.startswith("#!") and _SHELL_BANG.search(first):
        return ("shell", *MARKED)
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
