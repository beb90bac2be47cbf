"""Which tree-sitter grammar reads a PoC, chosen by the content alone.

A channel sees an artifact's text, never its name, and `marks` may not ask the hunt's language
table. Rather than guess from signatures, the text is parsed with every grammar forewarn ships
(the same PyPI grammars the similarity index loads) and the grammar that leaves the fewest
`ERROR` and missing nodes wins; ties go to the earlier one in `GRAMMARS` (a file valid as both
JavaScript and TypeScript, or as C and C++, has the same string literals either way). Python
comes first: a text Python accepts belongs to the Python channels, and this channel leaves it.
"""

from __future__ import annotations

import ast
import functools
import importlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tree_sitter import Language, Node, Parser, Tree

GRAMMARS: tuple[tuple[str, str, str], ...] = (
    ("python", "tree_sitter_python", "language"),
    ("javascript", "tree_sitter_javascript", "language"),
    ("typescript", "tree_sitter_typescript", "language_typescript"),
    ("java", "tree_sitter_java", "language"),
    ("csharp", "tree_sitter_c_sharp", "language"),
    ("c", "tree_sitter_c", "language"),
    ("cpp", "tree_sitter_cpp", "language"),
    ("powershell", "tree_sitter_powershell", "language"),
    ("shell", "tree_sitter_bash", "language"),
)
"""Language name, grammar module and entry point, in tie-breaking order."""

PYTHON = "python"
"""The language this channel never marks."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """A text parsed with the grammar that reads it best."""

    language: str
    """Name of the grammar (`javascript`, `shell`, …)."""
    tree: Tree
    """The syntax tree."""
    source: bytes
    """The UTF-8 bytes the tree's offsets refer to."""
    errors: int
    """`ERROR` and missing nodes in the tree (0 for a clean parse)."""


@functools.cache
def parser_for(language: str) -> Parser:
    """A parser for one of `GRAMMARS` (loaded lazily, once per process)."""
    for name, module_name, entry_name in GRAMMARS:
        if name == language:
            module = importlib.import_module(module_name)
            entry: Callable[[], Any] = getattr(module, entry_name)
            return Parser(Language(entry()))
    raise KeyError(language)


def error_count(node: Node) -> int:
    """`ERROR` and missing nodes under `node` (subtrees without errors are skipped)."""
    if node.is_error or node.is_missing:
        return 1 + sum(error_count(c) for c in node.children)
    if not node.has_error:
        return 0
    return sum(error_count(c) for c in node.children)


def parse_as(language: str, source: bytes) -> Parsed:
    """`source` parsed with one named grammar."""
    tree = parser_for(language).parse(source)
    return Parsed(language, tree, source, error_count(tree.root_node))


def _is_python(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in a shell script, say
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@functools.lru_cache(maxsize=32)
def best_parse(text: str) -> Parsed:
    """`text` parsed by the grammar with the fewest errors (Python if Python accepts it)."""
    source = text.encode("utf-8")
    if _is_python(text):
        return parse_as(PYTHON, source)
    best: Parsed | None = None
    for name, _, _ in GRAMMARS:
        parsed = parse_as(name, source)
        if best is None or parsed.errors < best.errors:
            best = parsed
        if parsed.errors == 0:
            break
    assert best is not None
    return best
