"""What every partner's copy of a PoC sends and contains: the literal pieces rules match on.

A piece is kept only when the original and both extreme copies (`PocView`) show it: a value the
same in all three is kept whole; a value that differs keeps its common prefix and suffix (each
choice point renders one of two forms, so what comes before the first difference is in every
copy). What the static evaluator could not know (`UNKNOWN`) splits a value into pieces. Header
names compare without case (the marks change their casing). Only *distinctive* pieces are kept:
standard header names, browser user agents and short or common strings would match benign
traffic and benign code.
"""

from __future__ import annotations

import ast
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from forewarn.domain.rules import PocView
from forewarn.domain.wire import PLACEHOLDER as UNKNOWN
from forewarn.domain.wire import HttpRequest

MIN_PIECE = 6
"""Shortest literal piece a rule matches on."""

MIN_CONSTANT = 8
"""Shortest code constant a YARA rule matches on."""

STANDARD_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "authorization",
        "cache-control",
        "connection",
        "content-length",
        "content-type",
        "cookie",
        "dnt",
        "expect",
        "host",
        "if-modified-since",
        "if-none-match",
        "origin",
        "pragma",
        "range",
        "referer",
        "te",
        "transfer-encoding",
        "upgrade-insecure-requests",
        "user-agent",
        "x-requested-with",
    }
)
"""Header names every client sends: never distinctive."""

COMMON_STRINGS = frozenset(
    {
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "text/html",
        "multipart/form-data",
        "XMLHttpRequest",
        "127.0.0.1",
        "localhost",
        "__main__",
        "utf-8",
        "keep-alive",
        "store_true",
        "store_false",
    }
)
"""Strings any HTTP tool contains."""

_QUOTED = re.compile(r"\"([^\"\\\n]{4,200})\"|'([^'\\\n]{4,200})'")
"""Quoted strings of a language the evaluator does not parse (no escapes inside)."""
_DISTINCT = re.compile(r"[/\-_.=@~:?%]|\d|[a-z][A-Z]")


@dataclass(frozen=True, slots=True)
class RequestSignature:
    """The pieces of one request that every copy sends."""

    index: int
    """Position of the request in the PoC's order (0-based)."""
    method: str
    """The method."""
    path: str
    """The path, or its invariant prefix."""
    uri: tuple[str, ...]
    """Further pieces of the decoded URI: `key=value` (or `key=`) and value pieces."""
    header_names: tuple[str, ...]
    """Distinctive header names, lower case."""
    header_values: tuple[str, ...]
    """Invariant pieces of distinctive headers' values."""
    cookie: tuple[str, ...]
    """Invariant pieces of the `Cookie` header."""
    user_agent: str | None
    """The user agent, when every copy sends the same non-browser one."""
    body: tuple[str, ...]
    """Invariant printable pieces of the body."""

    @property
    def pieces(self) -> tuple[str, ...]:
        """Every piece a rule over a file (source, capture) can look for, longest first."""
        found = [self.path, *self.uri, *self.header_values, *self.cookie, *self.body]
        if self.user_agent:
            found.append(self.user_agent)
        return _dedupe([p for p in found if len(p) >= MIN_PIECE])


def _dedupe(pieces: Sequence[str]) -> tuple[str, ...]:
    """Distinct pieces, none contained in a longer one, longest first (ties by text)."""
    unique = sorted(set(pieces), key=lambda p: (-len(p), p))
    kept: list[str] = []
    for piece in unique:
        if not any(piece in longer for longer in kept):
            kept.append(piece)
    return tuple(kept)


def _prefix(values: Sequence[str]) -> str:
    first = values[0]
    size = 0
    while size < len(first) and all(len(v) > size and v[size] == first[size] for v in values):
        size += 1
    return first[:size]


def _suffix(values: Sequence[str]) -> str:
    return _prefix([v[::-1] for v in values])[::-1]


def stable_pieces(values: Sequence[str]) -> tuple[str, ...]:
    """The pieces of a value that every copy shows (see the module docstring)."""
    if not values:
        return ()
    if all(v == values[0] for v in values):
        parts = [values[0]]
    else:
        head = _prefix(values)
        tail = _suffix([v[len(head) :] for v in values])
        parts = [head, tail]
    return tuple(p for part in parts for p in part.split(UNKNOWN) if p)


