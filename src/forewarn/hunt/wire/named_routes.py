"""Whether a text names one of a hunt's routes: code in a language no table names still does.

A rewrite into a language the hunt does not know (Dart, Elixir, a new one next year) reads as
prose, and prose is not read for wire marks unless it resembles an artifact. What such a
rewrite keeps is what it sends, and every request starts with a path the PoC's own routes
know: a text holding such a path (tested by the route filter's salted digests, so the worker
still never learns a path) is read like code. A text that only quotes the path (a write-up)
is read too; what it holds then decides, at the same ε as any code.
"""

from __future__ import annotations

import re

from forewarn.hunt.wire.interface import RouteKeyed

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
"""The methods a named path is tried with (the text rarely says which one it sends)."""

SCAN_CHARS = 256 * 1024
"""How much of a text is searched for paths."""

MAX_CANDIDATES = 2_000
"""Distinct paths tried at most (seven digests each)."""

_RUN = re.compile(r"/[A-Za-z0-9_.~%:@/\-]{0,512}")
"""A run of path characters from a slash; it ends at a quote, a space, `?`, `#`, `$`, a brace
(an interpolation) or punctuation code puts around a literal."""


def _paths(run: str) -> list[str]:
    """Each path a run may hold: from every slash that starts a segment (`//host:8080/x/y`
    gives `/x/y` and `/y`; the route filter's skeleton needs the whole path from its start)."""
    return [
        run[i:]
        for i, c in enumerate(run)
        if c == "/" and run[i + 1 : i + 2] not in ("/", "") and (i == 0 or run[i - 1] != "/")
    ]


def names_a_route(text: str, keep: RouteKeyed) -> bool:
    """Whether some path written in `text` is on one of `keep`'s routes, with any method."""
    tried: set[str] = set()
    for match in _RUN.finditer(text, 0, min(len(text), SCAN_CHARS)):
        for path in _paths(match.group()):
            if path in tried:
                continue
            tried.add(path)
            if any(keep.keeps_route(method, path) for method in METHODS):
                return True
            if len(tried) >= MAX_CANDIDATES:
                return False
    return False


__all__ = ["MAX_CANDIDATES", "METHODS", "SCAN_CHARS", "names_a_route"]
