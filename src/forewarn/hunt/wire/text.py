"""What the line-based formats share: bounded line and JSON-record iteration, and the request a
log line describes.

Log lines are decoded as latin-1, as raw HTTP headers are: every byte keeps its value, so a value
read from a log equals the same value read from a packet capture. JSON lines (Suricata, Zeek's
JSON variant) are UTF-8 by their specification.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from forewarn.domain.wire import HttpRequest, WireFeature, split_target
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.interface import NoteBook, RequestFilter

LOG_FEATURES = frozenset(
    {WireFeature.METHOD, WireFeature.PATH, WireFeature.QUERY, WireFeature.QUERY_ORDER}
)
"""What a log line with a method and a full request target shows."""
_JSON_ERRORS = (ValueError, RecursionError, UnicodeDecodeError)
_STR_ONLY_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85]")
"""Characters `str.splitlines` breaks at and `bytes.splitlines` does not (latin-1 range)."""
TARGET_CACHE = 1 << 16
"""Request targets whose split is remembered per process (logs repeat the same few)."""


def split_lines(data: bytes) -> list[str]:
    """`data.splitlines()`, each line decoded as latin-1: one decode and one split in C when
    no line holds a character only `str.splitlines` breaks at (then line by line)."""
    text = data.decode("latin-1")
    if _STR_ONLY_BREAKS.search(text) is None:
        return text.splitlines()
    return [raw.decode("latin-1") for raw in data.splitlines()]


def lines(data: bytes, limits: Limits, notes: NoteBook) -> Iterator[tuple[int, str]]:
    """`(line number, text)` of every non-blank line; lines over `max_header_bytes` are noted."""
    most = limits.max_header_bytes
    for number, text in enumerate(split_lines(data), 1):
        if len(text) > most:  # latin-1: one character per byte
            notes.add(f"line {number}", f"over {most} B; skipped")
        elif text and not text.isspace():
            yield number, text


@functools.lru_cache(maxsize=TARGET_CACHE)
def split_logged_target(target: str) -> tuple[str, tuple[tuple[str, str], ...], str | None]:
    """`split_target`, remembered: a log shows the same targets again and again, and the
    result (strings and tuples) is immutable, so requests may share it."""
    return split_target(target)


def json_records(
    data: bytes, limits: Limits, notes: NoteBook
) -> Iterator[tuple[int, dict[str, Any]]]:
    """`(line number, object)` of every line holding one JSON object; others are noted."""
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        if len(raw) > limits.max_header_bytes * 4:
            notes.add(f"line {number}", f"over {limits.max_header_bytes * 4} B; skipped")
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except _JSON_ERRORS:
            notes.add(f"line {number}", "not JSON; skipped")
            continue
        if not isinstance(record, dict):
            notes.add(f"line {number}", "not a JSON object; skipped")
            continue
        yield number, record


def first_line(head: bytes) -> bytes:
    """The first non-blank line of `head` (a UTF-8 BOM dropped)."""
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().split(b"\n", 1)[0]


def text_of(value: object) -> str | None:
    """A JSON or log value as text, `None` when absent (`None`, `-`, not a scalar)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return None if text == "-" else text


def keep_if(found: list[HttpRequest], request: HttpRequest, keep: RequestFilter | None) -> None:
    """Add `request` to `found` unless `keep` turns it down (a request off every route)."""
    if keep is None or keep(request):
        found.append(request)


def room_left(found: Sequence[HttpRequest], limits: Limits, notes: NoteBook) -> bool:
    """Whether another request may be read; notes once when the limit is reached."""
    if len(found) < limits.max_requests:
        return True
    notes.add("", f"more than {limits.max_requests} requests; the rest is not read")
    return False


def logged(
    method: str | None,
    target: str | None,
    *,
    source: str,
    origin: str,
    shows: Iterable[WireFeature],
    headers: Iterable[tuple[str, str | None]] = (),
    host: str | None = None,
) -> HttpRequest:
    """The request a log line describes; a part the line lacks is not shown."""
    shown = set(shows)
    if not method:
        shown.discard(WireFeature.METHOD)
    if target is None:
        shown -= {WireFeature.PATH, WireFeature.QUERY, WireFeature.QUERY_ORDER}
    path, query, target_host = split_logged_target(target or "")
    kept = tuple((name, value) for name, value in headers if value is not None)
    return HttpRequest(
        method=(method or "").upper(),
        path=path,
        query=query,
        headers=kept,
        host=host or target_host,
        source=source,
        shows=frozenset(shown),
        origin=origin,
    )
