"""The spellings of strings and collections: operators, formatting, and the methods PoCs use.

Everything here computes on the stand-ins of `values`; an operation whose result cannot be known
gives `UNKNOWN` (or a placeholder span inside a string), never a guess and never an exception.
Widths, repetitions and sizes are checked before anything is built, so `"A" * 10**12` or
`"{:999999999}"` cost nothing.
"""

from __future__ import annotations

import ast
import operator
import re
import string
from collections.abc import Callable
from typing import Any

from forewarn.marks.wire.values import (
    PLACEHOLDER,
    PLACEHOLDER_BYTES,
    UNKNOWN,
    DictV,
    InstanceV,
    Limits,
    ListV,
    Stop,
)

_PRIMITIVE = (str, int, float, bool, bytes, type(None))
_PERCENT = re.compile(r"%(?:\((\w+)\))?([-#0 +]*)(\d*)(?:\.(\d+))?([diouxXeEfFgGcrsa%])")
_WIDTH = re.compile(r"(\d+)")
_MAX_WIDTH = 4096


def text(value: Any) -> str:
    """`value` in a string context (`str()`, `+` with a string, a format field)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float) or value is None:
        return str(value)
    if isinstance(value, bytes):
        return repr(value) if PLACEHOLDER_BYTES not in value else PLACEHOLDER
    return PLACEHOLDER


def raw(value: Any) -> bytes:
    """`value` in a bytes context: bytes as they are, text UTF-8 encoded, else a placeholder."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return encode(value, "utf-8")
    return PLACEHOLDER_BYTES


def encode(value: str, encoding: str) -> bytes | Any:
    """`value.encode(encoding)`, keeping placeholders as placeholders."""
    try:
        return PLACEHOLDER_BYTES.join(part.encode(encoding) for part in value.split(PLACEHOLDER))
    except (LookupError, UnicodeError):
        return UNKNOWN


def decode(value: bytes, encoding: str) -> str | Any:
    """`value.decode(encoding)`, keeping placeholders as placeholders."""
    try:
        return PLACEHOLDER.join(
            part.decode(encoding, "replace") for part in value.split(PLACEHOLDER_BYTES)
        )
    except LookupError:
        return UNKNOWN


_SMALL = frozenset({int, float, bool, type(None)})
"""Exact types `check` passes at once (most values of a PoC's expressions are one)."""


def check(value: Any, limits: Limits) -> Any:
    """`value`, or `Stop` when it is bigger than the limits allow."""
    if type(value) in _SMALL:
        return value  # a number, a truth value, nothing: never too big
    if isinstance(value, str | bytes) and len(value) > limits.max_string:
        raise Stop("a computed string is longer than the limit")
    if isinstance(value, ListV | tuple | DictV):
        if isinstance(value, ListV):
            size = len(value.items)
        else:
            size = len(value.pairs) if isinstance(value, DictV) else len(value)
        if size > limits.max_items:
            raise Stop("a computed collection is larger than the limit")
    return value


def pairs_of(value: Any) -> tuple[tuple[Any, Any], ...] | None:
    """The `(key, value)` pairs of a dict or of a list/tuple of pairs, else `None`."""
    if isinstance(value, DictV):
        return value.pairs
    items = value.items if isinstance(value, ListV) else value
    if not isinstance(items, tuple):
        return None
    out: list[tuple[Any, Any]] = []
    for item in items:
        inner = item.items if isinstance(item, ListV) else item
        if not isinstance(inner, tuple) or len(inner) != 2:
            return None
        out.append((inner[0], inner[1]))
    return tuple(out)


def sequence(value: Any) -> tuple[Any, ...] | None:
    """The elements of an iterable value whose elements are known, else `None`."""
    if isinstance(value, ListV):
        return value.items
    if isinstance(value, tuple):
        return value
    if isinstance(value, DictV):
        return tuple(k for k, _ in value.pairs)
    if isinstance(value, str) and PLACEHOLDER not in value:
        return tuple(value)
    return None


