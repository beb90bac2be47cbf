"""What builtins, standard-library helpers and the methods of strings, lists and dicts return.

Only pure functions whose result follows from their arguments are modelled (`urlencode`,
`quote`, `json.dumps`, `base64`, `str.join`, `dict.update`, …); anything else (`input`,
`random`, `os.environ`, `time`) gives `UNKNOWN`. A mutating method returns the receiver's new
value beside its result, and the interpreter rebinds the name or attribute that held it.
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.parse
from collections.abc import Callable
from typing import Any

from forewarn.marks.wire.spellings import (
    check,
    concrete,
    decode,
    encode,
    pairs_of,
    sequence,
    str_format,
    text,
)
from forewarn.marks.wire.values import (
    PLACEHOLDER,
    PLACEHOLDER_BYTES,
    UNKNOWN,
    DictV,
    Limits,
    ListV,
)

NO_CHANGE: Any = object()
"""Returned beside a method's result when the receiver is unchanged."""

Args = tuple[Any, ...]
Kwargs = dict[str, Any]


def _unplace(value: str) -> str:
    """Undo `json`'s escaping of the placeholder so that it still reads as unknown."""
    return value.replace("\\ufffd", PLACEHOLDER)


def _json_dumps(args: Args, kwargs: Kwargs) -> Any:
    if not args:
        return UNKNOWN
    options: dict[str, Any] = {}
    for name in ("sort_keys", "ensure_ascii", "indent", "separators"):
        if name in kwargs:
            options[name] = concrete(kwargs[name])
    try:
        return _unplace(json.dumps(concrete(args[0]), **options))
    except (TypeError, ValueError):
        return UNKNOWN


def _urlencode(args: Args, kwargs: Kwargs) -> Any:
    pairs = pairs_of(args[0]) if args else None
    if pairs is None:
        return UNKNOWN
    doseq = bool(concrete(kwargs.get("doseq", args[1] if len(args) > 1 else False)))
    safe = kwargs.get("safe", "")
    try:
        return urllib.parse.urlencode(
            [(concrete(k), concrete(v)) for k, v in pairs],
            doseq=doseq,
            safe=safe if isinstance(safe, str) else "",
        )
    except TypeError:
        return UNKNOWN


def _quoter(plus: bool) -> Callable[[Args, Kwargs], Any]:
    def quote(args: Args, kwargs: Kwargs) -> Any:
        if not args or not isinstance(args[0], str | bytes):
            return UNKNOWN
        default = "" if plus else "/"
        safe = kwargs.get("safe", args[1] if len(args) > 1 else default)
        if not isinstance(safe, str):
            return UNKNOWN
        parts = args[0].split(PLACEHOLDER) if isinstance(args[0], str) else [args[0]]
        fn = urllib.parse.quote_plus if plus else urllib.parse.quote
        return PLACEHOLDER.join(fn(part, safe=safe) for part in parts)

    return quote


def _unquoter(plus: bool) -> Callable[[Args, Kwargs], Any]:
    def unquote(args: Args, kwargs: Kwargs) -> Any:
        if not args or not isinstance(args[0], str):
            return UNKNOWN
        fn = urllib.parse.unquote_plus if plus else urllib.parse.unquote
        return fn(args[0])

    return unquote


def _b64(fn: Callable[[bytes], bytes]) -> Callable[[Args, Kwargs], Any]:
    def code(args: Args, kwargs: Kwargs) -> Any:
        if not args or not isinstance(args[0], bytes) or PLACEHOLDER_BYTES in args[0]:
            return UNKNOWN
        try:
            return fn(args[0])
        except (binascii.Error, ValueError):
            return UNKNOWN

    return code


def _urljoin(args: Args, kwargs: Kwargs) -> Any:
    if len(args) < 2 or not all(isinstance(a, str) for a in args[:2]):
        return UNKNOWN
    base, url = args[0], args[1]
    if PLACEHOLDER in url:
        return UNKNOWN
    if url.startswith("/") and not url.startswith("//"):
        scheme, sep, rest = base.partition("://")
        host = rest.split("/", 1)[0] if sep else base.split("/", 1)[0]
        return (scheme + sep if sep else "") + host + url
    return urllib.parse.urljoin(base, url) if PLACEHOLDER not in base else UNKNOWN


