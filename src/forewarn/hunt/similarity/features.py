"""Fingerprints of code and text: winnowed token k-grams plus order-insensitive tree features.

Every feature is a 64-bit hash whose top three bits say its class, so one inverted index holds
them all. Identifiers, string and number literals are abstracted and comments dropped, which
makes renaming and reformatting invisible; statement blocks hash their children as a sorted
multiset, so reordering statements or functions keeps block, function and statement features;
inserted dead code or a split function leaves the other statements' and subtrees' features.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from tree_sitter import Node

from forewarn.grammars import parser_for
from forewarn.hunt.similarity.canon import canonical_tree
from forewarn.hunt.similarity.languages import is_sequence

KGRAM = 10
"""Tokens per k-gram: long enough that shared k-grams are rarely coincidental."""
WINDOW = 4
"""Winnowing window: one fingerprint kept per `WINDOW` consecutive k-grams."""
MIN_SUBTREE = 8
"""Leaves a subtree needs to count: smaller ones (`x = 0`) occur in any program."""
MIN_STATEMENT = 4
"""Leaves a statement needs to count."""
MAX_SOURCE_BYTES = 1024**2
"""Only this much of a file is fingerprinted; leaked tools are small, logs are not parsed."""

_SHELLS = frozenset({"shell", "powershell"})
"""Every command of a script runs a program the file does not define: no dead-code rule."""
_CLASS_SHIFT = 61
_LOW = (1 << _CLASS_SHIFT) - 1
_U64 = (1 << 64) - 1
_TEXT_TOKEN = re.compile(r"\w+|[^\w\s]")
_NUMBER = re.compile(r"\d+(\.\d+)?")

U64Array = npt.NDArray[np.uint64]


class FeatureClass(enum.IntEnum):
    """What a feature describes; each class is scored separately, then combined."""

    KGRAM = 0
    SUBTREE = 1
    STATEMENT = 2
    FUNCTION = 3
    LITERAL = 4


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprint:
    """The features of one text, ready to index or to query with."""

    language: str | None
    """Language parsed with, `None` for plain text."""
    features: U64Array = field(repr=False)
    """Unique class-tagged feature hashes, sorted."""
    spans: dict[int, tuple[int, int]] = field(repr=False)
    """First line range (0-based, inclusive) of k-gram and statement features, for regions."""
    lines: int
    """Lines of the text fingerprinted."""

    def of_class(self, cls: FeatureClass) -> U64Array:
        """Features of one class."""
        chosen: U64Array = self.features[(self.features >> np.uint64(_CLASS_SHIFT)) == cls]
        return chosen


def feature_class(feature: int) -> FeatureClass:
    """The class a feature hash carries in its top bits."""
    return FeatureClass(feature >> _CLASS_SHIFT)


def _tag(cls: FeatureClass, value: int) -> int:
    return (value & _LOW) | (int(cls) << _CLASS_SHIFT)


@functools.cache
def _label(text: str) -> int:
    # Stable across processes (unlike `hash(str)`), so workers build identical indexes.
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _bytes_hash(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


class _Collector:
    """Features gathered while walking one text."""

    def __init__(self) -> None:
        self.tokens: list[int] = []
        self.token_lines: list[int] = []
        self.features: dict[int, tuple[int, int]] = {}

    def add(self, cls: FeatureClass, value: int, lines: tuple[int, int]) -> None:
        self.features.setdefault(_tag(cls, value), lines)

    def token(self, label: int, line: int) -> None:
        self.tokens.append(label)
        self.token_lines.append(line)


def fingerprint(text: str, language: str | None) -> Fingerprint:
    """Fingerprint source code in a tree-sitter language, or any other text."""
    raw = text.encode("utf-8", errors="replace")[:MAX_SOURCE_BYTES]
    parser = parser_for(language) if language else None
    collector = _Collector()
    if parser is None:
        _walk_text(raw.decode("utf-8", errors="replace"), collector)
        language = None
    else:
        _walk_tree(parser.parse(raw).root_node, collector, dead_code=language not in _SHELLS)
    _winnow(collector)
    features = np.fromiter(collector.features, dtype=np.uint64, count=len(collector.features))
    features.sort()
    spans = {
        f: lines
        for f, lines in collector.features.items()
        if f >> _CLASS_SHIFT in (FeatureClass.KGRAM, FeatureClass.STATEMENT)
    }
    return Fingerprint(language, features, spans, raw.count(b"\n") + 1)


def _walk_tree(root: Node, out: _Collector, *, dead_code: bool = True) -> None:
    """Features of the canonical tree; tokens in its (canonical) pre-order."""
    dead_literals: list[bytes] = []
    tree = canonical_tree(root, dead_literals, dead_code=dead_code)
    for text in dead_literals:
        if len(text) >= 6:
            out.add(FeatureClass.LITERAL, _bytes_hash(text), (0, 0))
    if tree is None:
        return
    stack = [tree]
    while stack:
        node = stack.pop()
        if not node.kids:
            out.token(node.value, node.first)
            if node.kind == "STRING" and len(node.text) >= 6:
                out.add(FeatureClass.LITERAL, _bytes_hash(node.text), (node.first,) * 2)
            continue
        lines = (node.first, node.last)
        if node.size >= MIN_SUBTREE:
            out.add(FeatureClass.SUBTREE, node.value, lines)
        if node.function:
            out.add(FeatureClass.FUNCTION, node.value, lines)
        if is_sequence(node.kind):
            for kid in node.kids:
                if kid.size >= MIN_STATEMENT:
                    out.add(FeatureClass.STATEMENT, kid.value, (kid.first, kid.last))
        stack.extend(reversed(node.kids))


def _walk_text(text: str, out: _Collector) -> None:
    """Words and punctuation, numbers abstracted; normalised lines stand in for statements."""
    number = _label("NUM")
    for row, line in enumerate(text.splitlines()):
        words = _TEXT_TOKEN.findall(line.lower())
        for word in words:
            out.token(number if _NUMBER.fullmatch(word) else _label(word), row)
        if len(words) >= MIN_STATEMENT:
            out.add(FeatureClass.STATEMENT, _label(" ".join(words)), (row, row))


def _winnow(out: _Collector) -> None:
    """Robust winnowing (Schleimer et al. 2003) of k-gram hashes, vectorised with numpy."""
    count = len(out.tokens) - KGRAM + 1
    if count <= 0:
        return
    tokens = np.array(out.tokens, dtype=np.uint64)
    powers = np.array([pow(1_000_003, KGRAM - 1 - j, 1 << 64) for j in range(KGRAM)], np.uint64)
    grams = np.lib.stride_tricks.sliding_window_view(tokens, KGRAM) @ powers
    grams ^= grams >> np.uint64(29)
    grams *= np.uint64(0xBF58476D1CE4E5B9)
    grams ^= grams >> np.uint64(32)
    if count <= WINDOW:
        chosen = np.array([int(np.argmin(grams))])
    else:
        windows = np.lib.stride_tricks.sliding_window_view(grams, WINDOW)
        # Rightmost minimum, as in the paper, so equal runs keep one fingerprint.
        chosen = np.unique(
            WINDOW - 1 - np.argmin(windows[:, ::-1], axis=1) + np.arange(len(windows))
        )
    # Canonical order may move tokens across lines: a k-gram spans its extreme lines.
    rows = np.lib.stride_tricks.sliding_window_view(np.array(out.token_lines), KGRAM)
    first, last = rows.min(axis=1), rows.max(axis=1)
    for position in chosen.tolist():
        out.add(
            FeatureClass.KGRAM, int(grams[position]), (int(first[position]), int(last[position]))
        )
