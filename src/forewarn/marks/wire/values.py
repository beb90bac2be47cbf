"""The values the static evaluator computes with, and the limits that keep it bounded.

A suspect's code is never run: the evaluator interprets its syntax tree over these stand-ins.
Strings, numbers, `None` and booleans are plain Python values; a span whose content cannot be
known (command line, input, network, randomness) is written as `PLACEHOLDER` inside a string, so
concatenation, formatting and joining keep the known parts around it. A value of which nothing is
known is `UNKNOWN`. Lists, dicts, objects and library references have small records here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from forewarn.domain.wire import PLACEHOLDER as PLACEHOLDER

PLACEHOLDER_BYTES = PLACEHOLDER.encode("utf-8")
"""`PLACEHOLDER` as it appears in bytes."""

PLACEHOLDER_QUOTED = "%EF%BF%BD"
"""`PLACEHOLDER` percent-encoded, as it appears in an encoded path or query."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on the work one evaluation may do, so that adversarial input cannot hang it."""

    max_source: int = 2_000_000
    """Largest source text read, in characters."""
    max_steps: int = 200_000
    """Syntax nodes evaluated in all."""
    max_depth: int = 24
    """Nested calls of the suspect's own functions."""
    max_unroll: int = 64
    """Iterations of one loop followed; longer loops are read as unknown."""
    max_string: int = 1 << 20
    """Characters (or bytes) in one computed string."""
    max_items: int = 10_000
    """Items in one computed list or dict."""
    max_requests: int = 512
    """Requests recorded before the evaluation stops."""


DEFAULT_LIMITS = Limits()
"""The limits used unless a caller passes others."""


class Stop(Exception):
    """The evaluation went over a limit; what was found so far is kept."""


class _Unknown:
    """Nothing is known of this value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
"""The one value of which nothing is known."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""No default (a dataclass field without one)."""


@dataclass(frozen=True, slots=True)
class ListV:
    """A list, immutable here: a mutation rebinds the name or attribute that held it."""

    items: tuple[Any, ...]
    """The elements in order."""


@dataclass(frozen=True, slots=True)
class DictV:
    """A dict with Python's insertion order; keys are plain known values."""

    pairs: tuple[tuple[Any, Any], ...]
    """`(key, value)` pairs in insertion order, each key once."""

    def get(self, key: Any, default: Any = None) -> Any:
        """The value under `key`, else `default`."""
        return next((v for k, v in self.pairs if k == key), default)

    def set(self, key: Any, value: Any) -> DictV:
        """A copy with `key` bound, keeping its position if present (as `dict` does)."""
        if any(k == key for k, _ in self.pairs):
            return DictV(tuple((k, value if k == key else v) for k, v in self.pairs))
        return DictV((*self.pairs, (key, value)))

    def merge(self, pairs: tuple[tuple[Any, Any], ...]) -> DictV:
        """A copy updated with `pairs` in order, as `dict.update` does."""
        out = self
        for key, value in pairs:
            out = out.set(key, value)
        return out

    def without(self, key: Any) -> DictV:
        """A copy without `key`."""
        return DictV(tuple((k, v) for k, v in self.pairs if k != key))


@dataclass(frozen=True, slots=True)
class ModuleV:
    """An imported module or a name inside it (`requests`, `urllib.parse.urlencode`)."""

    name: str
    """The dotted name, as imported (aliases resolved)."""


@dataclass(frozen=True, slots=True)
class MethodV:
    """A method looked up on a value, not yet called (`"; ".join`, `headers.update`)."""

    receiver: Any
    """The value it was looked up on."""
    name: str
    """The method name."""


@dataclass(frozen=True, slots=True)
class PartialV:
    """`functools.partial(func, *args, **kwargs)`: a callable with arguments bound in front."""

    func: Any
    """What is called."""
    args: tuple[Any, ...]
    """Positional arguments given first."""
    kwargs: dict[str, Any]
    """Keyword arguments, overridden by the call's."""


@dataclass(eq=False, slots=True)
class FuncV:
    """One of the suspect's own functions (or lambdas), with the scope it was defined in."""

    node: Any
    """The `FunctionDef`, `AsyncFunctionDef` or `Lambda` node."""
    scope: Any
    """The enclosing `Scope` (module, class body or function)."""
    bound: Any = None
    """The instance it is bound to, for methods looked up on an instance."""
    owner: Any = None
    """The suspect's class whose body defines it (for `super()`), else `None`."""


