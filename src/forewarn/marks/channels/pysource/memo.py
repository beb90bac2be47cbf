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

from forewarn.marks.channels.pysource.natural import SPLIT_KINDS, husk
from forewarn.marks.channels.pysource.raw import Raw

LIMIT = 4096
"""Statements (and name-layer variants) kept, least recently read first out: a PoC has a few
hundred, and a copy adds the few dozen that its marks changed."""

UNIT_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
"""Statements whose walk always records a unit: never looked up."""

_ODD_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
"""Characters `str.splitlines` breaks at (or `ast` counts otherwise): in a file holding one, the
walk's lines need not be the text joined by newlines, and nothing is kept."""

Remembered = tuple[str, tuple[Raw, ...]]
"""A statement's canonical text and the choice points met walking it."""


class _Memo:
    """A bounded least-recently-used map; the API server reads copies in worker threads."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._known: OrderedDict[Hashable, Remembered] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Remembered | None:
        with self._lock:
            found = self._known.get(key)
            if found is not None:
                self._known.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Remembered) -> None:
        with self._lock:
            self._known[key] = value
            if len(self._known) > self._limit:
                self._known.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._known.clear()

    def __len__(self) -> int:
        return len(self._known)


STATEMENTS = _Memo(LIMIT)
"""The process's memo of walked statements."""


def detached(raws: list[Raw]) -> tuple[Raw, ...]:
    """`raws` as the memo keeps them: without their nodes (which would keep whole trees alive
    for the garbage collector to walk), but for what `natural.subkind_name` reads (`husk`)."""
    return tuple(
        Raw(r.kind, r.key, r.bit, (husk(r.nodes[0]),) if r.kind in SPLIT_KINDS else (), r.detail)
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
    first, last, end = stmt.lineno - 1, (stmt.end_lineno or 0) - 1, stmt.end_col_offset
    if end is None or last < first or last >= len(lines):
        return None
    start = stmt.col_offset
    if first == last:
        text = lines[first][start:end]
    else:
        text = b"\n".join((lines[first][start:], *lines[first + 1 : last], lines[last][:end]))
    return (blind, version, marked, start, text)


__all__ = [
    "LIMIT",
    "STATEMENTS",
    "UNIT_STATEMENTS",
    "Remembered",
    "detached",
    "reusable",
    "statement_key",
]
