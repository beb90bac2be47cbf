"""The name layer of the Python source channel: one fragile bit per local variable's spelling.

A local variable of a function whose name is one spelling of a synonym pair (`resp` / `response`)
carries a bit: which of the two spellings the copy uses. The layer is fragile by design (any
renamer erases it) but never wrong: the choice point is anchored on the function's canonical unit
and on the canonical text of the function with *this variable's* occurrences singled out, which
ignores every name and every structural choice; a bit is read only when the suspect's variable at
that place is spelled exactly as one of the two spellings of the same pair.

Only locals that provably rename safely are choice points: bound by assignment, `for`, `with`,
`del` or `:=` in the function itself, never a parameter (callers may pass it by keyword), never
declared `global` or `nonlocal`, never bound by an `except ... as`, an import, a lambda or a
comprehension; functions with nested functions or classes, `match`, or any look at their own
frame (`locals()`, `vars()`, `eval`, `exec`, `sys._getframe`, ...) offer none. In the original,
the old spelling must appear in no string of the file (f-string `=` specifiers, `%(name)s`
templates) and the new one nowhere in the file and in no builtin or keyword.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import keyword
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from forewarn.marks.channels.pysource.raw import ChoiceKind, Raw
from forewarn.marks.wire.syntax import walk_nodes

PAIRS: tuple[tuple[str, str], ...] = (
    ("resp", "response"),
    ("conn", "connection"),
    ("hdrs", "headers"),
    ("params", "query"),
    ("body", "payload"),
    ("url", "target_url"),
    ("data", "content"),
    ("err", "error"),
    ("res", "result"),
    ("msg", "message"),
    ("req", "request"),
    ("sock", "client_socket"),
    ("buf", "buffer"),
    ("pkt", "packet"),
    ("addr", "address"),
    ("cmd", "command"),
    ("out", "output"),
    ("tmp", "temp"),
    ("cfg", "config"),
    ("opts", "options"),
    ("ctx", "context"),
    ("sess", "session"),
    ("tok", "token"),
    ("val", "value"),
    ("idx", "index"),
    ("cnt", "count"),
    ("attempts", "tries"),
    ("verdict", "outcome"),
    ("parts", "pieces"),
    ("summary", "report"),
    ("parser", "arg_parser"),
    ("status", "status_code"),
    ("reachable", "is_reachable"),
    ("written", "was_written"),
    ("found", "found_bytes"),
    ("results", "findings"),
    ("items", "entries"),
    ("elapsed", "duration"),
)
"""Synonym pairs of PoC-ish local names: form 0 on the left, form 1 on the right."""

SPELLINGS: dict[str, tuple[str, str]] = {s: pair for pair in PAIRS for s in pair}
"""Every spelling of `PAIRS` to its pair (each spelling belongs to one pair only)."""

FRAME_LOOKS = frozenset({"locals", "vars", "eval", "exec", "globals", "dir", "breakpoint"})
"""Builtins that see a function's local names: a function using one offers no name bit."""

FRAME_ATTRIBUTES = frozenset({"f_locals", "_getframe", "currentframe", "getouterframes", "stack"})
"""Attributes that reach frames (`sys._getframe().f_locals`)."""

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NESTED_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_NO_NAME_BITS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Match)
_SPELLINGS_USED = frozenset(SPELLINGS)


@dataclass(frozen=True, slots=True)
class NameFacts:
    """What the name layer needs of one statement of a function's body (`name_facts`)."""

    spelled: tuple[str, ...]
    """Spellings of `SPELLINGS` its names use, in the order `walk_nodes` meets them first."""
    stored: frozenset[str]
    """Those of them it binds outside lambdas and comprehensions."""
    excluded: frozenset[str]
    """Names it declares `global` or `nonlocal`, binds by `except ... as` or imports."""
    nested: frozenset[str]
    """Names its lambdas and comprehensions bind."""
    barred: bool
    """Whether it holds a `def`, `class` or `match`, or looks at its frame."""


def name_facts(stmt: ast.stmt) -> NameFacts:
    """The name layer's facts of `stmt`: a function's are those of its statements together,
    so a read-back takes an unchanged statement's from the memo."""
    inside = walk_nodes(stmt)
    nested = _nested_bindings(inside)
    spelled: dict[str, None] = {}
    stored: set[str] = set()
    excluded: set[str] = set()
    for node in inside:
        if isinstance(node, ast.Name):
            if node.id in SPELLINGS:
                spelled[node.id] = None
                if not isinstance(node.ctx, ast.Load) and id(node) not in nested.nodes:
                    stored.add(node.id)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            excluded.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            excluded.add(node.name)
        elif isinstance(node, ast.alias):
            excluded.add((node.asname or node.name).split(".")[0])
    barred = any(isinstance(n, _NO_NAME_BITS) for n in inside) or _looks_at_frame(inside)
    return NameFacts(tuple(spelled), frozenset(stored), frozenset(excluded), nested.names, barred)


