"""Apache (and nginx) access logs, common and combined formats.

`%h %l %u %t "%r" %>s %b` (common), followed by `"%{Referer}i" "%{User-Agent}i"` (combined),
with an optional leading `%v:%p` (vhost_combined). The request line `%r` shows the method, the
path and the query in order; combined adds the user agent (and the referer). Apache escapes `"`,
`\\` and unprintable or non-ASCII bytes in these fields (`\\"`, `\\\\`, `\\xhh`, `\\n`…), which
are read back to the bytes sent. Header list, order, case, cookies and body are not shown.
"""

from __future__ import annotations

import re

from forewarn.domain.wire import HttpRequest, WireFeature
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.interface import NoteBook, RequestFilter
from forewarn.hunt.wire.text import LOG_FEATURES, keep_if, lines, logged, room_left

_QUOTED = r'"((?:[^"\\]|\\.)*)"'
LINE = re.compile(
    rf"^(?:\S+ )?\S+ \S+ \S+ \[[^\]]+\] {_QUOTED} (?:\d{{3}}|-) (?:\d+|-)"
    rf"(?: {_QUOTED} {_QUOTED})?"
)
"""One access-log line: request line, then referer and user agent when combined."""
_REQUEST = re.compile(r"^([A-Z][A-Z_-]{1,19}) (\S+)(?: HTTP/\d(?:\.\d)?)?$")
_ESCAPES = re.compile(r"\\(x[0-9a-fA-F]{2}|.)")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v"}


def _unescape(value: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "x" and len(code) == 3:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _ESCAPES.sub(one, value)


class ApacheReader:
    """Apache/nginx common and combined access logs."""

    name = "apache"

    def sniff(self, head: bytes) -> bool:
        """Most of the first lines have the access-log shape."""
        start = [ln for ln in head[:8192].decode("latin-1").splitlines()[:5] if ln.strip()]
        hits = sum(1 for ln in start if LINE.match(ln))
        return bool(start) and hits >= max(1, len(start) - 1)

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """One request per line whose request line is readable."""
        found: list[HttpRequest] = []
        for number, text in lines(data, limits, notes):
            line = LINE.match(text)
            request = _REQUEST.match(_unescape(line.group(1))) if line else None
            if line is None or request is None:
                notes.add(f"line {number}", "not a readable access-log request; skipped")
                continue
            if not room_left(found, limits, notes):
                break
            combined = line.group(3) is not None
            shows = LOG_FEATURES | {WireFeature.USER_AGENT} if combined else LOG_FEATURES
            referer = _unescape(line.group(2)) if combined else None
            agent = _unescape(line.group(3)) if combined else None
            keep_if(
                found,
                logged(
                    request.group(1),
                    request.group(2),
                    source=self.name,
                    origin=f"line {number}",
                    shows=shows,
                    headers=[
                        ("Referer", None if referer in (None, "-") else referer),
                        ("User-Agent", None if agent in (None, "-") else agent),
                    ],
                ),
                keep,
            )
        return found
