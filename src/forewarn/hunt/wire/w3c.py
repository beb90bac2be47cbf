"""W3C extended log files (IIS and others that declare `#Fields:`).

A line shows only the fields its `#Fields:` directive names (a directive may come again later in
the file, as IIS writes one at each restart): `cs-method`; `cs-uri-stem` and `cs-uri-query` (or
`cs-uri`); `cs(User-Agent)`, `cs(Cookie)`, `cs(Referer)` and `cs-host` when logged. Fields are
separated by spaces, so IIS writes a space inside a value as `+`: it is read back as a space in
the user agent, cookie and referer (a `+` that was sent reads as a space too: a mark reader must
treat the two alike for these values). The header list, its order and case, and the body are
never shown; `-` is an empty field.
"""

from __future__ import annotations

from dataclasses import dataclass

from forewarn.domain.wire import HttpRequest, WireFeature, target_path
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.interface import NoteBook, RequestFilter, RouteKeyed
from forewarn.hunt.wire.text import keep_if, lines, room_left, split_logged_target

_HEADERS = (
    ("cs-host", "Host"),
    ("cs(user-agent)", "User-Agent"),
    ("cs(referer)", "Referer"),
    ("cs(cookie)", "Cookie"),
)
"""W3C field (lower case) → the request header it logs."""
_TARGET_FEATURES = frozenset({WireFeature.PATH, WireFeature.QUERY, WireFeature.QUERY_ORDER})
_SPACED_CACHE = 1 << 14
"""Distinct `+`-spaced header values remembered per log (user agents repeat)."""
_ROUTE_CACHE = 1 << 16
"""Distinct `(method, path)` pairs whose keep-or-drop is remembered per log."""


def _shows(fields: list[str]) -> frozenset[WireFeature]:
    present = set(fields)
    shows: set[WireFeature] = set()
    if "cs-method" in present:
        shows.add(WireFeature.METHOD)
    if "cs-uri-stem" in present or "cs-uri" in present:
        shows.add(WireFeature.PATH)
    if "cs-uri-query" in present or "cs-uri" in present:
        shows |= {WireFeature.QUERY, WireFeature.QUERY_ORDER}
    if "cs(user-agent)" in present:
        shows.add(WireFeature.USER_AGENT)
    if "cs(cookie)" in present:
        shows.add(WireFeature.COOKIES)
    return frozenset(shows)


@dataclass(slots=True)
class _Layout:
    """Where one `#Fields:` directive puts each value, worked out once for all its lines.

    A field named twice counts at its last place (as a dict of the line's fields would)."""

    width: int
    method: int | None
    uri: int | None
    stem: int | None
    query: int | None
    host: int | None
    headers: tuple[tuple[int, str, bool], ...]
    """`(index, header name, "+" read as a space)`, in `_HEADERS` order."""
    shows: frozenset[WireFeature]
    """With a method; `shows_no_method` for a line whose method is empty."""
    shows_no_method: frozenset[WireFeature]
    spaced: dict[str, str]

    @classmethod
    def of(cls, fields: list[str]) -> _Layout:
        at = {name: i for i, name in enumerate(fields)}
        shows = _shows(fields)
        if "cs-uri" not in at and "cs-uri-stem" not in at:  # no target: nothing of it shown
            shows -= _TARGET_FEATURES
        headers = tuple((at[key], name, key != "cs-host") for key, name in _HEADERS if key in at)
        return cls(
            len(fields),
            at.get("cs-method"),
            at.get("cs-uri"),
            at.get("cs-uri-stem"),
            at.get("cs-uri-query"),
            at.get("cs-host"),
            headers,
            shows,
            shows - {WireFeature.METHOD},
            {},
        )

    def route(self, values: list[str]) -> tuple[str, str]:
        """The method and path of the request a data line describes (`request(…).method` and
        `.path`), without building it: a target's query never changes its path."""
        method = self._method(values)
        if self.uri is not None:
            target = values[self.uri]
        elif self.stem is not None:
            target = values[self.stem]
        else:
            return method, ""
        return method, "" if target == "-" else target_path(target)

    def _method(self, values: list[str]) -> str:
        method = "" if self.method is None else values[self.method]
        if method == "-":
            return ""
        return method if method.isupper() else method.upper()

    def request(self, values: list[str], number: int) -> HttpRequest:
        """The request one data line (split into `width` values) describes."""
        method = self._method(values)
        if self.uri is not None:
            target = values[self.uri]
            target = "" if target == "-" else target
        elif self.stem is not None:
            target = values[self.stem]
            target = "" if target == "-" else target
            query = "" if self.query is None else values[self.query]
            if query and query != "-":
                target = f"{target}?{query}"
        else:
            target = ""
        path, pairs, target_host = split_logged_target(target)
        headers = []
        for index, name, spaced in self.headers:
            value = values[index]
            if value == "-":
                continue
            if spaced and "+" in value:
                value = self._spaced(value)
            headers.append((name, value))
        host = None if self.host is None else values[self.host]
        return HttpRequest(
            method,
            path,
            pairs,
            tuple(headers),
            b"",
            (None if host == "-" else host) or target_host,
            W3cReader.name,
            self.shows if method else self.shows_no_method,
            f"line {number}",
        )

    def _spaced(self, value: str) -> str:
        found = self.spaced.get(value)
        if found is None:
            if len(self.spaced) >= _SPACED_CACHE:
                self.spaced.clear()
            found = self.spaced[value] = value.replace("+", " ")
        return found


class W3cReader:
    """W3C extended (IIS) logs."""

    name = "w3c"

    def sniff(self, head: bytes) -> bool:
        """A `#Fields:` directive, or IIS's `#Software:` line."""
        start = head[:4096]
        return start.startswith(b"#Software: Microsoft Internet Information") or any(
            line.startswith(b"#Fields:") for line in start.splitlines()
        )

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """One request per data line; each directive's layout is worked out once, so a line
        costs a split and the request (web logs are most of a retro-hunt's bytes). A
        `RouteKeyed` filter is asked before the request is built, once per distinct method and
        path: a line off the routes costs only its split."""
        found: list[HttpRequest] = []
        layout: _Layout | None = None
        most = limits.max_requests
        keeps = keep.keeps_route if isinstance(keep, RouteKeyed) else None
        decided: dict[tuple[str, str], bool] = {}
        for number, text in lines(data, limits, notes):
            if text[0] == "#":
                if text.startswith("#Fields:"):
                    fields = text[len("#Fields:") :].lower().split()
                    layout = _Layout.of(fields) if fields else None
                continue
            values = text.split()
            if layout is None or len(values) != layout.width:
                notes.add(f"line {number}", "does not match the #Fields directive; skipped")
                continue
            if len(found) >= most and not room_left(found, limits, notes):
                break
            if keeps is None:
                keep_if(found, layout.request(values, number), keep)
                continue
            route = layout.route(values)
            kept = decided.get(route)
            if kept is None:
                if len(decided) >= _ROUTE_CACHE:
                    decided.clear()
                kept = decided[route] = keeps(*route)
            if kept:
                found.append(layout.request(values, number))
        return found
