"""Raw HTTP/1.x requests as bytes: a dump of what a listener received, or a reassembled TCP stream.

The parser follows RFC 9112 message framing, leniently where dumps are untidy: requests may be
concatenated (pipelined), lines may end in CRLF or LF, empty lines between requests are skipped,
bodies are framed by `Transfer-Encoding: chunked` or `Content-Length` (never by a guess), and a
body may hold any bytes (NUL included). Whatever is not a request (a response pasted in, a body
sent without framing) is skipped up to the next request line, with a note. Header bytes are
decoded as latin-1, which keeps every byte; a part cut by a limit or by the end of the data is
read as erased (dropped from `shows`), never as a wrong value.
"""

from __future__ import annotations

import dataclasses
import re

from forewarn.domain.wire import ALL_FEATURES, HttpRequest, WireFeature, split_target
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.interface import NoteBook, RequestFilter

REQUEST_LINE = re.compile(rb"([A-Z][A-Z_-]{1,19}) +([!-~]+) +HTTP/(1\.\d)[ \t]*\r?\n")
"""An HTTP/1.x request line at a given position: method, target, version (not HTTP/2's
`PRI * HTTP/2.0` preface)."""
_REQUEST_START = re.compile(rb"[A-Z][A-Z_-]{1,19} [!-~]")
"""How a request begins, even when the line is cut."""
_RESYNC = re.compile(rb"\n(?=[A-Z][A-Z_-]{1,19} +[!-~]+ +HTTP/1\.\d[ \t]*\r?\n)")
"""The start of the next request line, to skip what is not a request."""
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""A header field name (RFC 9110 token)."""
_HEADER_FEATURES = frozenset(
    {WireFeature.HEADER_NAMES, WireFeature.HEADER_ORDER, WireFeature.HEADER_CASE}
)
_MAX_CHUNK_LINE = 1024
"""Longest chunk-size line accepted (extensions included)."""


def looks_like_request(head: bytes) -> bool:
    """Whether `head` starts (after blank lines) with a complete HTTP/1.x request line."""
    return REQUEST_LINE.match(head.lstrip(b"\r\n")) is not None


def starts_like_request(data: bytes) -> bool:
    """Whether `data` begins as a request does (a method and a space), even if cut short."""
    return _REQUEST_START.match(data) is not None


def parse_requests(
    data: bytes,
    *,
    source: str,
    where: str,
    limits: Limits,
    notes: NoteBook,
    room: int,
    host: str | None = None,
    keep: RequestFilter | None = None,
) -> list[HttpRequest]:
    """At most `room` requests in `data` that `keep` accepts, in order. `where` names the
    data in notes and origins (`stream …`, or empty for a whole dump); `host` is used when a
    request names none."""
    found: list[HttpRequest] = []
    pos, size = 0, len(data)
    while len(found) < room:
        while pos < size and data[pos] in b"\r\n":
            pos += 1
        if pos >= size:
            break
        line = REQUEST_LINE.match(data, pos)
        if line is None:
            why = (
                "request line cut or malformed"
                if starts_like_request(data[pos : pos + 64])
                else None
            )
            pos = _skip(data, pos, where, notes, why or "not an HTTP request")
            continue
        parsed = _one(
            data, pos, line, source, f"{where} request {len(found) + 1}".strip(), limits, notes
        )
        if parsed is None:
            pos = _skip(data, line.end() - 1, where, notes, None)
            continue
        request, pos = parsed
        if request.host is None and host is not None:
            request = dataclasses.replace(request, host=host)
        if keep is None or keep(request):
            found.append(request)
    if len(found) >= room and data[pos:].strip(b"\r\n"):
        notes.add(where, f"request limit ({room}) reached; the rest is not read")
    return found


def _skip(data: bytes, pos: int, where: str, notes: NoteBook, why: str | None) -> int:
    """The position of the next request line after `pos`, or the end (noting what is skipped)."""
    nxt = _RESYNC.search(data, pos)
    end = len(data) if nxt is None else nxt.end()
    if why is not None:
        notes.add(_at(where, pos), f"{why}; {end - pos} bytes skipped")
    return end


def _at(where: str, pos: int) -> str:
    return f"{where} byte {pos}".strip()


def _one(
    data: bytes,
    start: int,
    line: re.Match[bytes],
    source: str,
    origin: str,
    limits: Limits,
    notes: NoteBook,
) -> tuple[HttpRequest, int] | None:
    """One request whose line is `line`, and where the next begins; `None` if its head is bad."""
    shows = set(ALL_FEATURES)
    headers: list[tuple[str, str]] = []
    pos, limit = line.end(), start + limits.max_header_bytes
    while True:
        nl = data.find(b"\n", pos, limit + 1)
        if nl < 0:
            cut = len(data) <= limit
            notes.add(origin, "truncated head" if cut else f"head over {limits.max_header_bytes} B")
            return None
        text = data[pos:nl]
        pos = nl + 1
        if text.endswith(b"\r"):
            text = text[:-1]
        if not text:
            break
        if text[:1] in (b" ", b"\t") and headers:
            last, folded = headers[-1]
            headers[-1] = (last, f"{folded} {text.strip().decode('latin-1')}".strip())
            continue
        name, colon, value = text.partition(b":")
        if not colon or _TOKEN.fullmatch(name) is None:
            notes.add(origin, "malformed header line dropped")
            shows -= _HEADER_FEATURES
            continue
        if len(headers) >= limits.max_headers:
            shows -= _HEADER_FEATURES | {WireFeature.HEADER_VALUES}
            continue
        headers.append((name.decode("latin-1"), value.strip(b" \t").decode("latin-1")))
    if len(headers) >= limits.max_headers and WireFeature.HEADER_VALUES not in shows:
        notes.add(origin, f"more than {limits.max_headers} headers; the rest dropped")
    request = HttpRequest(method="", path="", headers=tuple(headers))
    body, pos, whole = _body(data, pos, request, limits, notes, origin)
    if not whole:
        shows.discard(WireFeature.BODY)
    method, target = line.group(1).decode("ascii"), line.group(2).decode("ascii")
    path, query, target_host = split_target(target)
    return (
        HttpRequest(
            method=method,
            path=path,
            query=query,
            headers=tuple(headers),
            body=body,
            host=request.header("host") or target_host,
            source=source,
            shows=frozenset(shows),
            origin=origin,
        ),
        pos,
    )


def _body(
    data: bytes, pos: int, request: HttpRequest, limits: Limits, notes: NoteBook, origin: str
) -> tuple[bytes, int, bool]:
    """`(body, next position, whether the body is whole)` by the request's framing."""
    coding = request.header("transfer-encoding")
    if coding is not None and "chunked" in coding.lower():
        return _chunked(data, pos, limits, notes, origin)
    lengths = {v.strip() for k, v in request.headers if k.lower() == "content-length"}
    if not lengths:
        return b"", pos, True
    value = lengths.pop()
    if lengths or not value.isdigit() or len(value) > 18:
        notes.add(origin, "unusable Content-Length; body not read")
        return b"", pos, False
    length = int(value)
    end = pos + length
    whole = end <= len(data) and length <= limits.max_body_bytes
    if end > len(data):
        notes.add(origin, f"body truncated ({len(data) - pos} of {length} B)")
    elif length > limits.max_body_bytes:
        notes.add(origin, f"body over {limits.max_body_bytes} B; cut")
    keep = min(end, len(data), pos + limits.max_body_bytes)
    return data[pos:keep], min(end, len(data)), whole