FUNCTIONS: dict[str, Callable[[Args, Kwargs], Any]] = {
    "json.dumps": _json_dumps,
    "urllib.parse.urlencode": _urlencode,
    "urllib.urlencode": _urlencode,
    "urllib.parse.quote": _quoter(plus=False),
    "urllib.parse.quote_plus": _quoter(plus=True),
    "urllib.parse.unquote": _unquoter(plus=False),
    "urllib.parse.unquote_plus": _unquoter(plus=True),
    "urllib.parse.urljoin": _urljoin,
    "base64.b64encode": _b64(base64.b64encode),
    "base64.b64decode": _b64(base64.b64decode),
    "base64.urlsafe_b64encode": _b64(base64.urlsafe_b64encode),
    "base64.urlsafe_b64decode": _b64(base64.urlsafe_b64decode),
    "binascii.hexlify": _b64(binascii.hexlify),
}
"""Standard-library functions modelled, by dotted name."""


def builtin(name: str, args: Args, kwargs: Kwargs, limits: Limits) -> Any:
    """What the builtin `name` returns for these arguments."""
    first = args[0] if args else None
    if name == "dict":
        base = DictV(())
        if args:
            pairs = pairs_of(first)
            if pairs is None:
                return UNKNOWN
            base = base.merge(pairs)
        return check(base.merge(tuple(kwargs.items())), limits)
    if name in ("list", "tuple", "sorted", "reversed", "set", "frozenset"):
        items = sequence(first) if args else ()
        if items is None:
            return UNKNOWN
        if name == "sorted":
            try:
                items = tuple(sorted(items, reverse=bool(kwargs.get("reverse", False))))
            except TypeError:
                return UNKNOWN
        elif name == "reversed":
            items = tuple(reversed(items))
        return items if name == "tuple" else ListV(items)
    if name == "str":
        return text(first) if args else ""
    if name == "bytes":
        return (
            encode(first, str(concrete(args[1])) if len(args) > 1 else "utf-8")
            if isinstance(first, str)
            else UNKNOWN
        )
    if name in ("int", "float"):
        try:
            return (
                (int if name == "int" else float)(first)
                if isinstance(first, str | int | float)
                else UNKNOWN
            )
        except ValueError:
            return UNKNOWN
    if name == "len":
        if isinstance(first, str) and PLACEHOLDER in first:
            return UNKNOWN
        items = sequence(first)
        return (
            len(items)
            if items is not None
            else (len(first) if isinstance(first, bytes) else UNKNOWN)
        )
    if name == "range":
        if not args or not all(isinstance(a, int) for a in args):
            return UNKNOWN
        window = range(*args[:3])
        return ListV(tuple(window)) if len(window) <= limits.max_items else UNKNOWN
    if name == "enumerate":
        items = sequence(first)
        start = args[1] if len(args) > 1 else kwargs.get("start", 0)
        if items is None or not isinstance(start, int):
            return UNKNOWN
        return ListV(tuple((start + i, item) for i, item in enumerate(items)))
    if name == "zip":
        columns = [sequence(a) for a in args]
        if any(c is None for c in columns):
            return UNKNOWN
        return ListV(tuple(zip(*columns, strict=False)))
    if name == "print":
        return None
    return UNKNOWN


BUILTINS = frozenset(
    "dict list tuple sorted reversed set frozenset str bytes int float len range enumerate zip "
    "print".split()
)
"""Builtin names with a model here."""


def method(receiver: Any, name: str, args: Args, kwargs: Kwargs, limits: Limits) -> tuple[Any, Any]:
    """`receiver.name(*args, **kwargs)`: the result and the receiver's new value or `NO_CHANGE`."""
    if isinstance(receiver, str):
        return _str_method(receiver, name, args, kwargs, limits), NO_CHANGE
    if isinstance(receiver, bytes):
        return _bytes_method(receiver, name, args, limits), NO_CHANGE
    if isinstance(receiver, DictV):
        return _dict_method(receiver, name, args, kwargs, limits)
    if isinstance(receiver, ListV):
        return _list_method(receiver, name, args, limits)
    return UNKNOWN, NO_CHANGE


