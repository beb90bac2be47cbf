"""Behaviour the code shows by role: timeouts, retry counts, pauses, read sizes, output indent.

A rewrite that keeps a tool working keeps what it does, not only what it sends: how long it waits
for an answer, how often it tries again, how long it sleeps between polls, how many bytes of an
answer it reads, how it prints its summary. These constants are rarely on the wire, but they
are in the code wherever it is rewritten, so they are read there by the *role* they play (the
value of a `timeout=` argument, the bound of a loop that retries a request, the argument of
`sleep`), never by a name or a place: renaming, inlining, moving constants into a class and
restructuring keep them.

Values are followed statically through the usual spellings (a literal, a module constant, a
class attribute, a parameter's default, a local bound once, a little arithmetic); nothing runs.
Only roles whose two values both keep the tool working carry marks, each between a pair of
values careful programmers write (`ladder`): never a port, an offset or a size the target reads.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forewarn.marks.channels._python.variants import LADDERS
from forewarn.marks.channels.wire.facts import Observed, RequestKey
from forewarn.marks.channels.wire.scopes import (
    Frame,
    bound_once,
    class_attributes,
    function_frame,
)
from forewarn.marks.wire.syntax import parse_python, walk_nodes

if TYPE_CHECKING:
    from forewarn.marks.wire import Evaluation

CODE: RequestKey = ("", "<code>", 0)
"""The request key of behaviour facts: they belong to the code, not to one request."""

BEHAVIOUR = "behaviour"
"""The feature of behaviour facts (never shown by traffic)."""

OPTION_ROLES = (
    ("timeout", ("timeout",)),
    ("retries", ("retr", "attempt")),
    ("pause", ("interval", "delay", "sleep", "wait", "pause")),
)
"""Command-line options whose default plays a role, by words in the option's name."""

READING_METHODS = frozenset({"read", "recv", "read1", "readline", "iter_content"})
"""Methods whose size argument is how much of an answer the tool reads."""

ANSWER_ATTRIBUTES = frozenset({"content", "text", "body", "data"})
"""Attributes of a response whose slice `[:n]` is how much of it the tool keeps."""


@dataclass(frozen=True, slots=True)
class RoleSite:
    """One place where the code gives a role its value."""

    role: str
    """`timeout`, `retries`, `pause`, `read-size`, `json-indent` or `request-loop`."""
    value: float
    """The value, followed to its literal."""
    literal: ast.Constant | None
    """The one literal that defines the value, when there is one (a mark can go there)."""
    movable: bool = True
    """Whether a mark may change it without changing what the tool achieves: a pause only
    between the requests of a loop (a poll interval, not a race's delay), a loop of requests
    only when its counter is merely printed into them (more polls, not more payloads)."""


