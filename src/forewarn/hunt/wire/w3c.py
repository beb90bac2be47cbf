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

from forewarn.domain.wire import HttpRequest, WireFeature
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.interface import NoteBook
from forewarn.hunt.wire.text import lines, logged, room_left

_HEADERS = (
    ("cs-host", "Host"),
    ("cs(user-agent)", "User-Agent"),
    ("cs(referer)", "Referer"),
    ("cs(cookie)", "Cookie"),
)
"""W3C field (lower case) → the request header it logs."""


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


def _target(row: dict[str, str]) -> str | None:
    if "cs-uri" in row:
        return row["cs-uri"]
    stem = row.get("cs-uri-stem")
    if stem is None:
        return None
    query = row.get("cs-uri-query", "")
    return f"{stem}?{query}" if query else stem


class W3cReader:
    """W3C extended (IIS) logs."""

    name = "w3c"

    def sniff(self, head: bytes) -> bool:
        """A `#Fields:` directive, or IIS's `#Software:` line."""
        start = head[:4096]
        return start.startswith(b"#Software: Microsoft Internet Information") or any(
            line.startswith(b"#Fields:") for line in start.splitlines()
        )

    def read(self, data: bytes, limits: Limits, notes: NoteBook) -> list[HttpRequest]:
        """One request per data line."""
        found: list[HttpRequest] = []
        fields: list[str] = []
        shows: frozenset[WireFeature] = frozenset()
        for number, text in lines(data, limits, notes):
            if text.startswith("#"):
                if text.startswith("#Fields:"):
                    fields = text[len("#Fields:") :].lower().split()
                    shows = _shows(fields)
                continue
            values = text.split()
            if not fields or len(values) != len(fields):
                notes.add(f"line {number}", "does not match the #Fields directive; skipped")
                continue
            if not room_left(found, limits, notes):
                break
            row = {k: "" if v == "-" else v for k, v in zip(fields, values, strict=True)}
            headers = [
                (name, row[key].replace("+", " ") if key != "cs-host" else row[key])
                for key, name in _HEADERS
                if row.get(key)
            ]
            found.append(
                logged(
                    row.get("cs-method"),
                    _target(row),
                    source=self.name,
                    origin=f"line {number}",
                    shows=shows,
                    headers=headers,
                    host=row.get("cs-host") or None,
                )
            )
        return found
