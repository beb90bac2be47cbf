"""Name- and form-insensitive reading of Python source: choice points and their anchors.

The Python source channel hides bits in equivalent forms (`x != y` / `not x == y`, `{}` / `dict()`).
To find a choice point again in a copy that was reformatted, renamed, minified or cut, every choice
point is anchored on a *canonical* serialisation of its surroundings that ignores identifiers,
string values, layout and the choice forms themselves: both forms of every choice serialise the
same way, so the anchor survives every partner's marks and the attacker's cosmetics. A unit (a
function, a class, a top-level statement) is identified by the hash of its canonical form; inside a
unit a choice point is `(kind, canonical form of its node, occurrence)`.

Only `ast` is used here: suspects are parsed, never executed.
"""

from __future__ import annotations

import ast
import hashlib

from forewarn.marks.channels._python.entries import entry_key, entry_runs
from forewarn.marks.channels.pysource.anchors import Unit, anchor_units
from forewarn.marks.channels.pysource.memo import (
    STATEMENTS,
    UNIT_STATEMENTS,
    detached,
    holding,
    node_count,
    reusable,
    spelled_names,
    statement_key,
)
from forewarn.marks.channels.pysource.names import NameFacts, name_facts, name_raws
from forewarn.marks.channels.pysource.nodes import SERIALISERS, NodeSerialiser
from forewarn.marks.channels.pysource.raw import ChoiceKind, Raw
from forewarn.marks.channels.pysource.shapes import (
    HOISTED,
    content_key,
    literal_key,
    literal_value,
    pairable,
    skipped,
    target,
)
from forewarn.marks.channels.pysource.site import Analysis, Site
from forewarn.marks.channels.pysource.tree_index import index_tree

MIN_UNIT_WEIGHT = 20
"""Units with fewer AST nodes are too common in unrelated code to anchor a choice point."""


_Layout = tuple[list[ast.stmt], int, list[bool], dict[int, list[ast.stmt]]]


