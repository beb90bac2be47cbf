"""The choice points of a non-Python PoC: digit runs in wire strings, header-name casing.

*Digits*: a run of three or more digits in a string the PoC sends (a URL path or query, a file
name, a user agent, a request line, the value of an `X-…`, `User-Agent` or `Referer` header)
carries one bit in its lowest bit (`4324` / `4325`, same width), as in the payload channel. Never
in a host, an address or a port (a URL's authority, dotted quads, `:8080`), never inside an
escape, and only when that number occurs once in the whole file (a number repeated elsewhere may
be compared or looked up). *Case*: a header name in a `Name: value` line (a raw request, `curl
-H`) or handed to a header API (`setRequestHeader`, `.header(`, `-Headers @{…}`) carries one bit
in its casing (`X-Trace-Id` / `x-trace-id`); HTTP header names are case-insensitive, and a name
is used only when it occurs once in the file, so no lookup by that name can break.

Header order is left alone: adjacent header statements can depend on each other (a later one
overriding an earlier), and proving them independent needs each client's rules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from forewarn.marks.channels.literals.context import AGENT_FLAGS, HEADER_FLAGS, Context
from forewarn.marks.channels.literals.strings import Literal
from forewarn.marks.channels.payload.sites import (
    DIGITS,
    HEADER_NAME,
    KNOWN_HEADERS,
    PATHLIKE,
    alternate_case,
)

VALUE_HEADERS = frozenset({"user-agent", "referer"})
"""Headers whose values may carry digit marks besides `X-…` ones (ids, agents, referring paths)."""

HOST_HEADERS = frozenset(
    {"x-forwarded-for", "x-forwarded-host", "x-forwarded-port", "x-real-ip", "x-host"}
)
"""`X-…` headers that name machines: never changed."""

COMMON_VALUES = frozenset(
    {
        "*/*",
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "text/html",
        "keep-alive",
        "close",
        "gzip",
        "gzip, deflate",
        "no-cache",
    }
)
"""Values so common that a standard header set to one anchors nothing."""

MIN_SKELETON = 5
"""A literal whose skeleton has fewer characters besides `#` is too short to find again."""

_LINE_BREAK = re.compile(r"\\r\\n|\\n|`r`n|`n|\r\n|\n")
_REQUEST_LINE = re.compile(r"^(?:GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH) (\S+) HTTP/\d\.\d$")
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$")
_AGENT = re.compile(r"Mozilla/\d|^[A-Za-z][\w.+-]*/\d[\w.]*(?:\s|$)")
_QUERY = re.compile(r"^[\w.%-]+=[^&\s]*(?:&[\w.%-]+=[^&\s]*)+$")
_DOTTED = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


@dataclass(frozen=True, slots=True)
class Point:
    """One binary choice in one literal."""

    kind: str
    """`digits` (lowest bit of a digit run) or `case` (casing of a header name)."""
    literal: int
    """Index of the literal among the original's literals."""
    ordinal: int
    """Which digit run (by order in the content) or which occurrence of the name it is."""
    span: tuple[int, int]
    """Characters of the literal's content that the bit rewrites."""
    forms: tuple[str, str]
    """The text for bit 0 and for bit 1."""
    anchor: tuple[str, ...]
    """Skeletons a suspect's literal must show: its own, and for a bare header name its value's."""


