"""Canonical texts of statements walked before, so that reading back partner after partner's
copy walks only the statements that marking changed.

`Marker.mark` reads every copy back from scratch (`PythonSourceChannel.extract`), and most of a
copy's statements are, byte for byte, statements of the copies read before it: only the ones
holding a flipped choice point, a wire value or a renamed local differ. The canonical walk of a
statement (`canon._Walker.walked`) depends on nothing but the statement itself: its text and
where its first line starts (`ast` positions and `quote_style` read only inside its extent), the
walk's `blind` and `version`, and in a name-layer pass the spelling whose names read `@` (the
name layer singles out every `ast.Name` of one spelling in a function). So its text and the
choice points met on the way are kept under exactly those, and a statement seen again is not
walked again. Statements that hold a unit of their own (a `def` or `class` anywhere inside) are
never kept: their walk also records units. A read-back is then the same analysis, bit for bit,
whatever the memo holds (tests/marks/test_pysource_memo.py); only the planning walk, which needs
the nodes of its own tree, never uses it; a read-back's sites from the memo carry no nodes but
what the natural-kind filter reads.
"""

from __future__ import annotations

import ast
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from forewarn.marks.channels.pysource.names import NameFacts
from forewarn.marks.channels.pysource.natural import SPLIT_KINDS, husk
from forewarn.marks.channels.pysource.raw import Raw
from forewarn.marks.wire.syntax import walk_nodes

LIMIT = 4096
"""Statements (and name-layer variants) kept, least recently read first out: a PoC has a few
hundred, and a copy adds the few dozen that its marks changed."""

UNIT_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
"""Statements whose walk always records a unit: never looked up."""

_ODD_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
"""Characters `str.splitlines` breaks at (or `ast` counts otherwise): in a file holding one, the
walk's lines need not be the text joined by newlines, and nothing is kept."""

Remembered = tuple[str, tuple[Raw, ...], NameFacts]
"""A statement's canonical text, the choice points met walking it and its `name_facts`."""

_V = TypeVar("_V")


class _Memo(Generic[_V]):
    """A bounded least-recently-used map; the API server reads copies in worker threads."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._known: OrderedDict[Hashable, _V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> _V | None:
        with self._lock:
            found = self._known.get(key)
            if found is not None:
                self._known.move_to_end(key)
            return found

    def put(self, key: Hashable, value: _V) -> None:
        with self._lock:
            self._known[key] = value
            if len(self._known) > self._limit:
                self._known.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._known.clear()

    def __len__(self) -> int:
        return len(self._known)


STATEMENTS: _Memo[Remembered] = _Memo(LIMIT)
"""The process's memo of walked statements."""

SIZES: _Memo[int] = _Memo(LIMIT // 4)
"""The process's memo of unit sizes (`ast.walk` counts of a `def`, `class` or statement)."""


def detached(raws: list[Raw]) -> tuple[Raw, ...]:
    """`raws` as the memo keeps them: without their nodes (which would keep whole trees alive
    for the garbage collector to walk), but for what `natural.subkind_name` reads (`husk`)."""
    return tuple(
        Raw(
            r.kind,
            r.key,
            r.bit,
            (husk(r.nodes[0]),) if r.kind in SPLIT_KINDS else (),
            r.detail,
            r.label,
            r.content,
        )
        for r in raws
    )


def reusable(source: str) -> bool:
    """May walks of `source` use the memo? Only when its lines are its newline-split text."""
    return not any(odd in source for odd in _ODD_BREAKS)


def statement_key(
    stmt: ast.stmt, lines: list[bytes], blind: bool, version: int, marked: str | None
) -> Hashable | None:
    """What the walk of `stmt` depends on (`None`: not to be kept). `lines` are the file's
    lines as bytes, `marked` the spelling a name-layer pass singles out."""
    where = _extent(stmt, lines)
    return None if where is None else (blind, version, marked, *where)


def _extent(node: ast.AST, lines: list[bytes]) -> tuple[int, bytes] | None:
    """Where `node`'s first line starts, and its text: all its `ast` depends on."""
    first, last = getattr(node, "lineno", 0) - 1, (getattr(node, "end_lineno", 0) or 0) - 1
    start, end = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", None)
    if end is None or first < 0 or last < first or last >= len(lines):
        return None
    if first == last:
        return start, lines[first][start:end]
    return start, b"\n".join((lines[first][start:], *lines[first + 1 : last], lines[last][:end]))


def node_count(node: ast.AST, lines: list[bytes]) -> int:
    """`ast.walk`'s count of `node` (with its decorators), from `SIZES` when it was seen."""
    parts = [_extent(n, lines) for n in (*getattr(node, "decorator_list", ()), node)]
    if any(part is None for part in parts):
        return len(walk_nodes(node))
    key = tuple(parts)
    known = SIZES.get(key)
    if known is None:
        known = len(walk_nodes(node))
        SIZES.put(key, known)
    return known


def spelled_names(node: ast.AST, spelling: str) -> frozenset[int]:
    """`id`s of the `ast.Name`s spelled `spelling` in `node` (a name-layer pass singles out every
    one of a function; with the memo it learns them statement by statement, where it walks)."""
    return frozenset(
        id(n) for n in walk_nodes(node) if isinstance(n, ast.Name) and n.id == spelling
    )


def holding(node: ast.AST, marked: frozenset[int]) -> set[int]:
    """`id`s of `node` and the nodes below it that hold a node whose `id` is in `marked`."""
    found: set[int] = set()

    def visit(at: ast.AST) -> bool:
        held = id(at) in marked
        for child in ast.iter_child_nodes(at):
            held = visit(child) or held
        if held:
            found.add(id(at))
        return held

    visit(node)
    return found


__all__ = [
    "LIMIT",
    "STATEMENTS",
    "UNIT_STATEMENTS",
    "Remembered",
    "detached",
    "holding",
    "node_count",
    "reusable",
    "spelled_names",
    "statement_key",
]
