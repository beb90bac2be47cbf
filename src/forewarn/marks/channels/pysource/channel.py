"""The Python source channel: bits in semantics-preserving choices of PoC code.

Kinds of choice point (`raw.ChoiceKind`; form 0 / form 1), each proven equivalent by the rules
in `kinds`:

| kind | form 0 | form 1 |
|---|---|---|
| `negcmp` | `a != b`, `a is not b`, `a not in b` | `not a == b`, `not a is b`, `not a in b` |
| `cmporder` | `x < 5`, `x == "GET"`, `x is None` | `5 > x`, `"GET" == x`, `None is x` |
| `augassign` | `n += 1` | `n = n + 1` (names and number literals only) |
| `empty` | `{}`, `[]` | `dict()`, `list()` (when the file never rebinds them) |
| `range` | `range(n)` | `range(0, n)` |
| `kwargorder` | keyword order of known stdlib calls with name/literal values | another order |
| `ifswap` | `if c: A else: B` | `if not c: B else: A` |
| `ternary` | `x if c else y` | `y if not c else x` |
| `nestedif` | `if a and b:` | `if a:` / `if b:` (no `else` anywhere) |
| `seqkind` | `x in (1, 2)`, `for x in (1, 2)` | `x in [1, 2]`, `for x in [1, 2]` |
| `tupleorder` | order inside `except (A, B)`, `isinstance(x, (A, B))`, `x in (1, 2)` | |
| `stmtorder` | order of adjacent `name = literal` statements | |
| `fstring` | `"{}@{}".format(a, b)` | `f"{a}@{b}"` (quote-free expressions only) |
| `defaultarg` | `print(x)`, `enumerate(x)`, `open(p)` | `print(x, sep=" ")`, `open(p, "r")` |
| `quote` (fragile) | a pair of plain literals quoted `"` then `'` | `'` then `"` |
| `name` (fragile) | a safe local spelled `resp`, `hdrs`, ... | `response`, `headers`, ... |

The `quote` layer dies under `black`, `ruff format`, `ast.unparse` and minifiers; because each of
its bits is a *pair* of literals quoted differently, a normalised pair reads as erased, never as a
wrong bit. Everything else is structural and survives formatters, comment stripping, minifying
with local renaming and renaming of every identifier.

Left out as unsafe or fragile: `import a.b` / `from a import b` (breaks code that patches through
the module attribute), positional/keyword argument switches (callees rename or override
parameters), reordering statements that call or read anything (dependencies through object state),
`+=` on non-number operands (`list += str` extends, `list = list + str` raises), keyword reordering
for unknown callees (`**kwargs` keeps order), `x < y` operand swaps without a number literal,
quote styles and literal spellings (die under any formatter). Names are only the fragile `name`
layer (`names`): renamers erase it unless they pick the pair's other spelling.
`a += 1` is not equivalent for objects with an in-place `__iadd__` (numpy arrays): the
number-literal rule keeps that risk to counters, where PoC code uses it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import libcst as cst

from forewarn.errors import MarkError
from forewarn.marks.channels._python.cst_tree import SubtreeMemo, ancestors
from forewarn.marks.channels._python.source_map import source_map_of
from forewarn.marks.channels.interface import Capture, HandsOver, Routes
from forewarn.marks.channels.payload.derived import Layout, derivation, derived_tree
from forewarn.marks.channels.pysource.canon import MIN_UNIT_WEIGHT, Analysis, Site, analyse
from forewarn.marks.channels.pysource.locate import Located, locate
from forewarn.marks.channels.pysource.natural import natural_site
from forewarn.marks.channels.pysource.raw import ChoiceKind
from forewarn.marks.channels.pysource.readback import Contents, Reading
from forewarn.marks.channels.pysource.rewrite import rewrite
from forewarn.marks.wire.syntax import parse_python

logger = logging.getLogger(__name__)

MAX_SOURCE_CHARS = 2_000_000
"""Suspects larger than this are not parsed (they are not a copied PoC)."""


@dataclass(frozen=True, slots=True)
class _Plan:
    located: tuple[Located, ...]
    """The choice points of the original, in channel order."""
    module: cst.Module | None
    """libcst tree of the original, for embedding."""
    signature: tuple[object, ...]
    """Kind, anchor, form and detail of every readable choice point, in order."""
    above: frozenset[int]
    """`id`s of the nodes of `module` with a choice point below them (the rewrite's path)."""
    contents: Contents
    """What the original's literals single out, for reading copies back (`readback`)."""
    memo: SubtreeMemo | None = None
    """The original's statements as copies' rewrites made them (shared by its derived plans,
    whose untouched statements are the original's own nodes)."""


def _parse(
    text: str, blind: bool = False, version: int = 3, *, reuse: bool = False
) -> Analysis | None:
    if len(text) > MAX_SOURCE_CHARS:
        return None
    try:
        analysis = analyse(parse_python(text), text, blind, version, reuse=reuse)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if version >= 5:
        analysis.sites = [s for s in analysis.sites if natural_site(s, version)]
    return analysis


def _trusted(analysis: Analysis, site: Site, pairs: Counter[tuple[str, ...]]) -> bool:
    """May `site` be read back? Its unit must be unique and big enough to be this file's."""
    if site.kind is ChoiceKind.STMTORDER:
        return pairs[site.detail] == 1
    return (
        analysis.unit_counts[site.unit] == 1
        and analysis.unit_weight.get(site.unit, 0) >= MIN_UNIT_WEIGHT
    )


def _pair_counts(analysis: Analysis) -> Counter[tuple[str, ...]]:
    return Counter(s.detail for s in analysis.sites if s.kind is ChoiceKind.STMTORDER)


def _signature(analysis: Analysis) -> tuple[object, ...]:
    pairs = _pair_counts(analysis)
    return tuple(
        (s.kind, s.anchor, s.bit, s.detail) for s in analysis.sites if _trusted(analysis, s, pairs)
    )


@lru_cache(maxsize=32)
def _plan(original: str, blind: bool = False, version: int = 3) -> _Plan:
    analysis = _parse(original, blind, version)
    if analysis is None:
        return _Plan((), None, (), frozenset(), Contents.of(None))
    source_map = source_map_of(original)
    pairs = _pair_counts(analysis)
    located = []
    for site in analysis.sites:
        if _trusted(analysis, site, pairs):
            found = locate(source_map, site)
            if found is not None:
                located.append(found)
    module = source_map.wrapper.module
    targets = {id(node) for found in located for node in found.nodes}
    above = ancestors(module, targets)
    memo = SubtreeMemo(module, [found.nodes for found in located])
    return _Plan(tuple(located), module, _signature(analysis), above, Contents.of(analysis), memo)


def _planned(original: str, blind: bool, version: int = 3) -> _Plan:
    """`_plan`, called as scheme 1 and 2 always called it (one cache entry per original)."""
    if version >= 5:
        return _plan(original, blind, version)
    return _plan(original, True) if blind else _plan(original)


def _plan_of(text: str, blind: bool = False, version: int = 3) -> _Plan:
    """The plan of `text`, from its original's when it is a payload copy of a known original."""
    derived = derivation(text)
    if derived is None:
        return _planned(text, blind, version)
    return _derived_plan(text, *derived, blind, version)


@lru_cache(maxsize=8)
def _derived_plan(
    text: str, layout: Layout, bits: tuple[int, ...], blind: bool, version: int = 3
) -> _Plan:
    """`_plan(text)` without parsing `text` at all.

    The payload channel changed only literals and dict element order, so the original's choice
    points sit on the same libcst nodes, rebuilt where an edit lies below them. Nothing here
    checks that the edits left every choice point readable: `Marker.mark` reads every channel
    back from the finished copy against the true original, which fails on any that moved (and
    costs one analysis of the copy instead of two). The rebuilt tree's code is `text` itself
    (`PayloadLayout.write` and `derived_tree` make the same edits; the wire channel compares
    before it remembers a tree, and tests/marks/test_payload_write.py checks it on random bits).
    """
    base = _planned(layout.original, blind, version)
    if base.module is None or base.module is not layout.module:
        # The layout was built on a tree that the source-map cache has since let go: its
        # nodes are not the plan's, so nothing could be carried over.
        return _planned(text, blind, version)
    tree = derived_tree(layout, bits, text)
    located = tuple(
        Located(found.site, tuple(tree.node(n) for n in found.nodes)) for found in base.located
    )
    return _Plan(
        located, tree.module, base.signature, tree.ids(base.above), base.contents, base.memo
    )


class PythonSourceChannel:
    """Carries bits in equivalent forms of Python code; survives formatters and renaming.

    `blind=True` (scheme 3) anchors its choice points blind to every value scheme 3's wire
    channel may give a literal, so the two channels of one PoC never disturb each other.
    `version=5` (scheme 5) uses only the kinds whose both forms careful programmers write
    (`natural.NATURAL_KINDS`, measured on the standard library) and adds scheme 5's kinds;
    below 5 the channel reads and writes exactly as scheme 3's did.
    """

    name = "python_source"
    capture_text = False

    def __init__(
        self, blind: bool = False, version: int = 3, *, after: HandsOver | None = None
    ) -> None:
        if version not in (3, 5, 6):
            raise MarkError(f"no python source channel version {version}")
        self.blind = blind
        """Whether anchors ignore scheme 3's wire values (`variants.fold_text`)."""
        self.version = version
        """The scheme whose kinds this channel uses (3: every kind; 5: the natural ones; 6:
        scheme 5's and scheme 6's, `natural.SCHEME6_KINDS`)."""
        self.after = after
        """The channel that marks a PoC before this one (`None`: this one marks originals)."""

    def reads_capture(self, suspect: str) -> bool:
        """Traffic never shows an artifact's source or text."""
        return False

    def extract_capture(self, original: str, capture: Capture) -> list[int | None]:
        """Traffic shows no source or text: every choice point is erased."""
        return [None] * self.capacity(original)

    def routes(self, original: str) -> Routes | None:
        """Reads no request of a capture."""
        return frozenset()

    def capacity(self, original: str) -> int:
        """How many choice points the original's code offers."""
        return len(_plan_of(original, self.blind, self.version).located)

    def embed(self, original: str, bits: Sequence[int], *, check: bool = True) -> str:
        """The original with choice point `k` in form `bits[k]`, otherwise byte for byte."""
        plan = _plan_of(original, self.blind, self.version)
        if len(bits) != len(plan.located):
            raise MarkError(
                f"python source offers {len(plan.located)} choice points, got {len(bits)} bits"
            )
        if any(b not in (0, 1) for b in bits):
            raise MarkError("python source bits must be 0 or 1")
        if plan.module is None:
            return original
        edits = list(zip(plan.located, bits, strict=True))
        marked = rewrite(plan.module, edits, plan.above, plan.memo)
        if check and self.extract(original, marked) != list(bits):
            raise MarkError(
                "the marked source does not read back as written",
                hint="the original may use a construct the rewriter does not handle",
            )
        return marked

    def extract(self, original: str, suspect: str) -> list[int | None]:
        """Per choice point of the original, the form `suspect` shows, or `None`."""
        plan = _plan_of(original, self.blind, self.version)
        if not plan.located:
            return []
        seen = _parse(suspect, self.blind, self.version, reuse=True)
        if seen is None:
            return [None] * len(plan.located)
        # Points in tied entries were written where the original's plan put them, when the
        # copy this channel marked was handed over as a derivation of the original (or was the
        # original); else where a plan of that copy counted them, in its order (`readback`).
        labels = self.after is None or self.after.hands_over(original)
        reading = Reading(seen)
        out = [reading.bit(located.site, plan.contents, labels=labels) for located in plan.located]
        logger.debug(
            "python source: %d of %d choice points read", len(out) - out.count(None), len(out)
        )
        return out