def _chunked(
    data: bytes, pos: int, limits: Limits, notes: NoteBook, origin: str
) -> tuple[bytes, int, bool]:
    parts: list[bytes] = []
    kept = 0
    while True:
        nl = data.find(b"\n", pos, pos + _MAX_CHUNK_LINE)
        size_text = data[pos:nl].split(b";", 1)[0].strip() if nl >= 0 else b""
        if nl < 0 or not size_text or len(size_text) > 15:
            notes.add(origin, "chunked body truncated or malformed")
            return b"".join(parts), len(data) if nl < 0 else nl + 1, False
        try:
            size = int(size_text, 16)
        except ValueError:
            notes.add(origin, "chunked body malformed")
            return b"".join(parts), nl + 1, False
        pos = nl + 1
        if size == 0:
            return b"".join(parts), _trailers(data, pos), kept <= limits.max_body_bytes
        chunk = data[pos : pos + size]
        room = max(0, limits.max_body_bytes - kept)
        parts.append(chunk[:room])
        kept += len(chunk)
        if len(chunk) < size:
            notes.add(origin, "chunked body truncated")
            return b"".join(parts), len(data), False
        pos += size
        if data[pos : pos + 2] == b"\r\n":
            pos += 2
        elif data[pos : pos + 1] == b"\n":
            pos += 1


def _trailers(data: bytes, pos: int) -> int:
    """The position after the trailer section (trailer fields are not kept)."""
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:
            return len(data)
        line, pos = data[pos:nl], nl + 1
        if not line.strip(b"\r"):
            return pos


class RawHttpReader:
    """A dump of raw HTTP requests (what a listener received, `nc -l > dump`)."""

    name = "http"

    def sniff(self, head: bytes) -> bool:
        """The first non-blank line is a request line."""
        return looks_like_request(head)

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """Every request of the dump, in order."""
        return parse_requests(
            data,
            source=self.name,
            where="",
            limits=limits,
            notes=notes,
            room=limits.max_requests,
            keep=keep,
        )