def name_raws(
    functions: Iterable[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]],
    canonical: Callable[[list[ast.stmt], frozenset[int], str], str],
    facts: Callable[[ast.stmt], NameFacts] | None = None,
) -> list[tuple[str, Raw]]:
    """`(unit digest, choice point)` of every spelled local of `functions` (`(def, digest)`).

    `canonical(body, marked, spelling)` is the canonical text of `body` with the `ast.Name`
    nodes whose `id`s are in `marked` (every one spelled `spelling` in `body`) singled out; it
    tells the variables of a function apart by role alone. `facts` (a read-back's, from its
    memo) gives each statement's `name_facts`; then the choice points carry no nodes and
    `marked` is empty: `canonical` singles out the spelling where it walks.
    """
    out: list[tuple[str, Raw]] = []
    for function, digest in functions:
        out.extend((digest, raw) for raw in _function_raws(function, canonical, facts))
    return out


def _function_raws(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    canonical: Callable[[list[ast.stmt], frozenset[int], str], str],
    facts_of: Callable[[ast.stmt], NameFacts] | None,
) -> list[Raw]:
    facts = [(facts_of or name_facts)(stmt) for stmt in function.body]
    spelled = dict.fromkeys(name for f in facts for name in f.spelled)
    if not spelled or any(f.barred for f in facts):
        return []
    excluded = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    excluded.update(*(f.excluded for f in facts))
    nested = frozenset().union(*(f.nested for f in facts))
    stored = frozenset().union(*(f.stored for f in facts))
    uses: dict[str, list[ast.Name]] = defaultdict(list)
    if facts_of is None:
        for stmt in function.body:
            for node in walk_nodes(stmt):
                if isinstance(node, ast.Name) and node.id in spelled:
                    uses[node.id].append(node)
    raws: list[Raw] = []
    for name in spelled:
        if name in excluded or name in nested or name not in stored:
            continue
        nodes = tuple(uses[name])
        marked = frozenset(id(n) for n in nodes)
        profile = hashlib.blake2b(canonical(function.body, marked, name).encode(), digest_size=8)
        pair = SPELLINGS[name]
        raws.append(
            Raw(ChoiceKind.NAME, f"{pair[0]}|{profile.hexdigest()}", pair.index(name), nodes, pair)
        )
    keys = Counter(r.key for r in raws)
    return [r for r in raws if keys[r.key] == 1]


def _looks_at_frame(nodes: list[ast.AST]) -> bool:
    for node in nodes:
        if isinstance(node, ast.Name) and node.id in FRAME_LOOKS:
            return True
        if isinstance(node, ast.Attribute) and node.attr in FRAME_ATTRIBUTES:
            return True
    return False


@dataclass(frozen=True, slots=True)
class _Nested:
    names: frozenset[str]
    """Names that a lambda or comprehension binds (their own arguments, targets or `:=`)."""
    nodes: frozenset[int]
    """`id`s of the `ast.Name` nodes inside lambdas and comprehensions."""


def _nested_bindings(inside: list[ast.AST]) -> _Nested:
    names: set[str] = set()
    nodes: set[int] = set()
    for scope in inside:
        if not isinstance(scope, _NESTED_SCOPES):
            continue
        for node in ast.walk(scope):
            if isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.Name):
                nodes.add(id(node))
                if not isinstance(node.ctx, ast.Load):
                    names.add(node.id)
    return _Nested(frozenset(names), frozenset(nodes))


@dataclass(frozen=True, slots=True)
class NameGuard:
    """What the original file spells anywhere: a rename must not meet any of it."""

    identifiers: frozenset[str]
    """Every identifier of the file: names, arguments, attributes, keywords, imports, defs."""
    words: frozenset[str]
    """Every identifier-like word inside a string or bytes literal of the file, lower-cased: the
    payload channel changes the case of header names, and its copies must plan as the original."""

    @classmethod
    def of(cls, tree: ast.Module) -> NameGuard:
        """The guard of a parsed original."""
        identifiers: set[str] = set()
        words: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                identifiers.add(node.id)
            elif isinstance(node, ast.arg):
                identifiers.add(node.arg)
            elif isinstance(node, ast.Attribute):
                identifiers.add(node.attr)
            elif isinstance(node, ast.keyword) and node.arg:
                identifiers.add(node.arg)
            elif isinstance(node, ast.alias):
                identifiers.update(re.split(r"\.", node.asname or node.name))
                identifiers.update(node.name.split("."))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                identifiers.add(node.name)
            elif isinstance(node, ast.Global | ast.Nonlocal):
                identifiers.update(node.names)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                identifiers.add(node.name)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
                value = node.value
                text = value if isinstance(value, str) else value.decode("latin-1")
                words.update(_WORD.findall(text.lower()))
            else:
                for field in ("name", "rest"):  # match patterns bind these
                    bound = getattr(node, field, None)
                    if isinstance(bound, str):
                        identifiers.add(bound)
        return cls(frozenset(identifiers), frozenset(words))

    def allows(self, old: str, new: str) -> bool:
        """May every occurrence of local `old` be spelled `new` in this file?"""
        if old.lower() in self.words or new.lower() in self.words or new in self.identifiers:
            return False
        return not (keyword.iskeyword(new) or keyword.issoftkeyword(new) or hasattr(builtins, new))
