"""The tree-sitter grammars forewarn ships, and one parser per grammar: the one table.

The hunt parses material from the wild with them (similarity) and the marks parse non-Python
PoCs with them (the literals channel); neither may import the other, so the table sits here,
beside `errors` and `encoding`. Grammars load lazily, once per process.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator
from typing import Any

from tree_sitter import Language, Node, Parser

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
    ("go", "tree_sitter_go", "language"),
    ("rust", "tree_sitter_rust", "language"),
    ("ruby", "tree_sitter_ruby", "language"),
    ("php", "tree_sitter_php", "language_php"),
)
"""Language name, grammar module and entry point; the order breaks ties where a text parses
equally well with two grammars (JavaScript before TypeScript, C before C++)."""

LANGUAGES: frozenset[str] = frozenset(name for name, _, _ in GRAMMARS)
"""Languages parsed into syntax trees."""


@functools.cache
def parser_for(language: str) -> Parser | None:
    """A parser for one of `LANGUAGES`, or `None` for any other name."""
    for name, module_name, entry_name in GRAMMARS:
        if name == language:
            module = importlib.import_module(module_name)
            entry: Callable[[], Any] = getattr(module, entry_name)
            return Parser(Language(entry()))
    return None


def walk(root: Node) -> Iterator[Node]:
    """Every node under `root` (itself first) in source order, without recursion: a tree from the
    wild may nest deeper than Python's stack."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


__all__ = ["GRAMMARS", "LANGUAGES", "parser_for", "walk"]
