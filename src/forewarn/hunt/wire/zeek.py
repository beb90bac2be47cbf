"""Zeek `http.log`, in its default TSV form (`#separator`, `#fields` header lines) and its JSON
form (one object per line, `LogAscii::use_json=T`).

From Zeek's documented `HTTP::Info` record: a line holds `method`, `host` (the Host header),
`uri` (the request target), `user_agent` and `referrer`, with the connection's `id.resp_h` and
`id.resp_p`; no header list, order, case, cookie or body. So a request read from Zeek shows the
method, path, query (in order) and user agent only. In TSV, `-` is an unset field, `(empty)` an
empty one, and bytes Zeek would not print are escaped as `\\xHH`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from forewarn.domain.wire import HttpRequest, WireFeature
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.interface import NoteBook, RequestFilter
from forewarn.hunt.wire.text import (
    LOG_FEATURES,
    first_line,
    json_records,
    keep_if,
    lines,
    logged,
    room_left,
)

SHOWS = LOG_FEATURES | {WireFeature.USER_AGENT}
"""What a Zeek http.log line shows."""
_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")


def _unescape(value: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def _request(fields: Mapping[str, object], origin: str) -> HttpRequest | None:
    method, uri = fields.get("method"), fields.get("uri")
    if not isinstance(method, str) or not isinstance(uri, str):
        return None
    agent = fields.get("user_agent")
    host = fields.get("host")
    return logged(
        method,
        uri,
        source="zeek",
        origin=origin,
        shows=SHOWS,
        headers=[("User-Agent", agent if isinstance(agent, str) else None)],
        host=host if isinstance(host, str) else None,
    )


class ZeekReader:
    """Zeek `http.log`, TSV or JSON."""

    name = "zeek"

    def sniff(self, head: bytes) -> bool:
        """A TSV header naming the `http` path or its fields, or a JSON line of an http.log."""
        if head.startswith(b"#separator"):
            return b"#path\thttp" in head or (b"\tmethod\t" in head and b"\turi\t" in head)
        line = first_line(head)[:8192]
        return (
            line[:1] == b"{"
            and b'"uid"' in line
            and b'"id.orig_h"' in line
            and (b'"method"' in line or b'"uri"' in line)
        )

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """One request per logged transaction that has a method and a URI."""
        found: list[HttpRequest] = []
        if data.lstrip()[:1] == b"{":
            for number, record in json_records(data, limits, notes):
                if not room_left(found, limits, notes):
                    break
                request = _request(record, f"line {number}")
                if request is None:
                    notes.add(f"line {number}", "no method or uri; skipped")
                else:
                    keep_if(found, request, keep)
            return found
        separator, unset, empty = "\t", "-", "(empty)"
        names: list[str] = []
        for number, text in lines(data, limits, notes):
            if text.startswith("#"):
                key, _, value = text.partition(" " if text.startswith("#separator") else separator)
                if key == "#separator":
                    separator = _unescape(value.strip()) or "\t"
                elif key == "#unset_field":
                    unset = value
                elif key == "#empty_field":
                    empty = value
                elif key == "#fields":
                    names = value.split(separator)
                continue
            if not names:
                notes.add(f"line {number}", "data before a #fields line; skipped")
                continue
            if not room_left(found, limits, notes):
                break
            values = [
                None if v == unset else "" if v == empty else _unescape(v)
                for v in text.split(separator)
            ]
            request = _request(dict(zip(names, values, strict=False)), f"line {number}")
            if request is None:
                notes.add(f"line {number}", "no method or uri; skipped")
            else:
                keep_if(found, request, keep)
        return found