def concrete(value: Any) -> Any:
    """A plain Python value for a standard-library call; unknowns become placeholders."""
    if isinstance(value, DictV):
        return {concrete(k): concrete(v) for k, v in value.pairs}
    if isinstance(value, ListV):
        return [concrete(v) for v in value.items]
    if isinstance(value, tuple):
        return tuple(concrete(v) for v in value)
    if isinstance(value, _PRIMITIVE):
        return value
    return PLACEHOLDER


def _width_ok(spec: str) -> bool:
    return all(int(n) <= _MAX_WIDTH for n in _WIDTH.findall(spec))


def format_value(value: Any, spec: str, conversion: int | str = -1) -> str:
    """One replacement field of `format` or an f-string."""
    if conversion in ("r", ord("r")) or conversion in ("a", ord("a")):
        if not isinstance(value, _PRIMITIVE) or not _known_primitive(value):
            return PLACEHOLDER
        value = repr(value) if conversion in ("r", ord("r")) else ascii(value)
    elif conversion in ("s", ord("s")):
        value = text(value)
    if not spec:
        return text(value)
    if "{" in spec or not _width_ok(spec) or not _known_primitive(value):
        return PLACEHOLDER
    try:
        return format(value, spec)
    except (ValueError, TypeError):
        return PLACEHOLDER


def known_text(value: str) -> bool:
    """Whether a string has no unknown span."""
    return PLACEHOLDER not in value


def _known_primitive(value: Any) -> bool:
    if isinstance(value, str):
        return PLACEHOLDER not in value
    return isinstance(value, _PRIMITIVE)


