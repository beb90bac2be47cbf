"""Calls that build a string, folded per language (`splice` works out their operands).

Each language spells the same few string builders its own way: printf (`fmt.Sprintf`,
`String.format`, Ruby's `format` and `%`, PHP's `sprintf`), .NET's `string.Format`, Rust's
`format!`, repetition (`'A'.repeat(37)`, `strings.Repeat`, `str_repeat`, `new string('A', 37)`),
joining (`[…].join('; ')`, `implode`, `string.Join`) and percent-encoding, which `foreign` reads
in either form. Anything else is not worked out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from tree_sitter import Node

from forewarn.marks.channels.wire.formats import UNKNOWN, dotnet, printf, rust_format

MAX_VALUE = 8192
"""A folded value longer than this is not worked out (`"A".repeat(1e9)`)."""

_PASSED = frozenset(
    {
        "encodeURIComponent",
        "encodeURI",
        "QueryEscape",
        "PathEscape",
        "url_encode",  # Ruby's ERB::Util
        "encode_www_form_component",
        "rawurlencode",  # PHP
        "urlencode",
        "EscapeDataString",  # C#'s Uri
        "UrlEncode",
        "to_s",  # Ruby, C#: the value itself
        "ToString",
        "strval",
    }
)
"""Calls that only percent-encode or print their argument (or receiver)."""
_PRINTF = frozenset({"Sprintf", "format", "sprintf", "Format"})
_JOINS = frozenset({"join", "implode", "Join"})
_ARRAYS = frozenset(
    {"array", "array_creation_expression", "implicit_array_creation_expression"}
    | {"initializer_expression", "array_creation_expression"}
)


class Folding(Protocol):
    """What a call needs of the folder: its text, its values and its bound names."""

    language: str
    env: dict[str, str]

    def text(self, node: Node) -> str: ...

    def value(self, node: Node) -> str | None: ...

    def operand(self, node: Node) -> str: ...


def _args(arguments: Node | None) -> list[Node]:
    """Argument nodes with PHP's and C#'s `argument` wrappers taken off."""
    if arguments is None:
        return []
    out: list[Node] = []
    for arg in arguments.named_children:
        if arg.type == "argument" and len(arg.named_children) == 1:
            arg = arg.named_children[0]
        if arg.type not in ("comment", "block_argument"):
            out.append(arg)
    return out


def _parts(node: Node) -> tuple[Node | None, str, list[Node]] | None:
    """The receiver, method name and arguments of a call in any grammar."""
    kind = node.type
    if kind == "call":  # Ruby: receiver.method(arguments)
        method = node.child_by_field_name("method")
        if method is None:
            return None
        return (
            node.child_by_field_name("receiver"),
            method.text.decode() if method.text else "",
            (_args(node.child_by_field_name("arguments"))),
        )
    arguments = node.child_by_field_name("arguments")
    if arguments is None:
        return None
    if kind == "method_invocation":  # Java: object.name(arguments)
        field = node.child_by_field_name("name")
        name = field.text.decode() if field is not None and field.text else ""
        return node.child_by_field_name("object"), name, _args(arguments)
    if kind == "member_call_expression":  # PHP: $object->name(arguments)
        field = node.child_by_field_name("name")
        name = field.text.decode() if field is not None and field.text else ""
        return node.child_by_field_name("object"), name, _args(arguments)
    function = node.child_by_field_name("function")
    if function is None:
        return None
    if function.type in ("identifier", "name"):  # `encodeURIComponent(x)`, PHP's `sprintf(…)`
        return None, function.text.decode() if function.text else "", _args(arguments)
    target = (
        function.child_by_field_name("object")  # JavaScript
        or function.child_by_field_name("operand")  # Go
        or function.child_by_field_name("value")  # Rust's `"A".repeat(37)`
        or function.child_by_field_name("expression")  # C#'s `string.Format`
        or function.child_by_field_name("scope")  # PHP's `Str::repeat`
    )
    field = (
        function.child_by_field_name("property")
        or function.child_by_field_name("field")
        or function.child_by_field_name("name")
    )
    name = field.text.decode() if field is not None and field.text else ""
    return target, name, _args(arguments)


def call_value(folder: Folding, node: Node) -> str | None:
    """The value a call folds into, `None` where it is no string builder worked out here."""
    if node.type == "object_creation_expression":  # C#'s `new string('A', 37)`
        kind = node.child_by_field_name("type")
        args = _args(node.child_by_field_name("arguments"))
        if kind is not None and folder.text(kind) in ("string", "String") and len(args) == 2:
            return repeat(folder, args[0], args[1])
        return None
    parts = _parts(node)
    if parts is None:
        return None
    target, method, args = parts
    owner = folder.text(target) if target is not None else ""
    if method in _PASSED or (owner == "URLEncoder" and method == "encode"):
        if not args and target is not None:
            return folder.value(target)  # `ID.to_s`, `id.ToString()`
        return folder.value(args[0]) if args else None
    if method in _PRINTF and args and owner in ("fmt", "String", "string", "Kernel", ""):
        if method == "Format":  # .NET composite formatting
            return _dotnet(folder, args[0], args[1:])
        return _printf(folder, args[0], args[1:])
    if method == "formatted" and target is not None:
        return _printf(folder, target, args)
    if method in ("Repeat", "str_repeat") and len(args) == 2:
        return repeat(folder, args[0], args[1])
    if method == "repeat" and target is not None and len(args) == 1:
        return repeat(folder, target, args[0])
    if method in _JOINS:
        return _join(folder, target, args)
    if method in ("Concat", "concat") and owner in ("string", "String") and args:
        return _concat([folder.operand(a) for a in args])
    return None


def _concat(parts: Sequence[str]) -> str | None:
    return None if all(p == UNKNOWN for p in parts) else "".join(parts)


def _join(folder: Folding, target: Node | None, args: Sequence[Node]) -> str | None:
    """`[…].join(sep)` (JavaScript, Ruby), `implode(sep, […])`, `string.Join(sep, …)`."""
    if target is not None and target.type in _ARRAYS and len(args) == 1:
        sep, items = folder.value(args[0]), _items(target)
    elif len(args) == 2 and args[1].type in _ARRAYS:
        sep, items = folder.value(args[0]), _items(args[1])
    elif len(args) > 2 and folder.language == "csharp":
        sep, items = folder.value(args[0]), list(args[1:])
    else:
        return None
    return None if sep is None else sep.join(folder.operand(i) for i in items)


def _items(array: Node) -> list[Node]:
    """An array literal's elements (PHP's `array_element_initializer`s unwrapped)."""
    if array.type == "implicit_array_creation_expression":
        inner = next((c for c in array.named_children if c.type == "initializer_expression"), None)
        return _items(inner) if inner is not None else []
    out: list[Node] = []
    for item in array.named_children:
        if item.type == "array_element_initializer" and len(item.named_children) == 1:
            item = item.named_children[0]
        if item.type != "comment":
            out.append(item)
    return out


def repeat(folder: Folding, text_node: Node, count_node: Node) -> str | None:
    """`text_node` repeated `count_node` times, within `MAX_VALUE`."""
    text, count = folder.value(text_node), folder.value(count_node)
    if text is None or count is None or not count.isdigit():
        return None
    if len(text) * int(count) > MAX_VALUE:
        return None
    return text * int(count)


def _printf(folder: Folding, format_node: Node, arg_nodes: Sequence[Node]) -> str | None:
    template = folder.value(format_node)
    if template is None:
        return None
    return printf(template, [folder.operand(a) for a in arg_nodes])


def percent(folder: Folding, format_node: Node, args_node: Node) -> str | None:
    """Ruby's `"…%s…" % [a, b]` (or `% a`)."""
    nodes = _items(args_node) if args_node.type == "array" else [args_node]
    return _printf(folder, format_node, nodes)