def distinctive(piece: str, minimum: int = MIN_PIECE) -> bool:
    """Whether a literal is specific enough to match only this tool's material."""
    if len(piece) < minimum or piece in COMMON_STRINGS or piece.startswith("-"):
        return False
    if len(set(piece)) < 3:
        return False
    return bool(_DISTINCT.search(piece))


def _browser(agent: str) -> bool:
    return agent.startswith("Mozilla/") or not agent.strip()


def _headers(requests: Sequence[HttpRequest], name: str) -> list[str] | None:
    found = [r.header(name) for r in requests]
    values = [v for v in found if v is not None]
    return values if len(values) == len(found) else None


def _signature(index: int, variants: Sequence[HttpRequest]) -> RequestSignature | None:
    first = variants[0]
    if any(v.method != first.method for v in variants):
        return None
    paths = stable_pieces([urllib.parse.unquote(v.path) for v in variants])
    path = paths[0] if paths and urllib.parse.unquote(first.path).startswith(paths[0]) else "/"
    uri: list[str] = [p for p in paths[1:] if distinctive(p)]
    for key, _ in first.query:
        values = [dict(v.query).get(key) for v in variants]
        if any(value is None for value in values):
            continue
        known = [str(value) for value in values]
        pieces = stable_pieces(known)
        if pieces and known[0].startswith(pieces[0]):
            uri.append(f"{key}={pieces[0]}")
            pieces = pieces[1:]
        elif len(key) >= 3:
            uri.append(f"{key}=")
        uri += [p for p in pieces if distinctive(p)]
    names: list[str] = []
    values_kept: list[str] = []
    for name, _ in first.headers:
        lowered = name.lower()
        seen = _headers(variants, name)
        if seen is None or lowered in STANDARD_HEADERS or lowered in names:
            continue
        names.append(lowered)
        values_kept += [p for p in stable_pieces(seen) if distinctive(p)]
    cookies = _headers(variants, "cookie")
    cookie: list[str] = []
    if cookies is not None:
        parts = [c.split("; ") for c in cookies]
        for k, part in enumerate(parts[0]):
            name = part.partition("=")[0]
            same = [next((q for q in p if q.partition("=")[0] == name), None) for p in parts]
            if any(s is None for s in same) or k >= len(parts[0]):
                continue
            cookie += [p for p in stable_pieces([str(s) for s in same]) if distinctive(p)]
    agents = _headers(variants, "user-agent")
    agent = agents[0] if agents and all(a == agents[0] for a in agents) else None
    if agent is not None and (_browser(agent) or UNKNOWN in agent):
        agent = None
    bodies = [v.body.decode("utf-8", "replace") for v in variants]
    body = [p for p in stable_pieces(bodies) if distinctive(p, MIN_CONSTANT) and p.isprintable()]
    return RequestSignature(
        index,
        first.method,
        path,
        tuple(_dedupe(uri)),
        tuple(names),
        _dedupe(values_kept),
        _dedupe(cookie),
        agent,
        _dedupe(body),
    )


def signatures(poc: PocView) -> tuple[RequestSignature, ...]:
    """One signature per request every copy of `poc` sends, in order."""
    if not poc.requests:
        return ()
    count = min(len(r) for r in poc.requests)
    found = []
    for index in range(count):
        signature = _signature(index, [requests[index] for requests in poc.requests])
        if signature is not None:
            found.append(signature)
    return tuple(found)


def _literals(source: str) -> list[str]:
    """String constants of Python source (docstrings aside), or quoted strings of any text."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [a or b for a, b in _QUOTED.findall(source)]
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def constants(poc: PocView) -> tuple[str, ...]:
    """Distinctive string constants of the original that every copy contains verbatim."""
    if not poc.sources:
        return ()
    found = [
        value
        for value in _literals(poc.sources[0])
        if distinctive(value, MIN_CONSTANT)
        and value.isprintable()
        and UNKNOWN not in value
        and "{}" not in value
        and all(value in text for text in poc.sources)
    ]
    return _dedupe(found)


__all__ = [
    "COMMON_STRINGS",
    "MIN_CONSTANT",
    "MIN_PIECE",
    "STANDARD_HEADERS",
    "RequestSignature",
    "constants",
    "distinctive",
    "signatures",
    "stable_pieces",
]