def _is_custom(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("x-") and lowered not in HOST_HEADERS


def _value_carries(name: str) -> bool:
    lowered = name.lower()
    return lowered in VALUE_HEADERS or _is_custom(lowered)


def _url_runs(text: str, offset: int) -> list[tuple[int, int]]:
    """Digit runs of a URL, path, file name or query string, past any authority."""
    start = 0
    scheme = text.find("://")
    if scheme >= 0:
        rest = re.search(r"[/?#]", text[scheme + 3 :])
        if rest is None:
            return []
        start = scheme + 3 + rest.start()
    elif not (text.startswith("/") or PATHLIKE.match(text) or _QUERY.match(text)):
        return []
    return [(offset + m.start(), offset + m.end()) for m in DIGITS.finditer(text, start)]


def _all_runs(text: str, offset: int) -> list[tuple[int, int]]:
    return [(offset + m.start(), offset + m.end()) for m in DIGITS.finditer(text)]


@dataclass(frozen=True, slots=True)
class _Spans:
    """Where one literal may carry bits, before the file-wide checks."""

    digits: list[tuple[int, int]]
    """Digit runs (content offsets)."""
    names: list[tuple[int, int]]
    """Header names (content offsets)."""


def _header_lines(content: str, forced: bool) -> _Spans | None:
    """Spans in a literal made of `Name: value` lines (and maybe a request line)."""
    spans = _Spans([], [])
    cursor, lines = 0, []
    for brk in _LINE_BREAK.finditer(content):
        lines.append((cursor, content[cursor : brk.start()]))
        cursor = brk.end()
    lines.append((cursor, content[cursor:]))
    request = _REQUEST_LINE.match(lines[0][1])
    seen = False
    for index, (at, line) in enumerate(lines):
        if index == 0 and request:
            spans.digits.extend(_url_runs(request.group(1), at + request.start(1)))
            continue
        if not line:
            break  # the body follows
        header = _HEADER_LINE.match(line)
        if header is None:
            continue
        name = header.group(1)
        if not (request or forced or name.lower() in KNOWN_HEADERS or _is_custom(name)):
            continue
        seen = True
        value = header.group(2)
        if name.lower() in KNOWN_HEADERS and value.lower() in COMMON_VALUES and not request:
            continue
        spans.names.append((at, at + len(name)))
        if _value_carries(name):
            spans.digits.extend(_all_runs(value, at + header.start(2)))
    return spans if (seen or request) else None


def literal_spans(literal: Literal, context: Context, partner: Literal | None) -> _Spans:
    """Digit runs and header names of one literal that may carry a bit."""
    content = literal.content
    if context.flag in HEADER_FLAGS:
        return _header_lines(content, forced=True) or _Spans([], [])
    if context.flag in AGENT_FLAGS:
        return _Spans(_all_runs(content, 0), [])
    is_name = (context.header_api and context.argument == 0) or context.map_key
    if is_name and HEADER_NAME.match(content):
        header = context.header_api or content.lower() in KNOWN_HEADERS or _is_custom(content)
        value = partner.content if partner is not None else ""
        common = content.lower() in KNOWN_HEADERS and value.lower() in COMMON_VALUES
        if header and partner is not None and not common:
            return _Spans([], [(0, len(content))])
        return _Spans([], [])
    if (context.header_api and context.argument == 1) or context.map_value:
        if partner is not None and HEADER_NAME.match(partner.content):
            if _value_carries(partner.content):
                return _Spans(_all_runs(content, 0), [])
            return _Spans(_url_runs(content, 0), [])
    lines = _header_lines(content, forced=False)
    if lines is not None:
        return lines
    if _AGENT.search(content) and "://" not in content:
        return _Spans(_all_runs(content, 0), [])
    if re.search(r"\s", content):
        return _Spans([], [])
    first = literal.plain[0][0] if literal.plain else 0
    if first > 0 and content.startswith("/", first):
        # `"$BASE/owa/x_1234.ecp"`, `${base}/x`: a path after the interpolated base URL.
        return _Spans(_url_runs(content[first:], first), [])
    return _Spans(_url_runs(content, 0), [])


def _safe_run(literal: Literal, span: tuple[int, int]) -> bool:
    """The run is the literal's own characters, not an escape, an address or a port."""
    start, end = span
    content = literal.content
    if not any(a <= start and end <= b for a, b in literal.plain):
        return False
    before = content[max(0, start - 12) : start]
    if "\\" in before[-3:] or "`" in before[-1:] or before.endswith(":") or before.endswith("%"):
        return False
    for dotted in _DOTTED.finditer(content):
        if dotted.start() < end and start < dotted.end():
            return False
    return re.search(r"\\[0-7xuU]\w*$", before) is None


def choice_points(
    literals: tuple[Literal, ...], contexts: tuple[Context, ...], source: str
) -> tuple[Point, ...]:
    """Every choice point of a PoC's literals, in document order, checked file-wide."""
    by_start = {lit.start: k for k, lit in enumerate(literals)}
    shapes = Counter(lit.skeleton for lit in literals)
    numbers = Counter(m.group() for m in re.finditer(r"(?<!\d)\d+(?!\d)", source))
    lowered = source.lower()
    points: list[Point] = []
    for k, (literal, context) in enumerate(zip(literals, contexts, strict=True)):
        partner_index = by_start.get(context.partner_start)
        partner = literals[partner_index] if partner_index is not None else None
        if shapes[literal.skeleton] != 1:
            continue
        spans = literal_spans(literal, context, partner)
        runs = [m.span() for m in DIGITS.finditer(literal.content)]
        for start, end in sorted(set(spans.digits)):
            number = literal.content[start:end]
            if (start, end) not in runs or numbers[number] != 1:
                continue
            if not _safe_run(literal, (start, end)) or _short(literal.skeleton):
                continue
            last = int(number[-1])
            low = str(last - (last & 1))
            forms = (number[:-1] + low, number[:-1] + str(int(low) + 1))
            points.append(
                Point(
                    "digits", k, runs.index((start, end)), (start, end), forms, (literal.skeleton,)
                )
            )
        for start, end in sorted(set(spans.names)):
            name = literal.content[start:end]
            if not any(a <= start and end <= b for a, b in literal.plain):
                continue
            whole = re.findall(
                rf"(?<![A-Za-z0-9-]){re.escape(name.lower())}(?![A-Za-z0-9-])", lowered
            )
            if len(whole) != 1:
                continue
            bare = start == 0 and end == len(literal.content)
            if bare and (partner is None or partner_index != k + 1):
                continue
            anchor: tuple[str, ...] = (literal.skeleton,)
            if bare and partner is not None:
                anchor = (literal.skeleton, partner.skeleton)
                if _short(literal.skeleton + partner.skeleton):
                    continue
            occurrence = literal.content.lower()[:start].count(name.lower())
            points.append(
                Point("case", k, occurrence, (start, end), (name, alternate_case(name)), anchor)
            )
    return tuple(points)


def _short(skeleton: str) -> bool:
    return len(skeleton.replace("#", "").replace("{}", "")) < MIN_SKELETON