def canonical(value: float) -> str:
    """The value as read: `10`, `10.0` and `10.00` are the same timeout."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def partner(role: str, value: float) -> float | None:
    """The other value a mark may give this role, or `None` when the value is off the ladder."""
    ladder = LADDERS.get(role)
    if ladder is None or float(value) not in ladder:
        return None
    at = ladder.index(float(value))
    return ladder[at + 1] if at + 1 < len(ladder) else ladder[at - 1]


def role_sites(tree: ast.Module, sending_lines: Iterable[int]) -> list[RoleSite]:
    """Every role site of a module, in source order. `sending_lines` are the lines of the calls
    that send a request (from the evaluator): a loop sends when it reaches one of them."""
    return list(_Reader(tree, frozenset(sending_lines)).sites())


def behaviour_facts(source: str, evaluation: Evaluation) -> list[Observed]:
    """The behaviour constants of `source` as facts, one per role site (a role read in two
    places with two values shows both, and a mark on it reads as mixed)."""
    try:
        tree = parse_python(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    lines = [site.line for site in evaluation.sites]
    return [
        Observed((CODE, BEHAVIOUR, site.role, ""), canonical(site.value))
        for site in role_sites(tree, lines)
    ]


class _Reader:
    """Walks a module with the scopes needed to follow a name to its literal."""

    def __init__(self, tree: ast.Module, lines: frozenset[int]) -> None:
        self.tree = tree
        self.lines = lines
        every = walk_nodes(tree)
        stores = Counter(
            n.id for n in every if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        )
        self.module = bound_once(tree.body, stores)
        self.classes: dict[str, dict[str, ast.expr]] = {}
        for node in every:
            if isinstance(node, ast.ClassDef):
                self.classes[node.name] = class_attributes(node)
        self.senders = _sending_functions(every, lines)

    def sites(self) -> list[RoleSite]:
        out: list[RoleSite] = []
        self._walk(self.tree, Frame(None, {}, {}), False, out)
        return out

    def _walk(self, node: ast.AST, frame: Frame, looping: bool, out: list[RoleSite]) -> None:
        """Every role site under `node`, in source order (one recursion, no generators: this
        runs over every node of every copy read back)."""
        for child in _children(node):
            kind = type(child)
            if kind is ast.ClassDef:
                assert isinstance(child, ast.ClassDef)
                self._walk(child, Frame(child.name, {}, {}), False, out)
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                assert isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                self._walk(child, function_frame(child, frame), False, out)
            elif kind in _LEAVES:
                continue  # nothing under a name, constant or context plays a role
            else:
                if kind in _READ:
                    out.extend(self._node(child, frame, looping))
                polls = False
                if kind in _LOOPS:
                    assert isinstance(child, ast.For | ast.AsyncFor | ast.While)
                    polls = self._sends(list(child.body))
                self._walk(child, frame, looping or polls, out)

    def _node(self, node: ast.AST, frame: Frame, looping: bool) -> Iterator[RoleSite]:
        if isinstance(node, ast.Call):
            yield from self._call(node, frame, looping)
        elif isinstance(node, ast.For | ast.AsyncFor):
            yield from self._loop(node.iter, node.target, list(node.body), frame)
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            for generator in node.generators:
                yield from self._loop(generator.iter, generator.target, [node.elt], frame)
        elif isinstance(node, ast.While):
            yield from self._while(node, frame)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            cut = node.slice
            owner = node.value
            kept = isinstance(owner, ast.Attribute) and owner.attr in ANSWER_ATTRIBUTES
            reads = isinstance(owner, ast.Call) and _method(owner) == "read"
            if (kept or reads) and cut.lower is None and cut.step is None and cut.upper:
                yield from self._site("read-size", cut.upper, frame)

    def _call(self, node: ast.Call, frame: Frame, looping: bool) -> Iterator[RoleSite]:
        name = _method(node)
        keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
        if "timeout" in keywords:
            yield from self._site("timeout", keywords["timeout"], frame)
        if name in ("settimeout", "setdefaulttimeout") and node.args:
            yield from self._site("timeout", node.args[0], frame)
        if name == "ClientTimeout" and "total" in keywords:
            yield from self._site("timeout", keywords["total"], frame)
        for word in ("retries", "max_retries"):
            if word in keywords:
                yield from self._site("retries", keywords[word], frame)
        if name == "Retry" and "total" in keywords:
            yield from self._site("retries", keywords["total"], frame)
        if name == "sleep" and node.args:
            yield from self._site("pause", node.args[0], frame, movable=looping)
        if name in READING_METHODS:
            size = node.args[0] if node.args else keywords.get("chunk_size")
            if size is not None:
                yield from self._site("read-size", size, frame)
        if name in ("dumps", "dump") and "indent" in keywords:
            yield from self._site("json-indent", keywords["indent"], frame)
        if name == "add_argument" and "default" in keywords:
            flags = [a.value for a in node.args if isinstance(a, ast.Constant)]
            words = " ".join(str(f).lower() for f in flags)
            for role, stems in OPTION_ROLES:
                if any(stem in words for stem in stems) and "port" not in words:
                    yield from self._site(role, keywords["default"], frame)
                    break

    def _loop(
        self, call: ast.expr, target: ast.expr, body: list[ast.AST], frame: Frame
    ) -> Iterator[RoleSite]:
        """`for _ in range(n)` (or a comprehension over it) whose body sends: `n` requests,
        or `n` attempts when the body retries."""
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            return
        if call.func.id != "range" or call.keywords or not 1 <= len(call.args) <= 2:
            return
        if not self._sends(body):
            return
        role = "retries" if _retries(body) else "request-loop"
        movable = role == "retries" or _printed_only(target, body)
        if len(call.args) == 1:
            yield from self._site(role, call.args[0], frame, movable=movable)
            return
        start, stop = (self._value(a, frame) for a in call.args)
        if start is not None and stop is not None and stop[0] > start[0]:
            yield RoleSite(role, stop[0] - start[0], None, movable)

    def _while(self, node: ast.While, frame: Frame) -> Iterator[RoleSite]:
        test = node.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return
        if not isinstance(test.ops[0], ast.Lt | ast.LtE) or not isinstance(test.left, ast.Name):
            return
        if self._sends(list(node.body)) and _retries(list(node.body)):
            yield from self._site("retries", test.comparators[0], frame)

    def _sends(self, body: list[ast.AST]) -> bool:
        for stmt in body:
            for call in walk_nodes(stmt):
                if not isinstance(call, ast.Call):
                    continue
                if call.lineno in self.lines or _method(call) in self.senders:
                    return True
        return False

    def _site(
        self, role: str, node: ast.expr, frame: Frame, *, movable: bool = True
    ) -> Iterator[RoleSite]:
        found = self._value(node, frame)
        if found is not None:
            yield RoleSite(role, found[0], found[1], movable)

    def _value(
        self, node: ast.expr, frame: Frame, depth: int = 0
    ) -> tuple[float, ast.Constant | None] | None:
        """The number `node` stands for and its one defining literal, if it can be followed."""
        if depth > 8:
            return None
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            return float(value), node
        if isinstance(node, ast.Name):
            bound = frame.locals.get(node.id) or frame.defaults.get(node.id)
            if bound is None and node.id not in frame.params | frame.assigned:
                bound = self.module.get(node.id)
            return None if bound is None else self._value(bound, frame, depth + 1)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = node.value.id
            if owner in ("self", "cls") and frame.klass is not None:
                owner = frame.klass
            bound = self.classes.get(owner, {}).get(node.attr)
            return None if bound is None else self._value(bound, Frame(None, {}, {}), depth + 1)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self._value(node.operand, frame, depth + 1)
            return None if inner is None else (-inner[0], None)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult):
            left = self._value(node.left, frame, depth + 1)
            right = self._value(node.right, frame, depth + 1)
            if left is None or right is None:
                return None
            a, b = left[0], right[0]
            result = (
                a + b
                if isinstance(node.op, ast.Add)
                else a - b
                if isinstance(node.op, ast.Sub)
                else a * b
            )
            return result, None
        return None


_READ = frozenset(
    {
        ast.Call,
        ast.For,
        ast.AsyncFor,
        ast.ListComp,
        ast.SetComp,
        ast.GeneratorExp,
        ast.While,
        ast.Subscript,
    }
)
"""Node types `_Reader._node` reads a role from (`ast.parse` makes no subclasses)."""

_LOOPS = frozenset({ast.For, ast.AsyncFor, ast.While})
"""Loops whose body, when it sends, makes a pause inside it a poll interval."""

_LEAVES = frozenset({ast.Name, ast.Constant, ast.Load, ast.Store, ast.Del})
"""Node types with nothing under them a role is read from (an `ast.Name`'s context)."""


def _children(node: ast.AST) -> list[ast.AST]:
    """`list(ast.iter_child_nodes(node))`, without its generator."""
    found: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            found.append(value)
        elif isinstance(value, list):
            found.extend(item for item in value if isinstance(item, ast.AST))
    return found


def _method(call: ast.Call) -> str | None:
    """The called name: `f` of `f(…)`, `m` of `x.m(…)`."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _printed_only(target: ast.expr, body: list[ast.AST]) -> bool:
    """Whether a loop's counter is only ever written into text (`str(n)`, `"%d" % n`, an
    f-string, `.format(n)`): then one more turn is one more alike request, nothing else."""
    if not isinstance(target, ast.Name):
        return False
    printed: set[int] = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and _method(node) in ("str", "format"):
                printed |= {id(a) for a in node.args}
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
                right = node.right
                printed |= (
                    {id(e) for e in right.elts} if isinstance(right, ast.Tuple) else {id(right)}
                )
            elif isinstance(node, ast.FormattedValue):
                printed.add(id(node.value))
    uses = [
        node
        for stmt in body
        for node in ast.walk(stmt)
        if isinstance(node, ast.Name) and node.id == target.id
    ]
    return all(id(use) in printed for use in uses)


def _retries(body: list[ast.AST]) -> bool:
    """Whether a loop body tries something and handles its failure (it retries)."""
    return any(
        isinstance(node, ast.Try | ast.TryStar) and node.handlers
        for stmt in body
        for node in ast.walk(stmt)
    )


def _sending_functions(every: list[ast.AST], lines: frozenset[int]) -> frozenset[str]:
    """Names of the module's functions and methods (`every` node of it, in `ast.walk` order)
    that send a request (hold a sending line), directly or through another of them."""
    bodies: dict[str, list[ast.stmt]] = {}
    senders: set[str] = set()
    for node in every:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            bodies.setdefault(node.name, []).extend(node.body)
            end = node.end_lineno or node.lineno
            if any(node.lineno <= line <= end for line in lines):
                senders.add(node.name)
    calls = {
        name: {_method(c) for stmt in body for c in walk_nodes(stmt) if isinstance(c, ast.Call)}
        for name, body in bodies.items()
    }
    while True:
        more = {name for name, called in calls.items() if called & senders} - senders
        if not more:
            return frozenset(senders)
        senders |= more


__all__ = [
    "BEHAVIOUR",
    "CODE",
    "LADDERS",
    "RoleSite",
    "behaviour_facts",
    "canonical",
    "partner",
    "role_sites",
]
