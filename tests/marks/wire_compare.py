"""Comparing a statically evaluated request with the one a listener received.

A placeholder span in the static form matches any text; every feature the static form says it
shows must match exactly. `recovered` counts the wire values the static form gives exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from forewarn.domain.wire import HttpRequest, WireFeature
from forewarn.marks.wire import PLACEHOLDER


def fits(pattern: str, value: str) -> bool:
    """Whether `value` is one of the texts a string with placeholders stands for."""
    regex = ".*".join(re.escape(part) for part in pattern.split(PLACEHOLDER))
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


def disagreements(static: HttpRequest, wire: HttpRequest) -> list[str]:
    """Where the static form contradicts the wire (empty when it never does)."""
    out: list[str] = []
    shows = static.shows

    def need(ok: bool, what: str) -> None:
        if not ok:
            out.append(what)

    need(fits(static.method, wire.method), "method")
    need(fits(static.path, wire.path), "path")
    if WireFeature.PATH in shows:
        need(static.path == wire.path, "path shown")
    need(len(static.query) == len(wire.query), "query length")
    for (sk, sv), (wk, wv) in zip(static.query, wire.query, strict=False):
        need(fits(sk, wk) and fits(sv, wv), f"query pair {wk}")
    if WireFeature.QUERY in shows:
        need(static.query == wire.query, "query shown")
    if WireFeature.QUERY_ORDER in shows:
        need([k for k, _ in static.query] == [k for k, _ in wire.query], "query order")
    need(len(static.headers) == len(wire.headers), "header count")
    for (sn, sv), (wn, wv) in zip(static.headers, wire.headers, strict=False):
        need(sn.lower() == wn.lower() and fits(sv, wv), f"header {wn}")
    if WireFeature.HEADER_CASE in shows:
        need([n for n, _ in static.headers] == [n for n, _ in wire.headers], "header case")
    if WireFeature.USER_AGENT in shows:
        need(static.header("user-agent") == wire.header("user-agent"), "user agent")
    if WireFeature.COOKIES in shows:
        need(static.cookies == wire.cookies, "cookies")
    body = static.body.decode("utf-8", "replace")
    need(fits(body, wire.body.decode("utf-8", "replace")), "body")
    if WireFeature.BODY in shows:
        need(static.body == wire.body, "body shown")
    return out


@dataclass(frozen=True, slots=True)
class Recovered:
    """Wire values the static form gives exactly, out of those on the wire."""

    headers: tuple[int, int]
    """Header lines whose name (as spelt) and value are both given."""
    order: tuple[int, int]
    """Requests whose header order is shown and right."""
    query: tuple[int, int]
    """Query pairs given exactly."""
    agent: tuple[int, int]
    """Requests whose user agent is shown and right."""
    paths: tuple[int, int]
    """Requests whose path is shown and right."""
    bodies: tuple[int, int]
    """Requests whose body is shown and right."""


def recovered(statics: list[HttpRequest], wires: list[HttpRequest]) -> Recovered:
    """Count what the static forms recover of the captured requests."""
    headers = order = query = agent = paths = bodies = 0
    header_total = query_total = 0
    for static, wire in zip(statics, wires, strict=True):
        header_total += len(wire.headers)
        headers += sum(
            s == w and PLACEHOLDER not in s[1]
            for s, w in zip(static.headers, wire.headers, strict=False)
        )
        order += WireFeature.HEADER_ORDER in static.shows and [
            n.lower() for n, _ in static.headers
        ] == [n.lower() for n, _ in wire.headers]
        query_total += len(wire.query)
        query += sum(s == w for s, w in zip(static.query, wire.query, strict=False))
        agent += WireFeature.USER_AGENT in static.shows and static.header(
            "user-agent"
        ) == wire.header("user-agent")
        paths += WireFeature.PATH in static.shows and static.path == wire.path
        bodies += WireFeature.BODY in static.shows and static.body == wire.body
    n = len(wires)
    return Recovered(
        (headers, header_total),
        (order, n),
        (query, query_total),
        (agent, n),
        (paths, n),
        (bodies, n),
    )
