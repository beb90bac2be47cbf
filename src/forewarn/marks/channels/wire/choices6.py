"""Scheme 6's new wire edits: each a value real clients send, read from what a capture shows.

- The `safe` characters of a `urllib.parse.quote` / `quote_plus` call: a character the call
  leaves as it is (`@`, `/`, `=`, `?` …) may instead be percent-encoded (`%40`), as
  `encodeURIComponent`, `quote` with its defaults and most HTTP libraries do; servers decode
  both alike. One bit per character of the `safe` literal; characters `quote` never encodes
  (letters, digits, `_.-~`) change nothing on the wire, so evaluation gives them no signature
  and they carry no mark.

As for every wire edit, nothing here is trusted: `signatures` keeps an edit only when the
evaluated copy sends something else, the same way whatever the other bits are.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterable

from forewarn.marks.channels._python.entries import entry_runs
from forewarn.marks.channels.wire.candidates import Literal, Offsets

QUOTE_CALLS = frozenset({"quote", "quote_plus"})
"""`urllib.parse` functions whose `safe` argument lists characters left unencoded."""

ALWAYS_SAFE = frozenset(string.ascii_letters + string.digits + "_.-~")
"""Characters `quote` never encodes, whatever `safe` says."""


def quote_safe(source: str, offsets: Offsets, tree: ast.Module) -> Iterable[Literal]:
    """One edit per character of a `quote(…, safe="…")` literal: kept, or left out (so
    percent-encoded where the quoted value holds it). Never where the literal tells entry
    statements apart (`_keys`): the source channel orders those by their literals."""
    keys = _keys(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node) in QUOTE_CALLS):
            continue
        safe = next((k.value for k in node.keywords if k.arg == "safe"), None)
        if safe is None and len(node.args) >= 2:
            safe = node.args[1]
        if not (isinstance(safe, ast.Constant) and isinstance(safe.value, str)):
            continue
        if id(safe) in keys or len(safe.value) < 2:
            continue
        span = offsets.span(safe)
        if span is None or source[span[0] + 1 : span[1] - 1] != safe.value:
            continue  # escapes or prefixes: not edited
        seen: set[str] = set()
        for at, char in enumerate(safe.value):
            if char in ALWAYS_SAFE or char in seen or char in "\"'\\":
                continue
            seen.add(char)
            start = span[0] + 1 + at
            yield Literal((start, start + 1), (char, ""), "safe")


def _keys(tree: ast.Module) -> set[int]:
    """`id`s of the first string literal of every statement of an entry run (`entry_runs`):
    the source channel sorts a run by its statements' literals, the first deciding, so an
    edit there could move the run's canonical order."""
    found: set[int] = set()
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not (isinstance(block, list) and block and isinstance(block[0], ast.stmt)):
                continue
            for run in entry_runs(block):
                for stmt in run:
                    first = next(
                        (
                            n
                            for n in ast.walk(stmt)
                            if isinstance(n, ast.Constant) and isinstance(n.value, str)
                        ),
                        None,
                    )
                    if first is not None:
                        found.add(id(first))
    return found


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


__all__ = ["ALWAYS_SAFE", "QUOTE_CALLS", "quote_safe"]
