"""STIX patterns for the requests a view's PoC sends (read statically, never run).

Each request gives one pattern over the STIX `network-traffic` HTTP request extension: its
method, its path as a prefix of the request target, and the names of the cookies it sets (the
routing cookie of a request-smuggling chain is the tell). Parts the code does not determine
(the evaluator's `PLACEHOLDER`) are left out; a request that keeps fewer than two parts would
match ordinary traffic and gives no pattern. A partner's view reads its own marked copy, so its
patterns match what its copy sends and show nothing about other copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from forewarn.domain import HttpRequest, WireFeature
from forewarn.domain.wire import PLACEHOLDER

_HTTP = "network-traffic:extensions.'http-request-ext'"
_MIN_PARTS = 2


@dataclass(frozen=True, slots=True)
class RequestPattern:
    """One request of the PoC as a STIX pattern."""

    number: int
    """1-based position of the request in the PoC's order."""
    summary: str
    """`GET /autodiscover/autodiscover.json`, for names and descriptions."""
    pattern: str
    """The STIX 2.1 pattern."""


def quote(value: str) -> str:
    """A STIX pattern string literal (quotes and backslashes escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _like(value: str) -> str:
    """`value` for a LIKE comparison: its own `%` and `_` match only themselves by `_`."""
    return value.replace("%", "_")


def request_pattern(request: HttpRequest, number: int) -> RequestPattern | None:
    """The pattern of one request, or `None` when too little of it is known."""
    parts: list[str] = []
    shown: list[str] = []
    if WireFeature.METHOD in request.shows and PLACEHOLDER not in request.method:
        parts.append(f"{_HTTP}.request_method = {quote(request.method)}")
        shown.append(request.method)
    path = request.path
    if WireFeature.PATH in request.shows and PLACEHOLDER not in path and path not in ("", "/"):
        parts.append(f"{_HTTP}.request_value LIKE {quote(_like(path) + '%')}")
        shown.append(path)
    names = [n for n, _ in request.cookies if n and PLACEHOLDER not in n]
    for name in dict.fromkeys(names):
        parts.append(f"{_HTTP}.request_header.'Cookie' LIKE {quote('%' + _like(name) + '=%')}")
        shown.append(f"cookie {name}")
    if len(parts) < _MIN_PARTS:
        return None
    return RequestPattern(number, " ".join(shown), "[" + " AND ".join(parts) + "]")


def request_patterns(requests: Sequence[HttpRequest]) -> tuple[RequestPattern, ...]:
    """One pattern per distinct request that says enough, in the PoC's order."""
    found: dict[str, RequestPattern] = {}
    for number, request in enumerate(requests, start=1):
        made = request_pattern(request, number)
        if made is not None:
            found.setdefault(made.pattern, made)
    return tuple(found.values())


__all__ = ["RequestPattern", "quote", "request_pattern", "request_patterns"]
