"""The W3C reader's fast path (one decode and one split per log, each `#Fields:` layout worked
out once, targets split once) reads exactly what the plain line-by-line reading does: same
requests, same line numbers, same notes, for generated logs full of edge cases; and a token and
the requests of a log reach the client's accuser the same way through worker processes."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.domain import TokenHit
from forewarn.domain.wire import HttpRequest, WireFeature
from forewarn.hunt import (
    Decision,
    Hunt,
    LocalEngine,
    Material,
    SimilarityIndex,
    build_matcher,
    hunt_corpus,
)
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire import read_requests
from forewarn.hunt.wire.interface import NoteBook
from forewarn.hunt.wire.text import logged, room_left
from forewarn.hunt.wire.w3c import W3cReader
from forewarn.marks import tokens as token_marks
from forewarn.marks.channels.wire.routes import route_filter
from forewarn.marks.tokens import carriers, sealed

from .fakes import LiteralShapes
from .samples import POC

_HEADERS = (
    ("cs-host", "Host"),
    ("cs(user-agent)", "User-Agent"),
    ("cs(referer)", "Referer"),
    ("cs(cookie)", "Cookie"),
)


def _shows(fields: list[str]) -> frozenset[WireFeature]:
    shows = set()
    if "cs-method" in fields:
        shows.add(WireFeature.METHOD)
    if "cs-uri-stem" in fields or "cs-uri" in fields:
        shows.add(WireFeature.PATH)
    if "cs-uri-query" in fields or "cs-uri" in fields:
        shows |= {WireFeature.QUERY, WireFeature.QUERY_ORDER}
    if "cs(user-agent)" in fields:
        shows.add(WireFeature.USER_AGENT)
    if "cs(cookie)" in fields:
        shows.add(WireFeature.COOKIES)
    return frozenset(shows)


def slow_w3c(data: bytes, limits: Limits, notes: NoteBook) -> list[HttpRequest]:
    """The reading as it was before the fast path: each line decoded, split into a dict of its
    fields and handed to the generic `logged`."""
    found: list[HttpRequest] = []
    fields: list[str] = []
    for number, raw in enumerate(data.splitlines(), 1):
        if len(raw) > limits.max_header_bytes:
            notes.add(f"line {number}", f"over {limits.max_header_bytes} B; skipped")
            continue
        text = raw.decode("latin-1")
        if not text.strip():
            continue
        if text.startswith("#"):
            if text.startswith("#Fields:"):
                fields = text[len("#Fields:") :].lower().split()
            continue
        values = text.split()
        if not fields or len(values) != len(fields):
            notes.add(f"line {number}", "does not match the #Fields directive; skipped")
            continue
        if not room_left(found, limits, notes):
            break
        row = {k: "" if v == "-" else v for k, v in zip(fields, values, strict=True)}
        target = row.get("cs-uri")
        if target is None and "cs-uri-stem" in row:
            query = row.get("cs-uri-query", "")
            target = f"{row['cs-uri-stem']}?{query}" if query else row["cs-uri-stem"]
        headers = [
            (name, row[key].replace("+", " ") if key != "cs-host" else row[key])
            for key, name in _HEADERS
            if row.get(key)
        ]
        found.append(
            logged(
                row.get("cs-method"),
                target,
                source="w3c",
                origin=f"line {number}",
                shows=_shows(fields),
                headers=headers,
                host=row.get("cs-host") or None,
            )
        )
    return found


FIELD_NAMES = [
    "date",
    "time",
    "cs-method",
    "CS-Method",
    "cs-uri-stem",
    "cs-uri-query",
    "cs-uri",
    "cs-host",
    "cs(User-Agent)",
    "cs(Referer)",
    "cs(Cookie)",
    "sc-status",
]
VALUES = st.one_of(
    st.sampled_from(["-", "GET", "post", "/a/b", "/x%20y", "a=1&b=&c", "q=%41+b&&d=%zz", "+"]),
    st.sampled_from(["Mozilla/5.0+(X11)", "http://h.example:8080/p?x=1#f", "s=1;+t=2", "ß"]),
    st.text(st.characters(min_codepoint=33, max_codepoint=255), min_size=1, max_size=12),
)
LINE_ENDS = st.sampled_from([b"\n", b"\r\n", b"\r", b"\x0c\n", b"\x85\n"])


@st.composite
def w3c_logs(draw: st.DrawFn) -> bytes:
    """Directives (repeated, reordered, with duplicate and unknown names), lines of the wrong
    width, blank and comment lines, long lines, CR, LF and characters only `str` breaks at."""
    out = [b"#Software: Microsoft Internet Information Services 10.0\n"]
    width = 0
    for _ in range(draw(st.integers(1, 4))):
        fields = draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=7))
        out.append(("#Fields: " + " ".join(fields)).encode() + draw(LINE_ENDS))
        width = len(fields)
        for _ in range(draw(st.integers(0, 8))):
            kind = draw(st.integers(0, 9))
            if kind == 0:
                out.append(draw(st.sampled_from([b"\n", b"  \t\n", b"#Date: x\n", b"# c\n"])))
                continue
            count = width if kind > 2 else draw(st.integers(0, width + 2))
            values = [draw(VALUES) for _ in range(count)]
            sep = draw(st.sampled_from([" ", "  ", "\t", " \xa0"]))
            out.append(sep.join(values).encode("latin-1") + draw(LINE_ENDS))
    return b"".join(out)


LIMITS = st.sampled_from([Limits(), Limits(max_requests=3, max_header_bytes=40)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=w3c_logs(), limits=LIMITS)
def test_fast_w3c_reads_what_the_line_by_line_reading_reads(data: bytes, limits: Limits) -> None:
    slow_notes, fast_notes = NoteBook(), NoteBook()
    slow = slow_w3c(data, limits, slow_notes)
    fast = W3cReader().read(data, limits, fast_notes)
    assert fast == slow
    assert [r.origin for r in fast] == [r.origin for r in slow]
    assert fast_notes.done() == slow_notes.done()


ROUTES = st.lists(
    st.tuples(
        st.sampled_from(["GET", "POST", ""]),
        st.sampled_from(["/a/b", "/x%20y", "/p", "/", "", "ß", "+", "#", "a=#&b=&c"]),
    ),
    max_size=6,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=w3c_logs(), limits=LIMITS, routes=ROUTES)
def test_asking_a_route_filter_before_building_the_request_keeps_the_same_requests(
    data: bytes, limits: Limits, routes: list[tuple[str, str]]
) -> None:
    """A `RouteKeyed` filter is asked on a line's method and path before its request is built;
    the requests, line numbers and notes are those of asking it of every built request."""
    keep = route_filter(routes)
    per_request_notes, per_route_notes = NoteBook(), NoteBook()
    per_request = W3cReader().read(data, limits, per_request_notes, keep=lambda r: keep(r))
    per_route = W3cReader().read(data, limits, per_route_notes, keep=keep)
    assert per_route == per_request
    assert [r.origin for r in per_route] == [r.origin for r in per_request]
    assert per_route_notes.done() == per_request_notes.done()
    unlimited = dataclasses.replace(limits, max_requests=10**6)
    everything = W3cReader().read(data, unlimited, NoteBook())
    assert [r for r in everything if keep(r)][: limits.max_requests] == per_route[
        : limits.max_requests
    ]


def test_a_route_filter_drops_other_traffic_and_keeps_its_routes_whatever_the_target() -> None:
    head = "#Fields: cs-method cs-uri-stem cs-uri-query cs-uri\n"
    rows = [
        "GET /ecp/1.js a=1 /ecp/1.js?a=1",
        "get /ecp/22.js?x - http://mail.example/ecp/22.js?b=2#frag",
        "POST /ecp/3.js - /other",
        "GET /owa/ - /owa/",
    ]
    data = (head + "\n".join(rows) + "\n").encode()
    keep = route_filter([("GET", "/ecp/#.js")])
    found = W3cReader().read(data, Limits(), NoteBook(), keep=keep)
    assert [(r.method, r.path, r.origin) for r in found] == [
        ("GET", "/ecp/1.js", "line 2"),
        ("GET", "/ecp/22.js", "line 3"),
    ]
    cs_uri = b"#Fields: cs-method cs-uri\nGET http://h.example/ecp/5.js?q=1\nGET /owa/x\n"
    found = W3cReader().read(cs_uri, Limits(), NoteBook(), keep=keep)
    assert [(r.path, r.host, r.query) for r in found] == [("/ecp/5.js", "h.example", (("q", "1"),))]


def _log(lines: int, token: str) -> bytes:
    head = (
        "#Software: Microsoft Internet Information Services 10.0\n"
        "#Fields: date time cs-method cs-uri-stem cs-uri-query cs(User-Agent) cs(Referer)\n"
    )
    rows = [
        f"2021-02-28 01:02:{i % 60:02d} {'GET' if i % 3 else 'POST'} /owa/{i % 7}.aspx "
        f"{'-' if i % 2 else f'id={i}&v=%2F{i % 5}'} Mozilla/5.0+(X11;+{i % 4}) -"
        for i in range(lines)
    ]
    rows[lines // 2] = f"2021-02-28 02:00:00 GET /ecp/x.aspx k={token} curl/7.68.0 -"
    return (head + "\n".join(rows) + "\n").encode()


def test_a_token_and_the_requests_reach_the_accuser_as_the_slow_reading_gives_them(
    tmp_path: Path,
) -> None:
    tokens = ["tok-aa11", "tok-bb22"]
    for i, token in enumerate(tokens):
        (tmp_path / f"u_ex{i}.log").write_bytes(_log(3000, token))
    owners = {t: TokenHit(t, f"P{i}", "poc.py", case="FW-1") for i, t in enumerate(tokens)}
    index = SimilarityIndex()
    index.add("FW-1/poc.py", POC, case="FW-1", name="poc.py", language="python")
    seen: dict[str, tuple[HttpRequest, ...]] = {}

    def accuse(case: str, artifact: str, original: str, material: Material) -> Decision:
        assert material.requests is not None and material.text is None
        (found,) = material.tokens  # the scan's, verified on the worker: no text to scan again
        seen[found.token] = material.requests
        return lambda comparisons: []

    scanner = build_matcher(LiteralShapes(owners))
    hunt = Hunt(scanner=scanner, index=index, accuse=accuse, capture_text=False)
    results = list(hunt_corpus([tmp_path], hunt, LocalEngine(workers=2)))
    assert [[t.token for t in r.tokens] for r in results] == [[t] for t in tokens]
    for i, token in enumerate(tokens):
        data = (tmp_path / f"u_ex{i}.log").read_bytes()
        slow = slow_w3c(data, Limits(), NoteBook())
        assert seen[token] == tuple(slow) == read_requests(data).requests
        assert [r.origin for r in seen[token]] == [r.origin for r in slow]
        assert any(("k", token) in r.query for r in seen[token])


def test_a_shipped_matcher_finds_the_tokens_the_local_one_finds() -> None:
    """Every engine but the in-process one pickles the matcher to its workers; the copy must
    find what the original finds, host tokens (a domain suffix) included."""
    secret, domains = b"fast-path-test-secret-32-bytes..", ("t.contoso-cdn.net",)
    verifier = token_marks.verifier(secret, domains)
    verifier.add_scope("FW-1", "poc.py", ["Contoso Labs"])
    key = sealed.token_key(secret)
    made = carriers.token_values(key, "FW-1", "poc.py", "Contoso Labs", domains)
    line = " ".join(made.shown(slot) for slot in carriers.SLOTS).encode()
    local = build_matcher(verifier)
    found = {h.owner.token for h in local.scan([line]).hits}
    assert any(t.endswith(domains[0]) for t in found)
    shipped = pickle.loads(pickle.dumps(local))  # what a worker gets
    assert {h.owner.token for h in shipped.scan([line]).hits} == found
