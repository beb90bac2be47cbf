"""Counting the forms of every kind of choice point in the reference corpus.

Python source kinds are counted by the source channel's own walker (scheme 5's, which knows
every kind), so the table measures exactly the constructs the channel would mark. Text kinds
are counted in the corpus's English (docstrings and comments): each word pair by both of its
forms wherever they occur (a form with unrelated uses is over-counted, which can only make a
pair look rarer than it is, never more natural), dates, serial commas, bullets and headings by
the text channel's own recogniser.
"""

from __future__ import annotations

import platform
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from forewarn.marks.channels.pysource.canon import analyse
from forewarn.marks.channels.pysource.natural import FORMS, SPLIT_KINDS, kind_name, subkind_name
from forewarn.marks.channels.pysource.raw import ChoiceKind
from forewarn.marks.channels.text.natural import ALL_SYNONYMS, pair_name
from forewarn.marks.channels.text.natural import kind_name as text_kind
from forewarn.marks.channels.text.points import PointKind, choice_points
from forewarn.marks.naturalness.corpus import SourceFile, corpus_files, prose, read_corpus
from forewarn.marks.naturalness.table import NaturalnessTable, Row

SOURCE_VERSION = 6
"""The walker version counted: scheme 6's, which records every kind."""

TEXT_FORMS: dict[str, tuple[str, ...]] = {
    "date": ("2021-03-02", "March 2, 2021"),
    "serial": ("a, b, and c", "a, b and c"),
    "bullet": ("- item", "* item", "+ item"),
    "numbering": ("1. item", "1) item"),
    "heading": ("# Title", "Title / ====="),
}
"""Form labels of the text kinds other than word pairs."""

_SOURCE = "python_source"
_TEXT = "text"


def measure(root: Path | None = None) -> NaturalnessTable:
    """The naturalness table of the corpus under `root` (default: the running stdlib)."""
    files = list(read_corpus(corpus_files(root)))
    rows = (*source_rows(files), *text_rows(files))
    return NaturalnessTable(platform.python_version(), len(files), rows)


def source_counts(files: Iterable[SourceFile]) -> Counter[tuple[str, int]]:
    """`(kind name, form)` → occurrences; form 2 is a pair of literals quoted alike."""
    counts: Counter[tuple[str, int]] = Counter()
    for source in files:
        try:
            analysis = analyse(source.tree, source.text, version=SOURCE_VERSION)
        except RecursionError:
            continue
        for site in analysis.sites:
            form = 2 if site.bit is None else site.bit
            counts[(kind_name(site), form)] += 1
            if (shape := subkind_name(site)) is not None:
                counts[(shape, form)] += 1
    return counts


def source_rows(files: Iterable[SourceFile]) -> list[Row]:
    """One row per source kind (and per builtin for `defaultarg`; a split kind whole, then
    per shape of its test), in `ChoiceKind` order."""
    counts = source_counts(files)
    names = {name for name, _ in counts}
    rows: list[Row] = []
    for kind in ChoiceKind:
        labels = FORMS[kind]
        subkinds = sorted(n for n in names if n.startswith(kind.value + ":"))
        whole = [kind.value] if kind in SPLIT_KINDS or not subkinds else []
        for name in whole + subkinds:
            forms: tuple[str, ...] = labels
            if kind is ChoiceKind.QUOTE:
                forms = (*labels, "quoted alike")
            if ":" in name:
                forms = tuple(f"{label} ({name.split(':', 1)[1]})" for label in labels)
            rows.append(
                Row(_SOURCE, name, forms, tuple(counts[(name, k)] for k in range(len(forms))))
            )
    return rows


def text_rows(files: Iterable[SourceFile]) -> list[Row]:
    """One row per word pair, then dates, serial commas, bullets, numbering and headings."""
    texts = [text for source in files for text in prose(source)]
    rows = [_pair_row(first, second, texts) for first, second, _ in ALL_SYNONYMS]
    layout: Counter[tuple[str, int]] = Counter()
    for text in texts:
        for point in choice_points(text):
            if point.kind is PointKind.WORD:
                continue
            start, end = point.spans[0]
            shown = text[start:end]
            name = text_kind(point)
            form = next(
                (b for b in (0, 1) if point.renderings[b][0] == shown), len(TEXT_FORMS[name]) - 1
            )
            layout[(name, form)] += 1
    for name, labels in TEXT_FORMS.items():
        rows.append(Row(_TEXT, name, labels, tuple(layout[(name, k)] for k in range(len(labels)))))
    return rows


def _pair_row(first: str, second: str, texts: list[str]) -> Row:
    counts = tuple(sum(len(_form(form).findall(t)) for t in texts) for form in (first, second))
    return Row(_TEXT, pair_name(first, second), (first, second), counts)


def _form(form: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in form.split(" "))
    return re.compile(rf"(?<![\w.]){body}(?![\w])", re.IGNORECASE)


__all__ = ["SOURCE_VERSION", "TEXT_FORMS", "measure", "source_counts", "source_rows", "text_rows"]
