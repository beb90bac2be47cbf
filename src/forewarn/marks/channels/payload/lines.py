"""Which requests of a web log or raw HTTP capture can be the PoC's own: those to its paths.

Reading wire strings from every line of a 16 MB log costs seconds and, worse, lets unrelated
traffic speak: browsers send the very stock user agent a PoC copies, so their lines would read
as bits. Only requests to one of the PoC's own paths are kept. Each path's literal head is found
with `str.find` (no regex runs over the log), and the request target of the line it sits on
(W3C `cs-uri-stem`, the Apache request line, the raw HTTP request line) must then start with the
path, or end in the file name, with digit runs free: the channel marks digits in paths too.
A path's head holds only characters clients never percent-encode (letters, `/._~-`).
"""

from __future__ import annotations

import ast
import bisect
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forewarn.marks.channels.payload.sites import DIGITS, PATHLIKE, template

MIN_HEAD = 4
"""Shortest literal head worth searching; shorter paths (`/`, `/a`) would select every line."""

_HEAD = re.compile(r"[A-Za-z/._~-]*")
"""Characters a client writes as they are in a path, digits excepted (they carry bits)."""

_REQUEST = re.compile(r"^([A-Z]{3,10}) (\S+) HTTP/\d(?:\.\d)?\r?$", re.MULTILINE)
"""The first line of a raw HTTP request (as `read.REQUEST_LINE`)."""


@dataclass(frozen=True, slots=True)
class RequestPath:
    """A path or file name the PoC may request, as searched for in a log."""

    head: str
    """Its literal start, found with `str.find`."""
    pattern: re.Pattern[str]
    """The whole path or name with digit runs free, tolerant of URL encodings."""
    absolute: bool
    """`True` for a path (`/ecp/x.ecp`, must start the target), `False` for a file name."""

    def fits(self, target: str) -> bool:
        """Whether a request target (path and query) is a request to this path."""
        path = target.split("?", 1)[0]
        if "://" in path:
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        forms = (path, urllib.parse.unquote(path)) if "%" in path else (path,)
        if self.absolute:
            return any(self.pattern.match(p) for p in forms)
        return any(self.pattern.search(p) for p in forms)


def request_paths(original: str) -> tuple[RequestPath, ...]:
    """The paths and file names written as string literals in the PoC `original`."""
    try:
        tree = ast.parse(original)
    except (SyntaxError, ValueError, RecursionError):
        return ()
    found: dict[str, RequestPath] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        text = node.value.split("?", 1)[0]
        if text.startswith("//") or not PATHLIKE.match(text):
            continue
        head = _HEAD.match(text)
        if head is None or len(head.group()) < MIN_HEAD or text in found:
            continue
        spans = [m.span() for m in DIGITS.finditer(text)]
        found[text] = RequestPath(head.group(), template(text, spans), text.startswith("/"))
    return tuple(found.values())


def select_requests(text: str, form: str, paths: Sequence[RequestPath]) -> str:
    """The requests of a `w3c`, `apache` or `http` suspect to any of `paths`, in order.

    Log forms keep whole lines, raw HTTP whole requests (request line, headers and body).
    """
    starts = sorted(_line_starts(text, (p.head for p in paths)))
    fields = _w3c_fields(text) if form == "w3c" else None
    kept: list[str] = []
    last_end = -1
    for start in starts:
        if start < last_end:
            continue
        end = text.find("\n", start)
        end = len(text) if end == -1 else end + 1
        line = text[start:end]
        if form == "http":
            request = _REQUEST.match(line.rstrip("\n"))
            if request is None or not _fits(request.group(2), paths):
                continue
            end = _next_request(text, end)
        elif not _fits_line(line.rstrip("\r\n"), form, fields, start, paths):
            continue
        kept.append(text[start:end] if form == "http" else line)
        last_end = end
    return "".join(kept)


def _line_starts(text: str, heads: Iterable[str]) -> set[int]:
    """Start offsets of the lines holding any of `heads`."""
    starts: set[int] = set()
    for head in set(heads):
        at = text.find(head)
        while at != -1:
            starts.add(text.rfind("\n", 0, at) + 1)
            end = text.find("\n", at)
            if end == -1:
                break
            at = text.find(head, end)
    return starts


def _fits(target: str, paths: Sequence[RequestPath]) -> bool:
    return any(p.fits(target) for p in paths)


def _fits_line(
    line: str,
    form: str,
    fields: tuple[list[int], list[int | None]] | None,
    start: int,
    paths: Sequence[RequestPath],
) -> bool:
    if line.startswith("#"):
        return False
    if form == "apache":
        quoted = line.split('"', 2)
        request = quoted[1].split(" ") if len(quoted) == 3 else []
        return len(request) >= 2 and _fits(request[1], paths)
    if fields is None:
        return False
    positions, stems = fields
    at = bisect.bisect_right(positions, start) - 1
    stem = stems[at] if at >= 0 else None
    if stem is None:
        return False
    values = line.split(" ")
    return len(values) > stem and _fits(values[stem], paths)


def _w3c_fields(text: str) -> tuple[list[int], list[int | None]]:
    """Offsets of the `#Fields:` directives and, for each, the column of the request path."""
    positions: list[int] = []
    stems: list[int | None] = []
    at = text.find("#Fields:")
    while at != -1:
        end = text.find("\n", at)
        names = text[at : len(text) if end == -1 else end].split()[1:]
        column = next((names.index(n) for n in ("cs-uri-stem", "cs-uri") if n in names), None)
        positions.append(at)
        stems.append(column)
        at = -1 if end == -1 else text.find("#Fields:", end)
    return positions, stems


def _next_request(text: str, at: int) -> int:
    """Where the raw HTTP request after offset `at` starts (the end of the one before)."""
    following = _REQUEST.search(text, at)
    return len(text) if following is None else following.start()
