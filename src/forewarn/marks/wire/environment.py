"""Scopes, control-flow signals and branch joins for the static evaluator.

Names live in `Scope`s (module, class body, function call) as the suspect's code binds them. Where
a condition cannot be known, both branches are followed on copies of the scope and joined
(`values.join`): a name equal on both paths keeps its value, a string keeps what the two paths
share around a placeholder, anything else becomes unknown.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forewarn.domain.wire import HttpRequest
from forewarn.marks.wire.values import UNKNOWN, join

_MISSING = object()


class Scope:
    """The names bound in one module, class body or call, with the scope it sees through."""

    __slots__ = ("names", "parent")

    def __init__(self, parent: Scope | None = None) -> None:
        self.names: dict[str, Any] = {}
        self.parent = parent

    def lookup(self, name: str) -> Any:
        """The value bound to `name` here or in an enclosing scope, else `_MISSING`."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return _MISSING


def missing(value: Any) -> bool:
    """Whether a lookup found nothing."""
    return value is _MISSING


class Signal(Exception):
    """A `return`, `break`, `continue` or `raise` leaving a block of the evaluated code."""


class Return(Signal):
    """`return value`."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


class Break(Signal):
    """`break`."""


class Continue(Signal):
    """`continue`."""


class Raise(Signal):
    """`raise …`, `sys.exit()`: the path ends here unless a `try` catches it."""


@dataclass(frozen=True, slots=True)
class Site:
    """One request the code sends, where it sends it."""

    request: HttpRequest
    """The request as it goes on the wire."""
    line: int
    """The line of the call that sends it."""
    client: str
    """The library call, e.g. `requests.Session.post`, `http.client.request`."""


Block = Callable[[], None]


def branch(scope: Scope, first: Block, second: Block) -> bool:
    """Run two alternative blocks and join their effects on `scope`.

    Returns whether one side ended in a signal while the other went on (a path that may leave).
    """
    before = dict(scope.names)
    first_signal = _run(first)
    after_first = scope.names
    scope.names = dict(before)
    second_signal = _run(second)
    after_second = scope.names
    if first_signal is not None and second_signal is not None:
        scope.names = after_first
        raise first_signal
    if first_signal is not None:
        return True
    if second_signal is not None:
        scope.names = after_first
        return True
    names = after_first.keys() | after_second.keys()
    scope.names = {
        name: join(after_first.get(name, UNKNOWN), after_second.get(name, UNKNOWN))
        for name in names
    }
    return False


def _run(block: Block) -> Signal | None:
    try:
        block()
    except (Return, Raise) as signal:
        return signal
    except (Break, Continue) as signal:
        return signal
    return None


def assignable(node: ast.expr) -> bool:
    """Whether `node` names a place a new value can be written back to."""
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.Attribute | ast.Subscript):
        return assignable(node.value)
    return False
