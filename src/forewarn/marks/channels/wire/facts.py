"""Requests as *facts*: small, independent statements a mark can change and a reader can check.

A request is cut into facts that do not depend on one another: "in the 1st `GET /a/#.json`,
`accept` comes before `user-agent`", "there `user-agent` is spelt `User-Agent`", "the 5th token
of its `User-Agent` value is `4324`", "query key `Pad` holds a 37-letter run". A mark changes a
few facts; everything else a partner's copy sends is the same for every partner. The same
facts are read from any form that shows requests (evaluated code, raw HTTP, pcap, HAR, logs),
each form only for the features it shows.

Scheme 3 (`version=3`) reads finer facts, so that more edits can sit in one value without
disturbing each other: each digit of a long digit run, the length and letter of a padding run,
each cookie's value and the cookies' order (not the `Cookie` line as one string), and a JSON
body's exact separators. Scheme 2's facts are kept exactly as they were.

A reader looks at a few hundred facts of a copy's thousand (its plan's signatures): `Wanted`
names them, and `facts` then skips every value no signature reads, so that reading a partner's
copy back costs what the marks need, never less than they need.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forewarn.domain.wire import PLACEHOLDER, HttpRequest, WireFeature
from forewarn.encoding import decode_json

MAX_TOKENS = 64
"""Tokens kept per value: marks sit in the first few; long bodies are not cut into thousands."""

MAX_BODY = 4096
"""Bytes of a body cut into tokens."""

MIN_DIGITS = 4
"""Digit runs from this length are also read digit by digit (scheme 3)."""

MIN_RUN = 8
"""Runs of one letter from this length are read as padding: length and letter (scheme 3)."""

SEPARATORS = ("item", "key")
"""The two separators of a JSON body, each a fact of its own (scheme 3)."""

_TOKEN = re.compile(r"\d+|[A-Za-z]+|[^\dA-Za-z]")
_DIGITS = re.compile(r"\d+")

RequestKey = tuple[str, str, int]
"""`(method, path skeleton, occurrence)`: which request of the PoC a fact is about."""

FactKey = tuple[RequestKey, str, str, str]
"""`(request, feature, subject, detail)`, e.g. `(r, HEADER_ORDER, "accept", "user-agent")`;
the feature is a `WireFeature`, or `behaviour` for the code's constants (`roles`)."""


@dataclass(frozen=True, slots=True)
class Observed:
    """One fact as one request shows it."""

    key: FactKey
    """Which fact."""
    value: str
    """What this request shows for it."""


Subjects = dict[tuple[RequestKey, str, str], frozenset[str]]
"""`(request, feature, subject)` → the places of its tokens a reader looks at."""


@dataclass(frozen=True, slots=True)
class Wanted:
    """The facts a reader looks at, by request, by feature and by subject: `facts` with it says
    every one of them exactly as without it (and may say a few more)."""

    requests: frozenset[RequestKey]
    """Requests any wanted fact is about."""
    features: frozenset[tuple[RequestKey, str]]
    """`(request, feature)` of every wanted fact."""
    subjects: Subjects
    """`(request, feature, subject)` of every wanted fact, to the places of the value's
    tokens wanted (`3`, `-2`; a token's parts `3.d0` are wanted with it)."""

    @classmethod
    def of(cls, keys: Iterable[FactKey]) -> Wanted:
        """What a reader of these facts must be told."""
        every = list(keys)
        places: dict[tuple[RequestKey, str, str], set[str]] = {}
        for request, feature, subject, detail in every:
            places.setdefault((request, feature, subject), set()).add(detail.split(".")[0])
        return cls(
            frozenset(k[0] for k in every),
            frozenset((k[0], k[1]) for k in every),
            {subject: frozenset(where) for subject, where in places.items()},
        )


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
    requests: Sequence[HttpRequest],
    *,
    wrap: Counter[tuple[str, str]] | None = None,
    version: int = 2,
    wanted: Wanted | None = None,
) -> list[Observed]:
    """Every fact the requests show, in order; with `wrap`, occurrences beyond the PoC's own
    count of a request start again from 0 (a capture of the tool run several times).
    `version` is the marking scheme whose facts are read (2 or 3); with `wanted`, at least
    the wanted facts (each value as without it), and few others."""
    found: list[Observed] = []
    for key, request in zip(_wrapped(requests, wrap), requests, strict=True):
        if wanted is None:
            found.extend(_request_facts(key, request, fine=version >= 3))
        elif key in wanted.requests:
            found.extend(_request_facts(key, request, fine=version >= 3, wanted=wanted))
    return found


