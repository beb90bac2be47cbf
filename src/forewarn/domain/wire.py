"""HTTP requests as they go on the wire: the one form that code and captures are both read into.

A PoC's source (evaluated statically, never run) and a capture of its traffic (raw HTTP, pcap,
HAR, Suricata or Zeek logs, web-server logs) describe the same thing: the ordered requests the tool
sends. Wire marks are read from this form whatever it came from. Each form shows only part of a
request (a Zeek log has no header order, a W3C log no header casing), so a request says which
features it shows; a feature it does not show reads as erased, never as a wrong bit.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from enum import StrEnum


class WireFeature(StrEnum):
    """A part of a request that a source of evidence may or may not show."""

    METHOD = "method"
    PATH = "path"
    QUERY = "query"
    QUERY_ORDER = "query-order"
    HEADER_NAMES = "header-names"
    HEADER_ORDER = "header-order"
    HEADER_CASE = "header-case"
    HEADER_VALUES = "header-values"
    USER_AGENT = "user-agent"
    COOKIES = "cookies"
    BODY = "body"


PLACEHOLDER = "\ufffd"
"""What the static evaluator writes for a span the code does not determine (possibly empty)
inside a string or, UTF-8 encoded, in bytes; a request value holding it is not fully known."""

ALL_FEATURES = frozenset(WireFeature)
"""What a full capture of the bytes (raw HTTP, pcap) or a static evaluation shows."""


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request, with its parts in the order they are sent and as they are spelt."""

    method: str
    """`GET`, `POST`, … in upper case."""
    path: str
    """The request path without the query, percent-encoding kept as sent."""
    query: tuple[tuple[str, str], ...] = ()
    """Query pairs in order, decoded (`+` and `%XX`)."""
    headers: tuple[tuple[str, str], ...] = ()
    """Header `(name, value)` pairs in order, names spelt as sent."""
    body: bytes = b""
    """The request body as sent."""
    host: str | None = None
    """The `Host` the request went to, when known (from the header or the capture)."""
    source: str = ""
    """Where it was read from: `python`, `http`, `pcap`, `har`, `suricata`, `zeek`, `w3c`, …"""
    shows: frozenset[WireFeature] = field(default=ALL_FEATURES)
    """The features this source of evidence shows; the others read as erased."""
    origin: str = field(default="", compare=False)
    """Where in its source the request was read (`line 12`, `entry 3`, `10.0.0.5:40112 ->
    10.0.0.9:8080 #2`), for reports; not part of the request, so not compared."""
    placed: frozenset[str] = field(default=frozenset(), compare=False)
    """Header names (lower case) whose position the client library chose, not the code: its
    default lines, kept where the library puts them even when the code sets their value
    (`requests` keeps a session default's slot; `httpx` moves it). Their order against
    the other names says nothing about the code, so it is not read; not compared."""

    def header(self, name: str) -> str | None:
        """The value of the first header called `name` (any case), or `None`."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    @property
    def cookies(self) -> tuple[tuple[str, str], ...]:
        """Cookie `(name, value)` pairs in the order of the `Cookie` headers."""
        pairs: list[tuple[str, str]] = []
        for name, value in self.headers:
            if name.lower() != "cookie":
                continue
            for part in value.split(";"):
                key, sep, val = part.strip().partition("=")
                if sep and key:
                    pairs.append((key, val))
        return tuple(pairs)


def split_target(target: str) -> tuple[str, tuple[tuple[str, str], ...], str | None]:
    """`(path, query pairs, host)` of a request target as sent: origin form (`/p?a=1`) or
    absolute form (`http://h:8080/p?a=1`, whose host is returned); the path keeps its
    percent-encoding, the query pairs are decoded (`+`, `%XX`) in order, blank values kept."""
    path, query, host = _target_parts(target)
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    return path, tuple(pairs), host


def target_path(target: str) -> str:
    """The path `split_target` gives, without decoding the query (what a route is keyed on)."""
    return _target_parts(target)[0]


def _target_parts(target: str) -> tuple[str, str, str | None]:
    """`(path, raw query, host)` of a request target; the fragment dropped."""
    target = target.partition("#")[0]
    host: str | None = None
    path, _, query = target.partition("?")
    scheme, sep, rest = path.partition("://")
    if sep and scheme.isalpha():
        authority, slash, tail = rest.partition("/")
        host = authority.rpartition("@")[2] or None
        path = slash + tail or "/"
    return path, query, host
