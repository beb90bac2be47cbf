"""The reference corpus: the running CPython's standard library, read as text.

Fixed per Python version, so that the naturalness table is reproducible: every `.py` file under
`sysconfig`'s `stdlib` path, in sorted order, except third-party packages (`site-packages`),
the interpreter's own test suites (`test`, `tests`, `idle_test`: test code, not library code)
and files that do not parse. Files are only read and parsed: nothing is imported or run.
"""

from __future__ import annotations

import ast
import io
import sysconfig
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

EXCLUDED_PARTS = frozenset({"site-packages", "dist-packages", "test", "tests", "idle_test"})
"""Directory names left out of the corpus."""

MAX_FILE_CHARS = 2_000_000
"""Larger files (generated tables) are skipped."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One parsed file of the corpus."""

    path: Path
    """Where it was read."""
    text: str
    """Its source."""
    tree: ast.Module
    """Its syntax tree."""


def stdlib_root() -> Path:
    """The standard library directory of the running interpreter."""
    return Path(sysconfig.get_paths()["stdlib"])


def corpus_files(root: Path | None = None) -> list[Path]:
    """The corpus's `.py` files under `root` (default: the stdlib), sorted."""
    base = stdlib_root() if root is None else root
    return sorted(
        path
        for path in base.rglob("*.py")
        if not EXCLUDED_PARTS & set(path.relative_to(base).parts[:-1])
    )


def read_corpus(paths: list[Path]) -> Iterator[SourceFile]:
    """Each file that reads as UTF-8 and parses, in order (the others are skipped)."""
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if len(text) > MAX_FILE_CHARS:
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        yield SourceFile(path, text, tree)


def prose(source: SourceFile) -> list[str]:
    """The English of a file: its docstrings, and its comments joined per run of lines."""
    found: list[str] = []
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                found.append(doc)
    found.extend(_comment_runs(source.text))
    return found


def _comment_runs(text: str) -> list[str]:
    runs: list[str] = []
    current: list[str] = []
    last = -2
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.COMMENT:
                continue
            line = token.start[0]
            body = token.string.lstrip("#").strip()
            if line != last + 1 and current:
                runs.append("\n".join(current))
                current = []
            current.append(body)
            last = line
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    if current:
        runs.append("\n".join(current))
    return runs


__all__ = ["EXCLUDED_PARTS", "SourceFile", "corpus_files", "prose", "read_corpus", "stdlib_root"]
