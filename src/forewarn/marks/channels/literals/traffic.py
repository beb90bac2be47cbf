"""The literals channel read from captured traffic: digit marks where the requests show them.

A Java, JavaScript or shell PoC sends its marked literals as they are written: a path
`/owa/auth/jprobe_4410.ecp`, a user agent `PocJava/1.8.2291`, a header value `jtrace-31187`.
So a capture of its traffic (raw HTTP, pcap, HAR, logs) shows those digits, and each digit
point is read from the text the requests show around them:

- the point's *anchor* is the literal's own characters on both sides of its digit run, up to
  `CONTEXT` characters each way within the same plain span (never across an escape, an
  interpolation or a line break), other digit runs in it standing for any digits of their width;
  an anchor with fewer than `MIN_ANCHOR` characters besides digits is too weak and reads erased;
- it is looked for, case-insensitively, in what each request's form shows: the target (path,
  and the query as `k=v&…` when the form shows it; and as an HTTP/1.1 request line, for a
  raw template: a client that wrote another version then just reads erased), each header as
  `Name: value` (the user agent when the form shows it, the cookie when it shows cookies,
  every header when it shows header values), and the body; every place it is found must read
  the same bit, else erased.

Header-name casing points always read erased from traffic: a client, an HTTP/2 hop or a proxy
may re-case names on the way, so the case seen in a capture is not the case the copy wrote.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator, Sequence

from forewarn.domain.wire import HttpRequest, WireFeature
from forewarn.marks.channels.literals.points import Point
from forewarn.marks.channels.literals.strings import Literal

CONTEXT = 24
"""Characters of the literal read on each side of a digit run to find it again."""

MIN_ANCHOR = 6
"""An anchor with fewer characters besides digits finds too much to trust."""

_RUN = re.compile(r"\d{3,}")
_BREAKS = re.compile(r"\r|\n|\\[rn]|`[rn]")


def traffic_points(points: Sequence[Point]) -> int:
    """How many of `points` a full capture of the PoC's traffic can show (its digit points)."""
    return sum(point.kind == "digits" for point in points)


def read_traffic(
    points: Sequence[Point], found: Sequence[Literal], requests: Sequence[HttpRequest]
) -> list[int | None]:
    """Per choice point, the bit the requests show, or `None` (unseen, mixed, or a case point)."""
    texts = [text for request in requests for text in shown_texts(request)]
    out: list[int | None] = []
    for point in points:
        pattern = anchor(point, found[point.literal]) if point.kind == "digits" else None
        out.append(None if pattern is None else _bit(point, pattern, texts))
    return out


def anchor(point: Point, literal: Literal) -> re.Pattern[str] | None:
    """The pattern that finds this digit point's run in traffic, or `None` if too weak."""
    start, end = point.span
    span = next(((a, b) for a, b in literal.plain if a <= start and end <= b), None)
    if span is None:
        return None
    content = literal.content
    left = content[max(span[0], start - CONTEXT) : start]
    right = content[end : min(span[1], end + CONTEXT)]
    left = _BREAKS.split(left)[-1]
    right = _BREAKS.split(right)[0]
    left, right = _trim_left(left), _trim_right(right)
    if len(_RUN.sub("", left + right)) < MIN_ANCHOR:
        return None
    run = f"(?<!\\d)(\\d{{{end - start}}})(?!\\d)"
    return re.compile(_wild(left) + run + _wild(right), re.IGNORECASE)


def _trim_left(text: str) -> str:
    """Drop a cut digit run at the left edge: its first digits may lie outside the context."""
    return text.lstrip("0123456789") if text[:1].isdigit() else text


def _trim_right(text: str) -> str:
    return text.rstrip("0123456789") if text[-1:].isdigit() else text


def _wild(text: str) -> str:
    """`text` escaped for a pattern, each digit run standing for any run of its width."""
    pieces: list[str] = []
    cursor = 0
    for run in _RUN.finditer(text):
        pieces.append(re.escape(text[cursor : run.start()]))
        pieces.append(f"\\d{{{run.end() - run.start()}}}")
        cursor = run.end()
    pieces.append(re.escape(text[cursor:]))
    return "".join(pieces)


def _bit(point: Point, pattern: re.Pattern[str], texts: Sequence[str]) -> int | None:
    seen = {match.group(1) for text in texts for match in pattern.finditer(text)}
    bits = {point.forms.index(value) if value in point.forms else None for value in seen}
    return bits.pop() if len(bits) == 1 else None


def shown_texts(request: HttpRequest) -> Iterator[str]:
    """The parts of `request` its form shows, as text the literals were written into."""
    shows = request.shows
    if WireFeature.PATH in shows:
        target = urllib.parse.unquote(request.path)
        if WireFeature.QUERY in shows and request.query:
            target += "?" + "&".join(f"{k}={v}" for k, v in request.query)
        yield target
        if WireFeature.METHOD in shows:  # a raw request template's request line
            yield f"{request.method} {target} HTTP/1.1"
    for name, value in request.headers:
        lowered = name.lower()
        if (
            WireFeature.HEADER_VALUES in shows
            or (lowered == "user-agent" and WireFeature.USER_AGENT in shows)
            or (lowered == "cookie" and WireFeature.COOKIES in shows)
        ):
            yield f"{name}: {value}"
    if WireFeature.BODY in shows and request.body:
        yield request.body.decode("utf-8", "replace")


__all__ = ["CONTEXT", "MIN_ANCHOR", "anchor", "read_traffic", "shown_texts", "traffic_points"]
