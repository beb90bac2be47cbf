"""Suricata EVE JSON (`eve.json`): one JSON object per line; the `http` records.

From Suricata's documented EVE format (`event_type: "http"`, object `http`): by default a record
holds `hostname`, `url` (the request target as sent), `http_user_agent`, `http_method`,
`protocol`, `http_refer` and response fields, so it shows the method, path, query and user
agent. With `dump-all-headers: request` (or `both`) it adds `request_headers`, the request's
header list in order as `{"name", "value"}` objects, and then shows the headers too (their case
not for HTTP/2, or when every name is lower case). Bodies are not read: EVE keeps at most
`request-body-limit` bytes of them, so a body there may be cut. `alert` records that carry an
`http` object are read only when the file has no `http` record (they repeat the same request).
"""

from __future__ import annotations

from typing import Any

from forewarn.domain.wire import ALL_FEATURES, HttpRequest, WireFeature
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.interface import NoteBook, RequestFilter
from forewarn.hunt.wire.text import (
    LOG_FEATURES,
    first_line,
    json_records,
    keep_if,
    logged,
    room_left,
    text_of,
)

_SUMMARY = LOG_FEATURES | {WireFeature.USER_AGENT}
"""What a record without `request_headers` shows."""


class SuricataReader:
    """Suricata `eve.json` http records."""

    name = "suricata"

    def sniff(self, head: bytes) -> bool:
        """A JSON object line with an `event_type`."""
        line = first_line(head)
        return line[:1] == b"{" and b'"event_type"' in line[:8192]

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """One request per `http` record (or per `alert` with `http`, if there is none)."""
        http: list[tuple[int, dict[str, Any]]] = []
        alerts: list[tuple[int, dict[str, Any]]] = []
        for number, record in json_records(data, limits, notes):
            event = record.get("event_type")
            if isinstance(record.get("http"), dict) and event in ("http", "alert"):
                (http if event == "http" else alerts).append((number, record["http"]))
        found: list[HttpRequest] = []
        for number, fields in http or alerts:
            if not room_left(found, limits, notes):
                break
            try:
                keep_if(found, _request(fields, f"line {number}", limits), keep)
            except (TypeError, KeyError, ValueError):
                notes.add(f"line {number}", "malformed http record; skipped")
        return found


def _request(fields: dict[str, Any], origin: str, limits: Limits) -> HttpRequest:
    host = text_of(fields.get("hostname"))
    listed = fields.get("request_headers")
    if not isinstance(listed, list):
        return logged(
            text_of(fields.get("http_method")),
            text_of(fields.get("url")),
            source="suricata",
            origin=origin,
            shows=_SUMMARY,
            headers=[("User-Agent", text_of(fields.get("http_user_agent")))],
            host=host,
        )
    headers = [(str(item["name"]), str(item["value"])) for item in listed]
    shows = set(ALL_FEATURES) - {WireFeature.BODY}
    names = "".join(k for k, _ in headers)
    protocol = str(fields.get("protocol", "")).upper()
    if protocol.startswith(("HTTP/2", "HTTP/3")) or names == names.lower():
        shows.discard(WireFeature.HEADER_CASE)
    if len(headers) > limits.max_headers:
        headers = headers[: limits.max_headers]
        shows -= {WireFeature.HEADER_NAMES, WireFeature.HEADER_ORDER, WireFeature.HEADER_VALUES}
    request = logged(
        text_of(fields.get("http_method")),
        text_of(fields.get("url")),
        source="suricata",
        origin=origin,
        shows=shows,
        headers=headers,
        host=host,
    )
    return request
