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


def name_raws(
    functions: Iterable[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]],
    canonical: Callable[[list[ast.stmt], frozenset[int], str], str],
) -> list[tuple[str, Raw]]:
    """`(unit digest, choice point)` of every spelled local of `functions` (`(def, digest)`).

    `canonical(body, marked, spelling)` is the canonical text of `body` with the `ast.Name`
    nodes whose `id`s are in `marked` (every one spelled `spelling` in `body`) singled out; it
    tells the variables of a function apart by role alone.
    """
    out: list[tuple[str, Raw]] = []
    for function, digest in functions:
        out.extend((digest, raw) for raw in _function_raws(function, canonical))
    return out


def _function_raws(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    canonical: Callable[[list[ast.stmt], frozenset[int], str], str],
) -> list[Raw]:
    inside = [n for stmt in function.body for n in walk_nodes(stmt)]
    if not _SPELLINGS_USED & {n.id for n in inside if isinstance(n, ast.Name)}:
        return []
    if any(isinstance(n, _NO_NAME_BITS) for n in inside) or _looks_at_frame(inside):
        return []
    excluded = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    for node in inside:
        if isinstance(node, ast.Global | ast.Nonlocal):
            excluded.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            excluded.add(node.name)
        elif isinstance(node, ast.alias):
            excluded.add((node.asname or node.name).split(".")[0])
    nested = _nested_bindings(inside)
    uses: dict[str, list[ast.Name]] = defaultdict(list)
    own_store: set[str] = set()
    for node in inside:
        if isinstance(node, ast.Name) and node.id in SPELLINGS:
            uses[node.id].append(node)
            if not isinstance(node.ctx, ast.Load) and id(node) not in nested.nodes:
                own_store.add(node.id)
    raws: list[Raw] = []
    for name, nodes in uses.items():
        if name in excluded or name in nested.names or name not in own_store:
            continue
        marked = frozenset(id(n) for n in nodes)
        profile = hashlib.blake2b(canonical(function.body, marked, name).encode(), digest_size=8)
        pair = SPELLINGS[name]
        raws.append(
            Raw(
                ChoiceKind.NAME,
                f"{pair[0]}|{profile.hexdigest()}",
                pair.index(name),
                tuple(nodes),
                pair,
            )
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
