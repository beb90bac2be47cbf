"""Reading wire values back from a suspect: Python source, web-server logs or raw HTTP.

The suspect's form is detected, never assumed. Each form yields *blocks* (ordered header names of
one request or dict, ordered query keys of one URL or dict) and a text in which wire strings are
searched with templates that tolerate the encodings logs use (`+` for spaces, `%XX`). Of a log
or raw HTTP capture, only the requests to the PoC's own paths are read (`lines`).
"""

from __future__ import annotations

import ast
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field

from forewarn.marks.channels.payload.lines import RequestPath, select_requests
from forewarn.marks.channels.payload.sites import module_constants, resolve, str_keys

REQUEST_LINE = re.compile(r"^([A-Z]{3,10}) (\S+) HTTP/\d(?:\.\d)?\r?$", re.MULTILINE)
"""The first line of a raw HTTP request."""

HEADER_LINE = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)\r?$")
"""One header line of a raw HTTP request."""

APACHE_LINE = re.compile(r'^\S+ \S+ \S+ \[[^\]]+\] "[A-Z]+ \S+ [^"]*" \d{3} \S+', re.MULTILINE)
"""An Apache common or combined log line."""

QUERY = re.compile(r"(?:\?|\s)([^\s&=?#\"]+=[^\s&#\"]*(?:&[^\s&=?#\"]+=[^\s&#\"]*)+)")
"""A query string with at least two parameters, after `?` (URLs) or a space (W3C logs)."""

MAX_SUSPECT_CHARS = 20_000_000
"""Larger suspects are cut to this many characters before reading."""

WIRE_FORMS = frozenset({"w3c", "apache", "http"})
"""Forms that show requests on the wire, not any artifact's text or code."""


@dataclass(slots=True)
class Suspect:
    """What a suspect shows of wire values."""

    form: str
    """`python`, `w3c`, `apache`, `http` or `text`."""
    text: str
    """The suspect text, to search wire strings in."""
    header_blocks: list[list[str]] = field(default_factory=list)
    """Header names per request or per header-like dict, in order, as written."""
    query_blocks: list[list[str]] = field(default_factory=list)
    """Query keys per URL or per `urlencode`-like dict, in order."""
    paddings: list[tuple[str, int]] = field(default_factory=list)
    """`(unit, count)` of every `"unit" * count` a Python suspect writes."""


def wire_form(text: str) -> str | None:
    """`w3c`, `apache` or `http` when `text` is a web log or raw HTTP, from its head only."""
    head = text[:200_000]
    if re.search(r"^#Fields:", head, re.MULTILINE):
        return "w3c"
    if APACHE_LINE.search(head):
        return "apache"
    if REQUEST_LINE.search(head):
        return "http"
    return None


def is_wire_capture(text: str) -> bool:
    """Whether `text` is a web log or raw HTTP capture (and not Python quoting log lines)."""
    if wire_form(text) is None:
        return False
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    return False


def detect_form(text: str) -> str:
    """Which kind of material `text` is."""
    wire = wire_form(text)
    if wire is not None:
        return wire
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "text"
    return "python"


def read_suspect(text: str, paths: Sequence[RequestPath] = ()) -> Suspect:
    """Blocks and paddings of `text` in its detected form.

    With `paths` (the PoC's own), a log or raw HTTP suspect is cut to its requests to them:
    other traffic never speaks for the PoC. Without, every request is read.
    """
    text = text[:MAX_SUSPECT_CHARS]
    form = detect_form(text)
    if form in WIRE_FORMS and paths:
        text = select_requests(text, form, paths)
    suspect = Suspect(form, text)
    if form == "python":
        _read_python(suspect)
    else:
        if form == "http":
            suspect.header_blocks = _http_headers(text)
        suspect.query_blocks = [
            [urllib.parse.unquote_plus(p.split("=", 1)[0]) for p in m.group(1).split("&")]
            for m in QUERY.finditer(text)
        ]
    return suspect


def _http_headers(text: str) -> list[list[str]]:
    blocks = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if REQUEST_LINE.match(line):
            names = []
            for follow in lines[index + 1 :]:
                header = HEADER_LINE.match(follow)
                if header is None:
                    break
                names.append(header.group(1))
            blocks.append(names)
    return blocks


def _read_python(suspect: Suspect) -> None:
    try:
        tree = ast.parse(suspect.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    consts = module_constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = str_keys(node, consts)
            if keys:
                names = [str(k.value) for k in keys]
                suspect.header_blocks.append(names)
                suspect.query_blocks.append(names)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            left, right = resolve(node.left, consts), resolve(node.right, consts)
            for unit, count in ((left, right), (right, left)):
                if unit is not None and count is not None and isinstance(unit.value, str):
                    if type(count.value) is int:
                        suspect.paddings.append((unit.value, count.value))


def padding_runs(text: str, unit: str, near: int) -> list[int]:
    """Lengths (in units) of maximal runs of `unit` in `text` within one of `near`."""
    if not unit:
        return []
    pattern = re.compile(f"(?:{re.escape(unit)}){{{max(near - 1, 1)},{near + 1}}}")
    found = []
    for match in pattern.finditer(text):
        start, end = match.span()
        before = text[max(0, start - len(unit)) : start]
        after = text[end : end + len(unit)]
        if before != unit and after != unit:
            found.append((end - start) // len(unit))
    return found
