"""What an attacker does to a leaked copy before it surfaces: the one library of disguises.

The demo's attacker, the benchmarks (`bench/attribution.py`, `bench/similarity.py`) and the tests
all take their disguises from here, so that "renamed" or "reformatted" means the same everywhere.
Everything runs on our own benign copies, in-process, with `ast`, `libcst` and `tokenize` only:
the code is parsed and printed, never executed. Each disguise keeps the program's behaviour
(names are renamed consistently; keyword arguments are renamed only in calls to functions the
file defines itself).

The formatters an attacker might run (black, ruff, python-minifier) are development tools, not
runtime dependencies: `format_black`, `format_ruff` and `minify` import them when called and say
what to install when they are missing. The similarity benchmark's cumulative disguise levels are
in `disguise_levels` (Python) and `disguise_levels_java` (Java).
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import importlib
import io
import random
import re
import shutil
import subprocess  # the standard library's subprocess, for our own tools  # nosec B404
import sys
import textwrap
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import libcst as cst

from forewarn.errors import InvestigationError
from forewarn.marks.tokens import TOKEN_PATTERNS

Namer = Callable[[str, int, bool], str]
"""New name for `(old name, its rank among the names renamed, whether it is a function)`."""


def hashed_namer(seed: str) -> Namer:
    """Opaque names derived from `seed`: `f_1a2b3c` for functions, `v_…` for the rest."""

    def namer(name: str, rank: int, function: bool) -> str:
        digest = hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:6]
        return f"{'f' if function else 'v'}_{digest}"

    return namer


def bound_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names the file binds that can be renamed safely, and the functions and classes among them.

    Imports, builtins, dunders and `self`/`cls` stay; so do the names a class body binds and the
    attributes the file assigns (`self.send` and a method `send` must keep agreeing).
    """
    bound: set[str] = set()
    own: set[str] = set()
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            own.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            imported.add((node.asname or node.name).split(".")[0])
    members = {
        name
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef)
        for stmt in cls.body
        for name in _binds(stmt)
    }
    members |= {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store | ast.Del)
    }
    reserved = imported | members | set(dir(builtins)) | {"self", "cls"}
    keep = {n for n in bound | own if n not in reserved and not n.startswith("__")}
    return keep, own


def _binds(stmt: ast.stmt) -> list[str]:
    """Names one statement binds at its own level (a def, a class, assignment targets)."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [stmt.name]
    targets = stmt.targets if isinstance(stmt, ast.Assign) else []
    if isinstance(stmt, ast.AnnAssign | ast.AugAssign):
        targets = [stmt.target]
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


class _Renamer(cst.CSTTransformer):
    def __init__(self, mapping: dict[str, str], own: set[str]) -> None:
        super().__init__()
        self.mapping = mapping
        self.own = own

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(
            value=self.mapping.get(original_node.value, original_node.value)
        )

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        """Keyword names of calls to code outside the file are the callee's, not ours."""
        func = original_node.func
        if isinstance(func, cst.Name) and func.value in self.own:
            return updated_node
        args = [
            new.with_changes(keyword=old.keyword)
            for old, new in zip(original_node.args, updated_node.args, strict=True)
        ]
        return updated_node.with_changes(args=args)


def rename(source: str, namer: Namer | None = None) -> str:
    """Every name the file binds renamed with `namer` (default: hashed), layout kept."""
    tree = ast.parse(source)
    names, own = bound_names(tree)
    namer = namer or hashed_namer("attacker")
    mapping = {name: namer(name, k, name in own) for k, name in enumerate(sorted(names))}
    return cst.parse_module(source).visit(_Renamer(mapping, own)).code


def strip_comments(source: str) -> str:
    """Every comment token dropped (docstrings stay: they are code)."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return tokenize.untokenize(t for t in tokens if t.type != tokenize.COMMENT)


def unparse(source: str) -> str:
    """The source as `ast.unparse` prints it: comments and layout gone."""
    return ast.unparse(ast.parse(source))


def strip_docstrings(source: str) -> str:
    """Docstrings removed from the module and every function and class (printed by `ast`)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            if isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return ast.unparse(tree)


def drop_unused_constants(source: str) -> str:
    """Module-level constants that nothing reads removed, as a tidy attacker would."""
    tree = ast.parse(source)
    loaded = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    tree.body = [
        stmt
        for stmt in tree.body
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id not in loaded
            and isinstance(stmt.value, ast.Constant)
        )
    ]
    return ast.unparse(tree)


