"""From what a client library was asked to send to the `HttpRequest` that goes on the wire.

A `Draft` is the wire request as a client builds it: method, target URL, header lines in the
order the library writes them (each marked when the library, not the code, chose it), and body.
`finish` turns it into an `HttpRequest` and decides what it shows:

- a feature is in `shows` only when the code fully determines it; unknown spans are kept as
  `PLACEHOLDER` (U+FFFD, `%EF%BF%BD` once percent-encoded) so the known parts can still be read;
- header values the library fills in itself (`Host`, its version in `User-Agent`,
  `Accept-Encoding` that depends on installed codecs) may be placeholders without hiding the
  values the code chose; `USER_AGENT` is shown only when the user agent is fully known;
- an unknown prefix of a URL (a base URL from the command line) is read as scheme and host, so
  the path and query after it still come out.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

from forewarn.domain.wire import ALL_FEATURES, HttpRequest, WireFeature
from forewarn.marks.wire.values import PLACEHOLDER, PLACEHOLDER_BYTES, PLACEHOLDER_QUOTED


@dataclass(slots=True)
class Draft:
    """A request as a client library is building it."""

    client: str
    """The library and call, e.g. `requests.Session.post`."""
    method: str
    """The method, upper case (may hold a placeholder)."""
    url: str
    """The URL or request target (may hold placeholders)."""
    headers: list[tuple[str, str, bool]] = field(default_factory=list)
    """`(name, value, chosen_by_library)` in wire order."""
    body: bytes = b""
    """The body as sent (may hold placeholder bytes)."""
    headers_known: bool = True
    """False when the code passed headers the evaluator could not read."""
    hidden: set[WireFeature] = field(default_factory=set)
    """Features the library's wire form makes uncertain or normalises."""
    placed: set[str] = field(default_factory=set)
    """Header names (lower case) in slots of the library's default lines (`HttpRequest.placed`)."""


def has_placeholder(value: str) -> bool:
    """Whether `value` holds an unknown span, raw or percent-encoded."""
    return PLACEHOLDER in value or PLACEHOLDER_QUOTED in value.upper()


def split_target(url: str) -> tuple[str | None, str, str]:
    """`(host, path, query string)` of a URL or request target; an unknown lead is the host."""
    rest = url
    host: str | None = None
    scheme, sep, after = url.partition("://")
    if sep and "/" not in scheme and "?" not in scheme:
        netloc, slash, tail = after.partition("/")
        if "?" in netloc:
            netloc, _, query = netloc.partition("?")
            return netloc, "/", query
        host, rest = netloc, slash + tail
    elif url.startswith(PLACEHOLDER):
        stripped = url.lstrip(PLACEHOLDER)
        cut = min((i for i in (stripped.find("/"), stripped.find("?")) if i >= 0), default=-1)
        if cut >= 0 and (cut == 0 or stripped[0] == ":"):
            host, rest = PLACEHOLDER + stripped[:cut], stripped[cut:]
    path, _, query = rest.partition("?")
    path, _, _fragment = path.partition("#")
    query, _, _ = query.partition("#")
    return host, path or "/", query


def finish(draft: Draft) -> HttpRequest:
    """The wire request and the features the code determines."""
    host, path, query_string = split_target(draft.url)
    pairs = tuple(urllib.parse.parse_qsl(query_string, keep_blank_values=True))
    hidden = set(draft.hidden)
    if has_placeholder(draft.method):
        hidden.add(WireFeature.METHOD)
    if has_placeholder(path):
        hidden.add(WireFeature.PATH)
    if has_placeholder(query_string):
        hidden.add(WireFeature.QUERY)
        keys_known = not query_string.startswith(PLACEHOLDER) and not any(
            has_placeholder(k) for k, _ in pairs
        )
        if not keys_known:
            hidden.add(WireFeature.QUERY_ORDER)
    names = [name for name, _, _ in draft.headers]
    if not draft.headers_known or any(has_placeholder(n) for n in names):
        hidden |= {WireFeature.HEADER_NAMES, WireFeature.HEADER_ORDER, WireFeature.HEADER_CASE}
    chosen = [v for _, v, auto in draft.headers if not auto]
    if not draft.headers_known or any(has_placeholder(v) for v in chosen):
        hidden.add(WireFeature.HEADER_VALUES)
    agent = next((v for n, v, _ in draft.headers if n.lower() == "user-agent"), None)
    if agent is None or has_placeholder(agent) or not draft.headers_known:
        hidden.add(WireFeature.USER_AGENT)
    cookie = [v for n, v, _ in draft.headers if n.lower() == "cookie"]
    if not draft.headers_known or any(has_placeholder(v) for v in cookie):
        hidden.add(WireFeature.COOKIES)
    if PLACEHOLDER_BYTES in draft.body:
        hidden.add(WireFeature.BODY)
    header_host = next((v for n, v, _ in draft.headers if n.lower() == "host"), None)
    where = header_host or host
    return HttpRequest(
        method=draft.method,
        path=path,
        query=pairs,
        headers=tuple((name, value) for name, value, _ in draft.headers),
        body=draft.body,
        host=None if where is None or has_placeholder(where) else where,
        source="python",
        shows=frozenset(ALL_FEATURES - hidden),
        placed=frozenset(draft.placed),
    )


def parse_raw(data: bytes, client: str) -> Draft | None:
    """A draft from the bytes of a raw HTTP request written to a socket, or `None`."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    request_line = lines[0].decode("latin-1").split(" ")
    if len(request_line) != 3 or not request_line[2].startswith("HTTP/"):
        return None
    method, target = request_line[0], request_line[1]
    draft = Draft(client=client, method=method.upper(), url=target, body=body)
    for line in lines[1:]:
        name, colon, value = line.decode("utf-8", "replace").partition(":")
        if not colon:
            return None
        draft.headers.append((name, value.strip(), name.lower() == "host"))
    if not sep:
        draft.hidden.add(WireFeature.BODY)
    return draft