class _Capture:
    """`_Walker.capture`: the choice points met inside go to a list of their own (a class, not
    a generator: the walk opens one per unit and per statement it remembers)."""

    __slots__ = ("_saved", "_walker")

    def __init__(self, walker: _Walker) -> None:
        self._walker = walker
        self._saved: list[Raw] = []

    def __enter__(self) -> list[Raw]:
        self._saved, self._walker.sink = self._walker.sink, []
        return self._walker.sink

    def __exit__(self, *exc: object) -> None:
        self._walker.sink = self._saved


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class _Walker(NodeSerialiser):
    """Serialises a tree canonically and records choice points on the way."""

    def __init__(
        self, lines: list[bytes], blind: bool = False, version: int = 3, reuse: bool = False
    ) -> None:
        self.lines = lines
        self.blind = blind
        self.version = version
        self.reuse = reuse
        self.spelling: str | None = None
        self.facts: dict[int, NameFacts] = {}
        self.layouts: dict[tuple[tuple[int, ...], bool, bool], tuple[list[ast.stmt], _Layout]] = {}
        self.in_fstring = 0
        self.sink: list[Raw] = []
        self.analysis = Analysis()
        self.units: list[Unit] = []
        self.defs: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]] = []
        self.marked: frozenset[int] = frozenset()
        self.texts: dict[tuple[int, bool], tuple[ast.AST, str]] = {}
        self.blocks: dict[tuple[tuple[int, ...], bool, bool], tuple[list[ast.stmt], str]] = {}
        self.dirty: set[int] = set()
        self.parents: dict[int, ast.AST] = {}
        self.sizes: dict[int, int] = {}

    def capture(self) -> _Capture:
        return _Capture(self)

    def entry(self, key: ast.expr | None, value: ast.expr) -> tuple[str, list[Raw]]:
        with self.capture() as got:
            text = ("**" if key is None else self.c(key)) + ":" + self.c(value)
        return text, got

    def part(self, node: ast.AST, *, swappable_test: bool = False) -> tuple[str, list[Raw]]:
        with self.capture() as got:
            text = self.c(node, swappable_test=swappable_test)
        return text, got

    # -- units ---------------------------------------------------------------------------------

    def unit(self, label: str, node: ast.AST, body: str) -> str:
        digest = _digest(label + body)
        weight = self.sizes.get(id(node))
        if weight is None:  # a node made for the walk (a run of statements), or `reuse`
            weight = node_count(node, self.lines) if self.reuse else sum(1 for _ in ast.walk(node))
        self.units.append((digest, self.sink, weight))
        return digest

    def module(self, tree: ast.Module) -> None:
        if not self.reuse:  # with `reuse`, unit sizes come from the memo, and no pass needs parents
            self.parents, self.sizes = index_tree(tree)
        run: list[ast.stmt] = []
        for stmt in [*tree.body, None]:
            if stmt is not None and pairable(stmt):
                run.append(stmt)
                continue
            if run:
                with self.capture():
                    text = ";".join(self.run_pairs(run)[0])
                    self.unit("RUN", ast.Module(body=run, type_ignores=[]), text)
                run = []
            if stmt is None or skipped(stmt):
                continue
            with self.capture():
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    self.c(stmt)
                else:
                    text = self.block([stmt], top=True)
                    self.unit("TOP", stmt, text)
        self.finish()

    def finish(self) -> None:
        anchor_units(self.analysis, self.units)

    # -- blocks --------------------------------------------------------------------------------

    def block(self, stmts: list[ast.stmt], *, top: bool = False, pairs: bool = True) -> str:
        """Statements in order, swappable pairs sorted.

        The leading run of `name = literal` / `name = name` statements of a body is written as a
        sorted multiset without its string, name and constant members: that is where a minifier
        inserts the literals and aliases it hoists, and where statement-order marks sit.
        Like `c`, a name-layer pass takes an untouched block's text from the first pass.
        """
        key = (tuple(map(id, stmts)), top, pairs)
        if self.spelling is not None:
            if self.clean(stmts) if self.reuse else not self.dirty.intersection(key[0]):
                known = self.blocks.get(key)
                if known is not None:
                    return known[1]
            return self.statements(stmts, top=top, pairs=pairs)
        text = self.statements(stmts, top=top, pairs=pairs)
        self.blocks[key] = (stmts, text)
        return text

    def statements(self, stmts: list[ast.stmt], *, top: bool, pairs: bool) -> str:
        """`block`, walked."""
        kept, start, flags, entries = self.layout(stmts, top=top, pairs=pairs)
        out: list[str] = []
        if pairs and not top:
            _, texts = self.run_pairs(kept[:start])
            out.append("LEAD(" + ",".join(sorted(t for t in texts if t != HOISTED)) + ")")
        inside: set[int] = set()
        run: list[ast.stmt] = []
        for stmt, pairable_stmt in [*zip(kept[start:], flags, strict=True), (None, False)]:
            if pairable_stmt and stmt is not None:
                run.append(stmt)
                continue
            out.extend(self.run_pairs(run)[0])
            run = []
            if stmt is None or id(stmt) in inside:
                continue
            if id(stmt) in entries:
                inside |= {id(s) for s in entries[id(stmt)]}
                out.append(self.entries(entries[id(stmt)]))
            else:
                out.append(self.c(stmt))
        return "[" + ";".join(out) + "]"

    def layout(self, stmts: list[ast.stmt], *, top: bool, pairs: bool) -> _Layout:
        """How `statements` splits a block (kept statements, the leading run's end, which of
        the rest pair, the entry runs), once per block: the name layer's passes split it again
        and again. The block's statements are kept with it, so that no `id` is reused."""
        key = (tuple(map(id, stmts)), top, pairs)
        known = self.layouts.get(key)
        if known is not None:
            return known[1]
        kept = [s for s in stmts if not skipped(s)]
        start = 0
        if pairs and not top:
            while start < len(kept) and pairable(kept[start]):
                start += 1
        rest = kept[start:]
        flags = [pairs and pairable(s) for s in rest]
        entries = {id(r[0]): r for r in entry_runs(rest)} if self.blind else {}
        found = (kept, start, flags, entries)
        self.layouts[key] = (stmts, found)
        return found

    def entries(self, run: list[ast.stmt]) -> str:
        """A run of entry statements as a set (scheme 3, `blind`): the wire channel may
        reorder it, so its statements are written, and their choice points met, in the order
        of their literals."""
        texts: list[str] = []
        for stmt in sorted(run, key=lambda stmt: entry_key(stmt, self.version)):
            with self.capture() as got:
                texts.append(self.c(stmt))
            self.sink.extend(got)
        return "ENTRIES(" + ",".join(texts) + ")"

    def run_pairs(self, run: list[ast.stmt]) -> tuple[list[str], list[str]]:
        """Canonical text of a run of pairable statements, and of each statement."""
        out: list[str] = []
        texts = [self.c(stmt) for stmt in run]
        for i in range(0, len(run) - 1, 2):
            first, second = run[i], run[i + 1]
            out.append("PAIR(" + ",".join(sorted(texts[i : i + 2])) + ")")
            assert isinstance(first, ast.Assign) and isinstance(second, ast.Assign)
            values = (
                literal_key(first, self.blind, self.version),
                literal_key(second, self.blind, self.version),
            )
            names = (target(first), target(second))
            literal = literal_value(first.value) and literal_value(second.value)
            if literal and names[0] != names[1] and values[0] != values[1]:
                low, high = sorted(values)
                bit = 0 if values[0] == low else 1
                contents = (content_key(first), content_key(second))
                self.sink.append(
                    Raw(
                        ChoiceKind.STMTORDER,
                        "PAIR",
                        bit,
                        (first, second),
                        (low, high),
                        content=contents if bit == 0 else contents[::-1],
                    )
                )
        if len(run) % 2:
            out.append(texts[-1])
        return out, texts

    # -- the serialiser -------------------------------------------------------------------------

    def c(self, node: ast.AST, *, swappable_test: bool = False) -> str:
        """The canonical text of `node`; choice points met on the way go to the sink.

        A node's text depends on the node alone (and `swappable_test`), except that names in
        `marked` read `@`: so the name layer's passes (`marked_block`) take the text of every
        node with no marked name below it from the first pass (whose choice points they drop
        anyway) instead of walking it again once per variable. The node is kept with its text
        so that a synthetic node of a later pass cannot take a freed node's `id`.
        """
        key = (id(node), swappable_test)
        if self.spelling is not None:
            if self.reuse and isinstance(node, ast.stmt):  # `dirty` is known only where walked
                clean = self.clean([node])
            else:
                clean = key[0] not in self.dirty
            if clean:
                known = self.texts.get(key)
                if known is not None and known[0] is node:
                    return known[1]
            return self.serialise(node, swappable_test)
        text = self.serialise(node, swappable_test)
        self.texts[key] = (node, text)
        return text

    def serialise(self, node: ast.AST, swappable_test: bool) -> str:
        """The canonical text of `node`: a statement's from the memo when `reuse` allows."""
        if self.reuse and isinstance(node, ast.stmt) and not isinstance(node, UNIT_STATEMENTS):
            return self.remembered(node, swappable_test)
        return self.walked(node, swappable_test)

    def remembered(self, node: ast.stmt, swappable_test: bool) -> str:
        """`walked`, or what walking an equal statement gave (`memo`): the same text, and the
        same choice points into the sink (without their nodes: `memo.detached`)."""
        where = statement_key(node, self.lines, self.blind, self.version, self.spelling)
        key = (where, swappable_test, self.in_fstring)
        known = None if where is None else STATEMENTS.get(key)
        if known is not None:
            self.sink.extend(known[1])
            self.facts[id(node)] = known[2]
            return known[0]
        if self.spelling is not None:  # with `reuse`, a name-layer pass marks where it walks
            self.marked = self.marked | spelled_names(node, self.spelling)
            self.dirty |= holding(node, self.marked)
        units = len(self.units)
        with self.capture() as raws:
            text = self.walked(node, swappable_test)
        self.sink.extend(raws)
        facts = self.facts[id(node)] = name_facts(node)
        if where is not None and len(self.units) == units:
            STATEMENTS.put(key, (text, detached(raws), facts))
        return text

    def name_facts(self, stmt: ast.stmt) -> NameFacts:
        """`names.name_facts` of a statement, as its walk (or the memo) found them."""
        known = self.facts.get(id(stmt))
        return name_facts(stmt) if known is None else known

    def clean(self, stmts: list[ast.stmt]) -> bool:
        """In a name-layer pass with `reuse`: is the spelling singled out in none of `stmts`?"""
        spelling, facts = self.spelling, self.facts
        return all(id(s) in facts and spelling not in facts[id(s)].spelled for s in stmts)

    def walked(self, node: ast.AST, swappable_test: bool) -> str:
        """The canonical text of `node`, walked."""
        handler = SERIALISERS.get(type(node))
        if handler is not None:
            text = handler(self, node, swappable_test)
            if text is not None:
                return text
        return self.generic(node)

    def generic(self, node: ast.AST) -> str:
        parts: list[str] = []
        for name, value in ast.iter_fields(node):
            if name in ("ctx", "type_comment", "annotation", "returns", "name", "id", "attr"):
                continue
            if name == "asname" or name == "kind":
                continue
            if isinstance(value, ast.AST):
                parts.append(self.c(value))
            elif isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    parts.append(self.block(value))
                else:
                    parts.append(
                        "["
                        + ",".join(self.c(v) if isinstance(v, ast.AST) else "" for v in value)
                        + "]"
                    )
            elif isinstance(value, str | int) and name in ("level", "is_async", "conversion"):
                parts.append(str(value))
        return type(node).__name__ + "(" + ",".join(parts) + ")"

    def marked_block(self, body: list[ast.stmt], marked: frozenset[int], spelling: str) -> str:
        """Canonical text of `body` with the names in `marked` (every `ast.Name` spelled
        `spelling` in it) singled out: the name layer's anchor of one variable."""
        self.dirty = set()
        for name in () if self.reuse else marked:
            at: int | None = name
            while at is not None and at not in self.dirty:
                self.dirty.add(at)
                parent = self.parents.get(at)
                at = None if parent is None else id(parent)
        self.marked, self.spelling = marked, spelling
        try:
            with self.capture():
                return self.block(body)
        finally:
            self.marked, self.spelling = frozenset(), None
            self.dirty = set()


def analyse(
    tree: ast.Module, source: str, blind: bool = False, version: int = 3, *, reuse: bool = False
) -> Analysis:
    """All choice points of a parsed file (`source` is its text), anchored; `blind` anchors
    ignore what scheme 3's wire channel may change in literals (`variants.fold_text`);
    `version` 5 also knows scheme 5's kinds (`ifnegate`, `ternegate`, `raisecall`,
    `whiletrue`), whose two forms it anchors alike. Versions below 5 walk as scheme 3 did.

    `reuse` takes statements seen before from the memo (`memo`): the same analysis, but a site
    may carry the nodes of an equal statement of another tree, so only a read-back, which
    rewrites nothing, asks for it."""
    lines = [line.encode() for line in source.splitlines()]
    walker = _Walker(lines, blind, version, reuse and reusable(source))
    walker.module(tree)
    facts = walker.name_facts if walker.reuse else None
    for digest, raw in name_raws(list(walker.defs), walker.marked_block, facts):
        walker.analysis.sites.append(
            Site(raw.kind, digest, raw.key, 0, raw.bit, raw.nodes, raw.detail)
        )
    return walker.analysis


__all__ = ["MIN_UNIT_WEIGHT", "Analysis", "Site", "analyse"]