def _wrapped(
    requests: Sequence[HttpRequest], wrap: Counter[tuple[str, str]] | None
) -> list[RequestKey]:
    keys = request_keys(requests)
    if wrap is None:
        return keys
    return [(m, p, n % wrap[(m, p)] if wrap[(m, p)] else n) for m, p, n in keys]


def _request_facts(
    key: RequestKey, request: HttpRequest, *, fine: bool, wanted: Wanted | None = None
) -> Iterable[Observed]:
    shows = request.shows
    code = request.source == "python"
    names = [name for name, _ in request.headers]
    lowered = [name.lower() for name in names]
    features = None if wanted is None else wanted.features
    subjects = None if wanted is None else wanted.subjects
    if WireFeature.HEADER_ORDER in shows and (
        features is None or (key, WireFeature.HEADER_ORDER) in features
    ):
        yield from _orders(key, WireFeature.HEADER_ORDER, lowered, request.placed)
    if WireFeature.HEADER_CASE in shows:
        for name, low in zip(names, lowered, strict=True):
            if PLACEHOLDER not in name and (
                subjects is None or (key, WireFeature.HEADER_CASE, low) in subjects
            ):
                yield Observed((key, WireFeature.HEADER_CASE, low, ""), name)
    for (_, value), low in zip(request.headers, lowered, strict=True):
        feature = _value_feature(low)
        if fine and feature is WireFeature.COOKIES:
            continue  # read cookie by cookie below
        if (feature in shows or code) and (subjects is None or (key, feature, low) in subjects):
            where = None if subjects is None else subjects[(key, feature, low)]
            yield from _tokens(key, feature, low, value, fine=fine, places=where)
    if (
        fine
        and (WireFeature.COOKIES in shows or code)
        and (features is None or (key, WireFeature.COOKIES) in features)
    ):
        yield from _cookie_facts(key, request.cookies, subjects)
    query = [name for name, _ in request.query]
    if WireFeature.QUERY_ORDER in shows and (
        features is None or (key, WireFeature.QUERY_ORDER) in features
    ):
        yield from _orders(key, WireFeature.QUERY_ORDER, query)
    if WireFeature.QUERY in shows or code:
        for name, value in request.query:
            subject = (key, WireFeature.QUERY, name)
            if subjects is None or subject in subjects:
                where = None if subjects is None else subjects[subject]
                yield from _tokens(key, WireFeature.QUERY, name, value, fine=fine, places=where)
    if (WireFeature.PATH in shows or code) and (
        subjects is None or (key, WireFeature.PATH, "") in subjects
    ):
        where = None if subjects is None else subjects[(key, WireFeature.PATH, "")]
        yield from _tokens(key, WireFeature.PATH, "", request.path, fine=fine, places=where)
    if (
        request.body
        and (WireFeature.BODY in shows or code)
        and (features is None or (key, WireFeature.BODY) in features)
    ):
        yield from _body_facts(key, request.body[:MAX_BODY], fine=fine, subjects=subjects)


def _value_feature(header: str) -> WireFeature:
    if header == "user-agent":
        return WireFeature.USER_AGENT
    if header == "cookie":
        return WireFeature.COOKIES
    return WireFeature.HEADER_VALUES


def _orders(
    key: RequestKey, feature: WireFeature, items: list[str], placed: frozenset[str] = frozenset()
) -> Iterable[Observed]:
    """Whether each item comes before each later distinct item; repeated items say nothing,
    and nor does an item in a slot the client library chose (`HttpRequest.placed`)."""
    counts = Counter(items)
    unique = [item for item in items if counts[item] == 1 and PLACEHOLDER not in item]
    for i, first in enumerate(unique):
        for second in unique[i + 1 :]:
            if first in placed or second in placed:
                continue
            low, high = sorted((first, second))
            yield Observed((key, feature, low, high), "<" if first == low else ">")


def _tokens(
    key: RequestKey,
    feature: WireFeature,
    subject: str,
    value: str,
    *,
    fine: bool = False,
    places: frozenset[str] | None = None,
) -> Iterable[Observed]:
    """A value's tokens counted from its start (`3`) and from its end (`-2`).

    Code leaves unknown parts (a host from the command line) as placeholders: its known prefix
    is read from the start, its known suffix from the end, and a capture, which knows the whole
    value, shows both. `fine` adds each token's parts (`parts`); with `places`, only the
    tokens at those places are said.
    """
    tokens = _TOKEN.findall(value)
    for index, token in enumerate(tokens[:MAX_TOKENS]):
        if PLACEHOLDER in token:
            break
        where = str(index)
        if places is not None and where not in places:
            continue
        yield Observed((key, feature, subject, where), token)
        if fine:
            yield from _parts(key, feature, subject, where, token)
    for index, token in enumerate(reversed(tokens[-MAX_TOKENS:]), start=1):
        if PLACEHOLDER in token:
            break
        where = str(-index)
        if places is not None and where not in places:
            continue
        yield Observed((key, feature, subject, where), token)
        if fine:
            yield from _parts(key, feature, subject, where, token)