def str_format(template: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """`template.format(*args, **kwargs)`, field by field."""
    out: list[str] = []
    auto = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return PLACEHOLDER
    for literal, name, spec, conversion in parsed:
        out.append(literal)
        if name is None:
            continue
        if name == "":
            name = str(auto)
            auto += 1
        if name.isdigit():
            index = int(name)
            value = args[index] if index < len(args) else UNKNOWN
        elif name.isidentifier():
            value = kwargs.get(name, UNKNOWN)
        else:
            value = UNKNOWN
        out.append(format_value(value, spec or "", conversion or -1))
    return "".join(out)


def percent_format(template: str, args: Any) -> str:
    """`template % args`, conversion by conversion; unknown arguments give placeholders."""
    mapping = args if isinstance(args, DictV) else None
    items = args if isinstance(args, tuple) else (args,)
    position = 0
    out: list[str] = []
    last = 0
    for match in _PERCENT.finditer(template):
        out.append(template[last : match.start()])
        last = match.end()
        key, flags, width, precision, kind = match.groups()
        if kind == "%":
            out.append("%")
            continue
        if key is not None:
            value = mapping.get(key, UNKNOWN) if mapping is not None else UNKNOWN
        else:
            value = items[position] if position < len(items) else UNKNOWN
            position += 1
        spec = "%" + flags + width + ("." + precision if precision else "") + kind
        if not _width_ok(spec) or not _known_primitive(value):
            out.append(PLACEHOLDER if kind in "sra" else PLACEHOLDER)
            continue
        try:
            out.append(spec % (value,))
        except (TypeError, ValueError, OverflowError):
            out.append(PLACEHOLDER)
    out.append(template[last:])
    return "".join(out)


def repeat(value: Any, count: Any, limits: Limits) -> Any:
    """`value * count` for strings, bytes and lists; a result over the size limit is unknown."""
    if not isinstance(count, int) or isinstance(count, bool):
        return UNKNOWN
    size = len(value.items) if isinstance(value, ListV) else len(value)
    if size * max(count, 0) > limits.max_string:
        if isinstance(value, str):
            return PLACEHOLDER
        return PLACEHOLDER_BYTES if isinstance(value, bytes) else UNKNOWN
    if isinstance(value, ListV):
        return ListV(value.items * count)
    return value * count


_ARITH: dict[type[ast.operator], str] = {
    ast.Add: "__add__",
    ast.Sub: "__sub__",
    ast.Mult: "__mul__",
    ast.Div: "__truediv__",
    ast.FloorDiv: "__floordiv__",
    ast.Mod: "__mod__",
    ast.BitAnd: "__and__",
    ast.BitOr: "__or__",
    ast.BitXor: "__xor__",
    ast.LShift: "__lshift__",
    ast.RShift: "__rshift__",
}


def binary(op: ast.operator, left: Any, right: Any, limits: Limits) -> Any:
    """`left op right` on stand-ins."""
    if isinstance(op, ast.Add):
        if isinstance(left, str) or isinstance(right, str):
            if isinstance(left, str | type(UNKNOWN)) and isinstance(right, str | type(UNKNOWN)):
                return check(text(left) + text(right), limits)
            return UNKNOWN
        if isinstance(left, bytes) and isinstance(right, bytes):
            return check(left + right, limits)
        if isinstance(left, ListV) and isinstance(right, ListV):
            return check(ListV(left.items + right.items), limits)
        if isinstance(left, tuple) and isinstance(right, tuple):
            return check(left + right, limits)
    if isinstance(op, ast.Mod) and isinstance(left, str):
        return check(percent_format(left, right), limits)
    if isinstance(op, ast.Mult):
        if isinstance(left, str | bytes | ListV):
            return repeat(left, right, limits)
        if isinstance(right, str | bytes | ListV):
            return repeat(right, left, limits)
    if isinstance(op, ast.BitOr) and isinstance(left, DictV) and isinstance(right, DictV):
        return left.merge(right.pairs)
    numbers = (int, float)
    if isinstance(left, numbers) and isinstance(right, numbers) and type(op) in _ARITH:
        if isinstance(op, ast.LShift) and isinstance(right, int) and right > 64:
            return UNKNOWN
        try:
            return getattr(left, _ARITH[type(op)])(right)
        except (ArithmeticError, ValueError):
            return UNKNOWN
    if isinstance(op, ast.Pow) and isinstance(left, int) and isinstance(right, int):
        return left**right if 0 <= right <= 64 and abs(left) < 1 << 32 else UNKNOWN
    return UNKNOWN


def _member(value: Any) -> bool:
    """An `Enum` member (`classes` makes them only when a suspect is read to `follow`)."""
    return isinstance(value, InstanceV) and value.cls.members is not None


def compare(op: ast.cmpop, left: Any, right: Any) -> bool | Any:
    """`left op right` when both sides are known plain values, else `UNKNOWN`."""
    if isinstance(op, ast.Is | ast.IsNot):
        if _member(left) and _member(right):  # `step is Step.PROBE`
            same = left is right
            return same if isinstance(op, ast.Is) else not same
        if left is None or right is None:
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            same = left is right
            return same if isinstance(op, ast.Is) else not same
        return UNKNOWN
    if isinstance(op, ast.In | ast.NotIn):
        items = sequence(right)
        if isinstance(right, str) and isinstance(left, str) and _known_primitive(left):
            if PLACEHOLDER in right:
                return UNKNOWN
            found = left in right
        elif items is None or not _known_primitive(left):
            return UNKNOWN
        elif not all(_known_primitive(i) for i in items):
            return UNKNOWN
        else:
            found = left in items
        return found if isinstance(op, ast.In) else not found
    if not (_known_primitive(left) and _known_primitive(right)):
        return UNKNOWN
    table: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
        ast.Eq: operator.eq,
        ast.NotEq: operator.ne,
        ast.Lt: operator.lt,
        ast.LtE: operator.le,
        ast.Gt: operator.gt,
        ast.GtE: operator.ge,
    }
    try:
        return bool(table[type(op)](left, right))
    except (TypeError, KeyError):
        return UNKNOWN