def _dev_tool(module: str, package: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise InvestigationError(
            f"this disguise needs {package}, a development tool",
            hint="install the dev extras: pip install -e '.[dev]'",
        ) from exc


def format_black(source: str) -> str:
    """The source as black prints it (needs the dev extras)."""
    black = _dev_tool("black", "black")
    return str(black.format_str(source, mode=black.Mode()))


def format_ruff(source: str) -> str:
    """The source as `ruff format` prints it (needs the dev extras)."""
    found = Path(sys.executable).parent / "ruff"
    ruff = str(found) if found.exists() else shutil.which("ruff")
    if ruff is None:
        raise InvestigationError(
            "this disguise needs ruff, a development tool",
            hint="install the dev extras: pip install -e '.[dev]'",
        )
    done = subprocess.run(  # noqa: S603 - our own formatter on our own copy, no shell  # nosec B603
        [ruff, "format", "--isolated", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def minify(source: str) -> str:
    """python-minifier with local names renamed (needs the dev extras)."""
    minifier = _dev_tool("python_minifier", "python-minifier")
    return str(minifier.minify(source, rename_locals=True, rename_globals=False))


def _top_level(source: str) -> list[tuple[str, str]]:
    """Top-level statements as `(key, text)`: functions and classes by name, others by text."""
    tree = ast.parse(source)
    found = []
    for node in tree.body:
        text = ast.get_source_segment(source, node) or ast.unparse(node)
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            key = f"def {node.name}"
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            key = "set " + ",".join(t.id for t in node.targets if isinstance(t, ast.Name))
        else:
            key = ast.dump(node)[:200]
        found.append((key, text))
    return found


def partial_copy(source: str, *, keep: float = 1 / 3, rng: random.Random | None = None) -> str:
    """Imports, module constants and a random share of the functions (what a tool author reuses)."""
    parts = _top_level(source)
    functions = [k for k, _ in parts if k.startswith("def ")]
    rng = rng or random.Random(0)  # noqa: S311 - a disguise, not security  # nosec B311
    chosen = set(rng.sample(functions, max(1, int(len(functions) * keep))))
    kept = [text for key, text in parts if not key.startswith("def ") or key in chosen]
    return "\n\n\n".join(t for t in kept if not t.startswith("if __name__")) + "\n"


def shuffle_functions(source: str, *, seed: int = 0) -> str:
    """Functions and classes in a random order; everything else where it was."""
    parts = _top_level(source)
    slots = [k for k, (key, _) in enumerate(parts) if key.startswith("def ")]
    moved = [parts[k] for k in slots]
    random.Random(seed).shuffle(moved)  # noqa: S311 - a disguise, not security  # nosec B311
    for slot, part in zip(slots, moved, strict=True):
        parts[slot] = part
    return "\n\n\n".join(text for _, text in parts) + "\n"


def merge(copies: Sequence[str], rng: random.Random) -> str:
    """Colluders merge their copies definition by definition, each from a random colluder."""
    tables = [dict(_top_level(c)) for c in copies]
    merged = []
    for key, text in _top_level(copies[0]):
        options = [t[key] for t in tables if key in t]
        merged.append(rng.choice(options) if options else text)
    return "\n\n\n".join(merged) + "\n"


def merge_paragraphs(copies: Sequence[str], rng: random.Random) -> str:
    """Colluders merge advisory copies paragraph by paragraph."""
    split = [c.split("\n\n") for c in copies]
    return "\n\n".join(rng.choice(options) for options in zip(*split, strict=False))


def scrub_tokens(text: str) -> str:
    """A careful attacker deletes anything shaped like a tracking token."""
    for pattern in TOKEN_PATTERNS:
        text = pattern.sub("", text)
    return text


def plain_text(markdown: str) -> str:
    """An advisory pasted into a plain-text mail: no Markdown, re-wrapped at 66 columns."""
    stripped = re.sub(r"[#*`>_]|^-+$|^=+$|^- ", "", markdown, flags=re.MULTILINE)
    return "\n\n".join(textwrap.fill(p, 66) for p in stripped.split("\n\n"))


def pad_with_dead_code(source: str) -> str:
    """A dead assignment in every function and a dead helper, as an attacker would add."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            node.body.insert(len(node.body) // 2, ast.parse("_pad = [0] * 16\n").body[0])
    helper = "def _unused(values):\n    total = 0\n    for v in values:\n        total += v * 3\n"
    tree.body.insert(min(3, len(tree.body)), ast.parse(helper + "    return total\n").body[0])
    return ast.unparse(tree)


@dataclass(frozen=True, slots=True)
class Attack:
    """One single-leaker disguise of a Python copy, as the benchmarks and tests name it."""

    label: str
    """How bench/RESULTS.md's tables name it."""
    apply: Callable[[str], str]
    """Source in, disguised source out."""


ATTACKS: dict[str, Attack] = {
    "verbatim": Attack("verbatim", lambda s: s),
    "black": Attack("black", format_black),
    "ruff_format": Attack("ruff format", format_ruff),
    "strip_comments": Attack("comments stripped", strip_comments),
    "ast_unparse": Attack("ast.unparse", unparse),
    "minify": Attack("python-minifier (locals renamed)", minify),
    "rename_all": Attack("every identifier renamed", rename),
    "shuffle_functions": Attack("functions shuffled", shuffle_functions),
    "partial_copy": Attack("a third of the functions", partial_copy),
}
"""Every single-leaker disguise, by key."""

STEPS = ("reformat", "rename", "strip-docstrings", "drop-unused-constants")
"""Steps the demo's attack script may name, applied in the order given."""

_STEP: dict[str, Callable[[str], str]] = {
    "reformat": unparse,
    "rename": rename,
    "strip-docstrings": strip_docstrings,
    "drop-unused-constants": drop_unused_constants,
}


def transform(source: str, steps: Sequence[str], *, seed: str = "attacker") -> str:
    """`source` after the demo attacker's `steps`; the result parses and behaves the same."""
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise InvestigationError(
            f"unknown attacker step(s): {', '.join(unknown)}", hint=f"use {', '.join(STEPS)}"
        )
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise InvestigationError(f"the leaked copy does not parse: {exc.msg}") from exc
    for step in steps:
        source = rename(source, hashed_namer(seed)) if step == "rename" else _STEP[step](source)
    return unparse(source) + "\n"


__all__ = [
    "ATTACKS",
    "STEPS",
    "Attack",
    "Namer",
    "bound_names",
    "drop_unused_constants",
    "format_black",
    "format_ruff",
    "hashed_namer",
    "merge",
    "merge_paragraphs",
    "minify",
    "pad_with_dead_code",
    "partial_copy",
    "plain_text",
    "rename",
    "scrub_tokens",
    "shuffle_functions",
    "strip_comments",
    "strip_docstrings",
    "transform",
    "unparse",
]