def _parts(
    key: RequestKey, feature: WireFeature, subject: str, where: str, token: str
) -> Iterable[Observed]:
    """Scheme 3: each digit of a digit run of `MIN_DIGITS` or more, and the length and letter
    of a run of one repeated letter of `MIN_RUN` or more (padding), as facts of their own."""
    if token.isdigit() and len(token) >= MIN_DIGITS:
        for at, digit in enumerate(token):
            yield Observed((key, feature, subject, f"{where}.d{at}"), digit)
    elif len(token) >= MIN_RUN and token.isalpha() and len(set(token)) == 1:
        yield Observed((key, feature, subject, f"{where}.len"), str(len(token)))
        yield Observed((key, feature, subject, f"{where}.char"), token[0])


def _cookie_facts(
    key: RequestKey,
    cookies: Sequence[tuple[str, str]],
    subjects: Subjects | None = None,
) -> Iterable[Observed]:
    """Scheme 3: the order of the cookies, and each cookie's value by its name (with
    `subjects`, only the wanted cookies' values)."""
    names = [name for name, _ in cookies]
    for observed in _orders(key, WireFeature.COOKIES, names):
        (_, _, low, high), sign = observed.key, observed.value
        yield Observed((key, WireFeature.COOKIES, "order", f"{low}\n{high}"), sign)
    counts = Counter(names)
    for name, value in cookies:
        if counts[name] != 1 or PLACEHOLDER in name:
            continue
        subject = f"cookie:{name}"
        if subjects is None or (key, WireFeature.COOKIES, subject) in subjects:
            where = None if subjects is None else subjects[(key, WireFeature.COOKIES, subject)]
            yield from _tokens(key, WireFeature.COOKIES, subject, value, fine=True, places=where)


def _body_facts(
    key: RequestKey,
    body: bytes,
    *,
    fine: bool,
    subjects: Subjects | None = None,
) -> Iterable[Observed]:
    """A body's facts (with `subjects`, only the wanted values and separators)."""
    text = body.decode("utf-8", "replace")
    try:
        document = decode_json(text)
    except ValueError:
        document = None
    if isinstance(document, dict):
        names = [str(name) for name in document]
        yield from _orders(key, WireFeature.BODY, names)
        for name, value in document.items():
            subject = f"json:{name}"
            if isinstance(value, str | int | float | bool) and (
                subjects is None or (key, WireFeature.BODY, subject) in subjects
            ):
                where = None if subjects is None else subjects[(key, WireFeature.BODY, subject)]
                yield from _tokens(
                    key, WireFeature.BODY, subject, str(value), fine=fine, places=where
                )
        if fine:
            separators = ((key, WireFeature.BODY, f"json-{part}-separator") for part in SEPARATORS)
            if subjects is None or any(subject in subjects for subject in separators):
                yield from _separators(key, document, text)
            return
        spacing = "compact" if ('":' in text and '": ' not in text) else "spaced"
        yield Observed((key, WireFeature.BODY, "json-separators", ""), spacing)
        return
    if subjects is None or (key, WireFeature.BODY, "") in subjects:
        where = None if subjects is None else subjects[(key, WireFeature.BODY, "")]
        yield from _tokens(key, WireFeature.BODY, "", text, fine=fine, places=where)


def _separators(key: RequestKey, document: object, text: str) -> Iterable[Observed]:
    """Scheme 3: the item and key separators a JSON body was written with, when `json.dumps`
    with one of the four usual pairs writes exactly this text (else nothing is said)."""
    for item, colon in ((", ", ": "), (",", ":"), (", ", ":"), (",", ": ")):
        for ascii_only in (True, False):
            written = json.dumps(document, separators=(item, colon), ensure_ascii=ascii_only)
            if written == text.strip():
                yield Observed((key, WireFeature.BODY, "json-item-separator", ""), repr(item))
                yield Observed((key, WireFeature.BODY, "json-key-separator", ""), repr(colon))
                return


__all__ = [
    "FactKey",
    "Observed",
    "RequestKey",
    "Subjects",
    "Wanted",
    "facts",
    "request_keys",
    "skeleton",
]
