"""What an attacker does to a leaked PoC before it surfaces: the transformations of the benchmark.

Each function takes Python source and returns Python source. They are applied to *our own* benign
PoC copies only; nothing here runs the code it transforms.
"""

from __future__ import annotations

import ast
import builtins
import io
import random
import re
import subprocess
import textwrap
import tokenize
from collections.abc import Callable, Sequence
from pathlib import Path

import black
import python_minifier

from forewarn.marks.tokens import TOKEN_PATTERNS

RUFF = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "ruff"


def verbatim(source: str) -> str:
    return source


def black_format(source: str) -> str:
    return black.format_str(source, mode=black.Mode())


def ruff_format(source: str) -> str:
    done = subprocess.run(
        [str(RUFF), "format", "--isolated", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def strip_comments(source: str) -> str:
    """Drop every comment token (docstrings stay: they are code)."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type != tokenize.COMMENT
    ]
    return tokenize.untokenize(tokens)


def unparse(source: str) -> str:
    return ast.unparse(ast.parse(source))


def minify(source: str) -> str:
    return python_minifier.minify(source, rename_locals=True, rename_globals=False)


class _Renamer(ast.NodeTransformer):
    """Renames every name the module defines (functions, arguments, variables, constants)."""

    def __init__(self, mapping: dict[str, str], own_functions: set[str]) -> None:
        self.mapping, self.own = mapping, own_functions

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = self.mapping.get(node.id, node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self.mapping.get(node.arg, node.arg)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = self.mapping.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id in self.own:
            for keyword in node.keywords:
                if keyword.arg is not None:
                    keyword.arg = self.mapping.get(keyword.arg, keyword.arg)
        self.generic_visit(node)
        return node


def rename_all(source: str) -> str:
    """Every identifier the module defines gets a meaningless name; imports and builtins stay."""
    tree = ast.parse(source)
    imported = {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    defined: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            defined.append(node.name)
        elif isinstance(node, ast.arg):
            defined.append(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.append(node.id)
    skip = imported | set(dir(builtins)) | {"self", "__name__"}
    names = sorted(set(defined) - skip)
    mapping = {name: f"v{k}" for k, name in enumerate(names)}
    own = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    return ast.unparse(_Renamer(mapping, own).visit(tree))


def _definitions(source: str) -> list[tuple[str, str]]:
    """Top-level statements as `(key, source)`: functions and classes by name, others by text."""
    tree = ast.parse(source)
    found = []
    for node in tree.body:
        text = ast.get_source_segment(source, node) or ast.unparse(node)
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            key = f"def {node.name}"
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            key = "set " + ",".join(t.id for t in node.targets)  # type: ignore[attr-defined]
        else:
            key = ast.dump(node)[:200]
        found.append((key, text))
    return found


def partial_third(source: str, rng: random.Random) -> str:
    """Imports and constants, plus a random third of the functions (what a tool author reuses)."""
    parts = _definitions(source)
    functions = [k for k, _ in parts if k.startswith("def ")]
    chosen = set(rng.sample(functions, max(1, len(functions) // 3)))
    kept = [text for key, text in parts if not key.startswith("def ") or key in chosen]
    kept = [t for t in kept if not t.startswith("if __name__")]
    return "\n\n\n".join(kept) + "\n"


def merge(copies: Sequence[str], rng: random.Random) -> str:
    """Colluders merge their copies definition by definition, each from a random colluder."""
    tables = [dict(_definitions(c)) for c in copies]
    merged = []
    for key, text in _definitions(copies[0]):
        options = [t[key] for t in tables if key in t]
        merged.append(rng.choice(options) if options else text)
    return "\n\n\n".join(merged) + "\n"


def merge_paragraphs(copies: Sequence[str], rng: random.Random) -> str:
    """Colluders merge advisory copies paragraph by paragraph."""
    split = [c.split("\n\n") for c in copies]
    return "\n\n".join(rng.choice(options) for options in zip(*split, strict=False))


def scrub_tokens(text: str) -> str:
    """A careful attacker deletes anything shaped like a canary token."""
    for pattern in TOKEN_PATTERNS:
        text = pattern.sub("", text)
    return text


def plain_text(markdown: str) -> str:
    """An advisory pasted into a plain-text mail: no Markdown, re-wrapped at 66 columns."""
    stripped = re.sub(r"[#*`>_]|^-+$|^=+$|^- ", "", markdown, flags=re.MULTILINE)
    return "\n\n".join(textwrap.fill(p, 66) for p in stripped.split("\n\n"))


SINGLE: dict[str, Callable[[str], str]] = {
    "verbatim": verbatim,
    "black": black_format,
    "ruff format": ruff_format,
    "comments stripped": strip_comments,
    "ast.unparse": unparse,
    "python-minifier (locals renamed)": minify,
    "every identifier renamed": rename_all,
}
"""Single-leaker transformations that take only the source."""
