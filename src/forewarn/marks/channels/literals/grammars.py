"""Which tree-sitter grammar reads a PoC, chosen by the content alone.

A channel sees an artifact's text, never its name, and `marks` may not ask the hunt's language
table. Rather than guess from signatures, the text is parsed with each grammar of `MARKED`
(grammars of `forewarn.grammars`, the table the similarity index loads too, fixed as they were
when the channel first marked); the grammar that leaves the fewest `ERROR` and missing nodes
wins; ties go to the earlier one (a file valid as both JavaScript and TypeScript, or as C and
C++, has the same string literals either way). Python comes first: a text Python accepts
belongs to the Python channels, and this channel leaves it.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

from tree_sitter import Node, Tree

from forewarn.grammars import parser_for
from forewarn.marks.wire.syntax import parse_python

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


def error_count(node: Node) -> int:
    """`ERROR` and missing nodes under `node` (subtrees without errors are skipped)."""
    if node.is_error or node.is_missing:
        return 1 + sum(error_count(c) for c in node.children)
    if not node.has_error:
        return 0
    return sum(error_count(c) for c in node.children)


def parse_as(language: str, source: bytes) -> Parsed:
    """`source` parsed with one named grammar."""
    parser = parser_for(language)
    if parser is None:
        raise KeyError(language)
    tree = parser.parse(source)
    return Parsed(language, tree, source, error_count(tree.root_node))


@functools.lru_cache(maxsize=32)
def is_python(text: str) -> bool:
    """Whether Python's own parser accepts `text` (then `best_parse` reads it as Python)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in a shell script, say
            parse_python(text)  # a Python copy's tree then serves every later reader of it
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


MARKED: tuple[str, ...] = (
    "python",
    "javascript",
    "typescript",
    "java",
    "csharp",
    "c",
    "cpp",
    "powershell",
    "shell",
)
"""The grammars whose literals this channel marks and reads, fixed: a grammar shipped later
(Go) would parse an artifact that an earlier one read with errors, move its literal sites and
unread every copy already released."""


@functools.lru_cache(maxsize=32)
def best_parse(text: str, grammars: tuple[str, ...] = MARKED) -> Parsed:
    """`text` parsed by the one of `grammars` with the fewest errors (Python if Python
    accepts it)."""
    source = text.encode("utf-8")
    if is_python(text):
        return parse_as(PYTHON, source)
    best: Parsed | None = None
    for name in grammars:
        parsed = parse_as(name, source)
        if best is None or parsed.errors < best.errors:
            best = parsed
        if parsed.errors == 0:
            break
    assert best is not None
    return best
