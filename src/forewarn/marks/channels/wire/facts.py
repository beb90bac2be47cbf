"""Requests as *facts*: small, independent statements a mark can change and a reader can check.

A request is cut into facts that do not depend on one another: "in the 1st `GET /a/#.json`,
`accept` comes before `user-agent`", "there `user-agent` is spelt `User-Agent`", "the 5th token
of its `User-Agent` value is `4324`", "query key `Pad` holds a 37-letter run". A mark changes a
few facts; everything else a partner's copy sends is the same for every partner. The same
facts are read from any form that shows requests (evaluated code, raw HTTP, pcap, HAR, logs),
each form only for the features it shows.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forewarn.domain.wire import PLACEHOLDER, HttpRequest, WireFeature

MAX_TOKENS = 64
"""Tokens kept per value: marks sit in the first few; long bodies are not cut into thousands."""

MAX_BODY = 4096
"""Bytes of a body cut into tokens."""

_TOKEN = re.compile(r"\d+|[A-Za-z]+|[^\dA-Za-z]")
_DIGITS = re.compile(r"\d+")

RequestKey = tuple[str, str, int]
"""`(method, path skeleton, occurrence)`: which request of the PoC a fact is about."""

FactKey = tuple[RequestKey, WireFeature, str, str]
"""`(request, feature, subject, detail)`, e.g. `(r, HEADER_ORDER, "accept", "user-agent")`."""


@dataclass(frozen=True, slots=True)
class Observed:
    """One fact as one request shows it."""

    key: FactKey
    """Which fact."""
    value: str
    """What this request shows for it."""


def skeleton(path: str) -> str:
    """A request path with its digit runs folded (marks change digits, never the route)."""
    return _DIGITS.sub("#", path.split("?", 1)[0])


def request_keys(requests: Sequence[HttpRequest]) -> list[RequestKey]:
    """Each request's key, counting repeats of the same method and path skeleton in order."""
    seen: Counter[tuple[str, str]] = Counter()
    keys = []
    for request in requests:
        base = (request.method.upper(), skeleton(request.path))
        keys.append((*base, seen[base]))
        seen[base] += 1
    return keys


def facts(
    requests: Sequence[HttpRequest], *, wrap: Counter[tuple[str, str]] | None = None
) -> list[Observed]:
    """Every fact the requests show, in order; with `wrap`, occurrences beyond the PoC's own
    count of a request start again from 0 (a capture of the tool run several times)."""
    found: list[Observed] = []
    for key, request in zip(_wrapped(requests, wrap), requests, strict=True):
        found.extend(_request_facts(key, request))
    return found


def _wrapped(
    requests: Sequence[HttpRequest], wrap: Counter[tuple[str, str]] | None
) -> list[RequestKey]:
    keys = request_keys(requests)
    if wrap is None:
        return keys
    return [(m, p, n % wrap[(m, p)] if wrap[(m, p)] else n) for m, p, n in keys]


def _request_facts(key: RequestKey, request: HttpRequest) -> Iterable[Observed]:
    shows = request.shows
    code = request.source == "python"
    names = [name for name, _ in request.headers]
    lowered = [name.lower() for name in names]
    if WireFeature.HEADER_ORDER in shows:
        yield from _orders(key, WireFeature.HEADER_ORDER, lowered)
    if WireFeature.HEADER_CASE in shows:
        for name, low in zip(names, lowered, strict=True):
            if PLACEHOLDER not in name:
                yield Observed((key, WireFeature.HEADER_CASE, low, ""), name)
    for (_, value), low in zip(request.headers, lowered, strict=True):
        feature = _value_feature(low)
        if feature in shows or code:
            yield from _tokens(key, feature, low, value)
    query = [name for name, _ in request.query]
    if WireFeature.QUERY_ORDER in shows:
        yield from _orders(key, WireFeature.QUERY_ORDER, query)
    if WireFeature.QUERY in shows or code:
        for name, value in request.query:
            yield from _tokens(key, WireFeature.QUERY, name, value)
    if WireFeature.PATH in shows or code:
        yield from _tokens(key, WireFeature.PATH, "", request.path)
    if request.body and (WireFeature.BODY in shows or code):
        yield from _body_facts(key, request.body[:MAX_BODY])


def _value_feature(header: str) -> WireFeature:
    if header == "user-agent":
        return WireFeature.USER_AGENT
    if header == "cookie":
        return WireFeature.COOKIES
    return WireFeature.HEADER_VALUES


def _orders(key: RequestKey, feature: WireFeature, items: list[str]) -> Iterable[Observed]:
    """Whether each item comes before each later distinct item; repeated items say nothing."""
    counts = Counter(items)
    unique = [item for item in items if counts[item] == 1 and PLACEHOLDER not in item]
    for i, first in enumerate(unique):
        for second in unique[i + 1 :]:
            low, high = sorted((first, second))
            yield Observed((key, feature, low, high), "<" if first == low else ">")


def _tokens(key: RequestKey, feature: WireFeature, subject: str, value: str) -> Iterable[Observed]:
    """A value's tokens counted from its start (`3`) and from its end (`-2`).

    Code leaves unknown parts (a host from the command line) as placeholders: its known prefix
    is read from the start, its known suffix from the end, and a capture, which knows the whole
    value, shows both.
    """
    tokens = _TOKEN.findall(value)
    for index, token in enumerate(tokens[:MAX_TOKENS]):
        if PLACEHOLDER in token:
            break
        yield Observed((key, feature, subject, str(index)), token)
    for index, token in enumerate(reversed(tokens[-MAX_TOKENS:]), start=1):
        if PLACEHOLDER in token:
            break
        yield Observed((key, feature, subject, str(-index)), token)


def _body_facts(key: RequestKey, body: bytes) -> Iterable[Observed]:
    text = body.decode("utf-8", "replace")
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict):
        names = [str(name) for name in document]
        yield from _orders(key, WireFeature.BODY, names)
        for name, value in document.items():
            if isinstance(value, str | int | float | bool):
                yield from _tokens(key, WireFeature.BODY, f"json:{name}", str(value))
        spacing = "compact" if ('":' in text and '": ' not in text) else "spaced"
        yield Observed((key, WireFeature.BODY, "json-separators", ""), spacing)
        return
    yield from _tokens(key, WireFeature.BODY, "", text)


__all__ = ["FactKey", "Observed", "RequestKey", "facts", "request_keys", "skeleton"]