def _dotnet(folder: Folding, format_node: Node, arg_nodes: Sequence[Node]) -> str | None:
    template = folder.value(format_node)
    if template is None:
        return None
    return dotnet(template, [folder.operand(n) for n in arg_nodes])


def dotnet_operator(folder: Folding, format_node: Node, args_node: Node) -> str | None:
    """PowerShell's `'{0}-{1}' -f a, b`."""
    items = args_node
    while items.type != "array_literal_expression" and len(items.named_children) == 1:
        items = items.named_children[0]
    nodes = items.named_children if items.type == "array_literal_expression" else [items]
    return _dotnet(folder, format_node, nodes)


def rust_macro(folder: Folding, node: Node, names: Mapping[str, str]) -> str | None:
    """`format!("{}/x?a={id}", base)`."""
    macro = node.child_by_field_name("macro")
    tree = next((c for c in node.named_children if c.type == "token_tree"), None)
    if macro is None or tree is None or folder.text(macro) != "format":
        return None
    parts = tree.named_children
    if not parts or parts[0].type != "string_literal":
        return None
    template = folder.value(parts[0])
    if template is None:
        return None
    return rust_format(template, [folder.operand(a) for a in parts[1:]], names)


__all__ = ["MAX_VALUE", "Folding", "call_value", "dotnet_operator", "percent", "repeat"]