@dataclass(eq=False, slots=True)
class ClassV:
    """One of the suspect's own classes: its body's names (constants and methods)."""

    name: str
    """The class name."""
    attrs: dict[str, Any]
    """Names bound in the class body."""
    bases: tuple[Any, ...] = ()
    """Base classes that are the suspect's own."""
    fields: tuple[tuple[str, Any, Any], ...] = ()
    """A dataclass's own fields in order: `(name, default, factory)`, `MISSING` when absent."""
    members: tuple[Any, ...] | None = None
    """An `Enum`'s member values in definition order (read to `follow` only), else `None`."""
    library: str | None = None
    """The client library class it subclasses (`requests.Session`; read to `follow` only)."""

    def library_kind(self) -> str | None:
        """The library client class this class or a base subclasses, else `None`."""
        if self.library is not None:
            return self.library
        return next(
            (k for b in self.bases if isinstance(b, ClassV) and (k := b.library_kind())), None
        )

    def all_fields(self) -> tuple[tuple[str, Any, Any], ...]:
        """Dataclass fields of the bases, then this class's (a redefinition keeps its place)."""
        out: dict[str, tuple[str, Any, Any]] = {}
        for base in reversed(self.bases):
            if isinstance(base, ClassV):
                out.update((f[0], f) for f in base.all_fields())
        out.update((f[0], f) for f in self.fields)
        return tuple(out.values())

    def lookup(self, name: str) -> Any:
        """A name from the class or its bases (depth first, as simple hierarchies resolve),
        else `MISSING`."""
        if name in self.attrs:
            return self.attrs[name]
        for base in self.bases:
            if isinstance(base, ClassV) and (found := base.lookup(name)) is not MISSING:
                return found
        return MISSING


@dataclass(frozen=True, slots=True)
class FieldsInitV:
    """The `__init__` a dataclass decorator writes, bound to an instance."""

    cls: Any
    """The dataclass (`ClassV`) whose fields it binds."""
    instance: Any
    """The instance (`InstanceV`) it sets them on."""


@dataclass(frozen=True, slots=True)
class LibraryInitV:
    """`super().__init__` of a class whose base is a client library's: makes its client."""

    instance: Any
    """The instance (`InstanceV`) whose client it makes."""
    name: str
    """The library constructor's dotted name."""


@dataclass(frozen=True, slots=True)
class SuperV:
    """`super()` inside a method: attributes are looked up past `owner` in the MRO."""

    owner: Any
    """The class whose method called `super()`."""
    instance: Any
    """The instance (or class) the method is bound to."""


@dataclass(eq=False, slots=True)
class InstanceV:
    """An instance of a suspect's class (mutable, like the object it stands for)."""

    cls: ClassV
    """Its class."""
    attrs: dict[str, Any] = field(default_factory=dict)
    """Attributes set on the instance."""


@dataclass(eq=False, slots=True)
class ClientV:
    """An HTTP client object of a known library (a session, a connection, a request, a socket)."""

    kind: str
    """The library type, e.g. `requests.Session`, `http.client.HTTPConnection`."""
    state: dict[str, Any] = field(default_factory=dict)
    """What is known of it: base URL, default headers, host, the request being built."""


def known(value: Any) -> bool:
    """Whether `value` is fully known: no `UNKNOWN` and no placeholder inside."""
    if value is UNKNOWN:
        return False
    if isinstance(value, str):
        return PLACEHOLDER not in value
    if isinstance(value, bytes):
        return PLACEHOLDER_BYTES not in value
    if isinstance(value, ListV | tuple):
        items = value.items if isinstance(value, ListV) else value
        return all(known(item) for item in items)
    if isinstance(value, DictV):
        return all(known(k) and known(v) for k, v in value.pairs)
    return True


def truth(value: Any) -> bool | None:
    """The truth value of `value`, or `None` when it cannot be known."""
    if value is UNKNOWN or isinstance(value, ClientV | MethodV | ModuleV):
        return None if value is UNKNOWN else True
    if isinstance(value, str):
        return True if value else False
    if isinstance(value, ListV):
        return bool(value.items)
    if isinstance(value, DictV):
        return bool(value.pairs)
    if isinstance(value, bool | int | float | bytes | tuple) or value is None:
        return bool(value)
    return True


def join(a: Any, b: Any) -> Any:
    """What is known of a value that is `a` on one path and `b` on another."""
    if a is b:
        return a
    if type(a) is type(b):
        if isinstance(a, ListV) and len(a.items) == len(b.items):
            return ListV(tuple(join(x, y) for x, y in zip(a.items, b.items, strict=True)))
        if isinstance(a, tuple) and len(a) == len(b):
            return tuple(join(x, y) for x, y in zip(a, b, strict=True))
        if isinstance(a, DictV) and [k for k, _ in a.pairs] == [k for k, _ in b.pairs]:
            values = (join(x, y) for (_, x), (_, y) in zip(a.pairs, b.pairs, strict=True))
            return DictV(tuple(zip((k for k, _ in a.pairs), values, strict=True)))
        try:
            if a == b:
                return a
        except Exception:
            return UNKNOWN
    if isinstance(a, str) and isinstance(b, str):
        return _common_text(a, b)
    return UNKNOWN


def _common_text(a: str, b: str) -> str:
    """The common prefix and suffix of two strings around a placeholder for where they differ."""
    size = min(len(a), len(b))
    head = next((i for i in range(size) if a[i] != b[i]), size)
    tail = next((i for i in range(size - head) if a[-1 - i] != b[-1 - i]), size - head)
    return a[:head] + PLACEHOLDER + (a[len(a) - tail :] if tail else "")
