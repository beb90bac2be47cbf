"""Checking a marked copy against the naturalness table: no line a mark touched may hold a
form the reference corpus does not write.

`unnatural_lines(before, after)` compares two texts line by line (an original and a partner's
copy, or two partners' copies) and returns each differing line of `after` that holds a form
outside the table: a Python construct whose form is under `MIN_SHARE` of its kind, a user agent
no real browser release sends, a time-zone offset no zone has, or a wording or layout form of
the text channel under the share.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from forewarn.marks.channels._python.agents import AGENT, coherent_agent
from forewarn.marks.channels.pysource.canon import analyse
from forewarn.marks.channels.pysource.natural import kind_name, subkind_name
from forewarn.marks.channels.text.natural import ADVISORY_VOCABULARY, ALL_SYNONYMS
from forewarn.marks.channels.text.natural import kind_name as text_kind
from forewarn.marks.channels.text.points import choice_points
from forewarn.marks.naturalness.census import SOURCE_VERSION
from forewarn.marks.naturalness.table import NaturalnessTable

TABLE_RESOURCE = "naturalness/cpython-3.11.json"
"""The shipped table (`bench/naturalness.py --write` measures and writes it)."""

_ZONE = re.compile(r"(?<=\d\d:\d\d:\d\d )([+-])(\d\d)(\d\d)\b")


@dataclass(frozen=True, slots=True)
class Finding:
    """One differing line holding a form outside the table."""

    line: int
    """1-based line number in the later text."""
    text: str
    """The line."""
    form: str
    """What is unnatural on it (`negcmp form 1`, `user agent`, ...)."""


@lru_cache(maxsize=1)
def shipped_table() -> NaturalnessTable:
    """The naturalness table shipped with forewarn."""
    data = resources.files("forewarn.data").joinpath(TABLE_RESOURCE).read_text(encoding="utf-8")
    return NaturalnessTable.from_json(data)


def changed_lines(before: str, after: str) -> set[int]:
    """1-based numbers of the lines of `after` that are not lines of `before` in place."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    changed: set[int] = set()
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changed.update(range(j1 + 1, j2 + 1))
    return changed


def unnatural_lines(
    before: str, after: str, *, python: bool, table: NaturalnessTable | None = None
) -> list[Finding]:
    """Findings on the lines of `after` that differ from `before` (`python`: Python source,
    else advisory text). A form counts only where the change wrote it, that is where `after`
    holds more of it than `before` (an author's own word is not a mark)."""
    table = shipped_table() if table is None else table
    changed = changed_lines(before, after)
    every = set(range(1, len(before.splitlines()) + 1))
    read = _python if python else _text
    had = Counter(f.form for f in read(before, every, table))
    has = Counter(f.form for f in read(after, set(range(1, len(after.splitlines()) + 1)), table))
    # Only forms the change wrote count: `after` holds more of them than `before` did.
    found = [f for f in read(after, changed, table) if had[f.form] < has[f.form]]
    found += _values(after, changed)
    return sorted({(f.line, f.form): f for f in found}.values(), key=lambda f: (f.line, f.form))


def _python(source: str, changed: set[int], table: NaturalnessTable) -> list[Finding]:
    lines = source.splitlines()
    analysis = analyse(ast.parse(source), source, version=SOURCE_VERSION)
    found: list[Finding] = []
    measured = {r.kind for r in table.rows if r.channel == "python_source"}
    for site in analysis.sites:
        form = 2 if site.bit is None else site.bit
        where = {getattr(n, "lineno", 0) for n in site.nodes} & changed
        # A split kind is judged by the row of its test's shape (`ifswap:plain`) when measured.
        shape = subkind_name(site)
        name = shape if shape in measured else kind_name(site)
        if where and not table.natural("python_source", name, form):
            line = min(where)
            found.append(Finding(line, lines[line - 1], f"{name} form {form}"))
    return found


def _text(text: str, changed: set[int], table: NaturalnessTable) -> list[Finding]:
    lines = text.split("\n")
    starts = [0]
    for row_text in lines:
        starts.append(starts[-1] + len(row_text) + 1)
    found: list[Finding] = []
    for point in choice_points(text, True, ALL_SYNONYMS):
        start, end = point.spans[0]
        number = next(k for k in range(len(lines)) if starts[k + 1] > start) + 1
        if number not in changed:
            continue
        shown = text[start:end]
        form = next((b for b in (0, 1) if point.renderings[b][0] == shown), 2)
        name = text_kind(point)
        row = next((r for r in table.rows if r.channel == "text" and r.kind == name), None)
        vocabulary = name in ADVISORY_VOCABULARY and form in (0, 1)
        if not vocabulary and (form == 2 or row is None or not row.natural(form)):
            found.append(Finding(number, lines[number - 1], f"{name} form {form}"))
    return found


def _values(text: str, changed: set[int]) -> list[Finding]:
    """User agents and time-zone offsets on changed lines."""
    found: list[Finding] = []
    lines = text.splitlines()
    for number in sorted(changed):
        line = lines[number - 1] if number - 1 < len(lines) else ""
        found.extend(
            Finding(number, line, "user agent")
            for quoted in re.findall(r"[\"']([^\"']*)[\"']", line)
            if AGENT.match(quoted) and not coherent_agent(quoted)
        )
        for _, hours, minutes in _ZONE.findall(line):
            if int(hours) > 14 or minutes not in ("00", "30", "45"):
                found.append(Finding(number, line, "time zone"))
    return found


__all__ = ["Finding", "changed_lines", "shipped_table", "unnatural_lines"]