def _str_method(value: str, name: str, args: Args, kwargs: Kwargs, limits: Limits) -> Any:
    if name == "join":
        items = sequence(args[0]) if args else None
        if items is None:
            return PLACEHOLDER
        return check(value.join(text(i) for i in items), limits)
    if name == "format":
        return check(str_format(value, args, kwargs), limits)
    if name == "encode":
        encoding = args[0] if args else kwargs.get("encoding", "utf-8")
        return encode(value, encoding) if isinstance(encoding, str) else UNKNOWN
    if name in ("upper", "lower", "strip", "lstrip", "rstrip", "title", "capitalize"):
        if args and not all(isinstance(a, str) for a in args):
            return UNKNOWN
        return getattr(value, name)(*args)
    if name in ("replace", "removeprefix", "removesuffix"):
        if not all(isinstance(a, str) for a in args):
            return UNKNOWN
        return check(getattr(value, name)(*args), limits)
    if name in ("startswith", "endswith") and args and isinstance(args[0], str | tuple):
        return UNKNOWN if PLACEHOLDER in value else getattr(value, name)(args[0])
    if name == "split" and PLACEHOLDER not in value:
        sep = args[0] if args else kwargs.get("sep")
        return ListV(tuple(value.split(sep))) if isinstance(sep, str | type(None)) else UNKNOWN
    return UNKNOWN


def _bytes_method(value: bytes, name: str, args: Args, limits: Limits) -> Any:
    if name == "decode":
        encoding = args[0] if args else "utf-8"
        return decode(value, encoding) if isinstance(encoding, str) else UNKNOWN
    if name == "join":
        items = sequence(args[0]) if args else None
        if items is None or not all(isinstance(i, bytes) for i in items):
            return PLACEHOLDER_BYTES
        return check(value.join(items), limits)
    if name == "replace" and all(isinstance(a, bytes) for a in args):
        return check(value.replace(*args), limits)
    return UNKNOWN


def _dict_method(
    value: DictV, name: str, args: Args, kwargs: Kwargs, limits: Limits
) -> tuple[Any, Any]:
    if name in ("copy",):
        return value, NO_CHANGE
    if name == "get":
        return (
            value.get(args[0], args[1] if len(args) > 1 else None) if args else UNKNOWN
        ), NO_CHANGE
    if name == "items":
        return ListV(value.pairs), NO_CHANGE
    if name == "keys":
        return ListV(tuple(k for k, _ in value.pairs)), NO_CHANGE
    if name == "values":
        return ListV(tuple(v for _, v in value.pairs)), NO_CHANGE
    if name == "update":
        pairs = pairs_of(args[0]) if args else ()
        if pairs is None:
            return None, UNKNOWN
        return None, check(value.merge(pairs).merge(tuple(kwargs.items())), limits)
    if name == "setdefault" and args:
        if any(k == args[0] for k, _ in value.pairs):
            return value.get(args[0]), NO_CHANGE
        default = args[1] if len(args) > 1 else None
        return default, value.set(args[0], default)
    if name == "pop" and args:
        return value.get(args[0], args[1] if len(args) > 1 else None), value.without(args[0])
    if name == "clear":
        return None, DictV(())
    return UNKNOWN, NO_CHANGE


def _list_method(value: ListV, name: str, args: Args, limits: Limits) -> tuple[Any, Any]:
    if name == "append" and args:
        return None, check(ListV((*value.items, args[0])), limits)
    if name == "extend" and args:
        items = sequence(args[0])
        return None, (check(ListV(value.items + items), limits) if items is not None else UNKNOWN)
    if name == "insert" and len(args) == 2 and isinstance(args[0], int):
        spliced = list(value.items)
        spliced.insert(args[0], args[1])
        return None, check(ListV(tuple(spliced)), limits)
    if name == "copy":
        return value, NO_CHANGE
    if name == "pop":
        if not value.items:
            return UNKNOWN, NO_CHANGE
        index = args[0] if args and isinstance(args[0], int) else -1
        remaining = list(value.items)
        try:
            item = remaining.pop(index)
        except IndexError:
            return UNKNOWN, NO_CHANGE
        return item, ListV(tuple(remaining))
    return UNKNOWN, NO_CHANGE
