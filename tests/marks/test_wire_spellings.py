"""Property: equivalent spellings of one request evaluate to the same wire request.

One random request (method, path, query pairs, ordered mixed-case headers, body) is written in
many equivalent ways — dict literal, `dict()`, pairs, merged variables, a helper, class
constants, `urlencode` or a literal query, f-string, `format`, `%`, concatenation, `join`, with
`requests`, `httpx` or `http.client` — and every spelling must give the request that was drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.domain.wire import HttpRequest, WireFeature
from forewarn.marks.wire import evaluate_requests

HEADER_FORMS = (
    "literal",
    "dict_pairs",
    "pairs",
    "star",
    "update",
    "or",
    "items",
    "helper",
    "class",
)
QUERY_FORMS = ("literal", "urlencode_dict", "urlencode_pairs", "params")
URL_FORMS = ("concat", "fstring", "format", "percent", "join")
CLIENTS = ("requests", "session", "httpx", "httpx_client", "http_client", "putheader")
CORE = (
    WireFeature.METHOD,
    WireFeature.PATH,
    WireFeature.QUERY,
    WireFeature.QUERY_ORDER,
    WireFeature.HEADER_NAMES,
    WireFeature.HEADER_ORDER,
    WireFeature.HEADER_CASE,
    WireFeature.BODY,
)


@dataclass(frozen=True)
class Drawn:
    """The request drawn."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: bytes


_word = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
_value = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ;=/.,-", max_size=20
)
_name = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8).map(
    lambda s: "X-" + s
)


@st.composite
def requests_drawn(draw: st.DrawFn) -> Drawn:
    method = draw(st.sampled_from(["GET", "POST", "PUT"]))
    path = "/" + "/".join(draw(st.lists(_word, min_size=1, max_size=3)))
    keys = draw(st.lists(st.text("abcdefgh", min_size=1, max_size=5), max_size=4, unique=True))
    query = tuple((k, draw(_word)) for k in keys)
    names = draw(st.lists(_name, min_size=1, max_size=5, unique_by=str.lower))
    headers = tuple((n, draw(_value).strip() or "v") for n in names)
    body = draw(st.text("abcdef0123=&", max_size=30)).encode() if method != "GET" else b""
    return Drawn(method, path, query, headers, body)


def _headers_code(form: str, headers: tuple[tuple[str, str], ...]) -> list[str]:
    """Lines that bind `H` to the headers (a dict, or pairs for the `pairs` form)."""
    items = ", ".join(f"{n!r}: {v!r}" for n, v in headers)
    pairs = ", ".join(f"({n!r}, {v!r})" for n, v in headers)
    half = len(headers) // 2
    first = ", ".join(f"{n!r}: {v!r}" for n, v in headers[:half])
    rest = ", ".join(f"{n!r}: {v!r}" for n, v in headers[half:])
    if form == "literal":
        return [f"H = {{{items}}}"]
    if form == "dict_pairs":
        return [f"H = dict([{pairs}])"]
    if form == "pairs":
        return [f"H = [{pairs}]"]
    if form == "star":
        return [f"A = {{{first}}}", f"B = {{{rest}}}", "H = {**A, **B}"]
    if form == "update":
        return [f"H = {{{first}}}", f"H.update({{{rest}}})"]
    if form == "or":
        return [f"A = {{{first}}}", f"H = A | {{{rest}}}"]
    if form == "items":
        return ["H = {}"] + [f"H[{n!r}] = {v!r}" for n, v in headers]
    if form == "helper":
        (n0, v0), tail = headers[0], headers[1:]
        more = "".join(f", {n!r}: {v!r}" for n, v in tail)
        return [
            "def make_headers(first):",
            f"    return {{{n0!r}: first{more}}}",
            f"H = make_headers({v0!r})",
        ]
    consts = [f"    V{i} = {v!r}" for i, (_, v) in enumerate(headers)]
    uses = ", ".join(f"{n!r}: Conf.V{i}" for i, (n, _) in enumerate(headers))
    return ["class Conf:", *consts, f"H = {{{uses}}}"]


def _query_code(form: str, query: tuple[tuple[str, str], ...]) -> list[str]:
    literal = "&".join(f"{k}={v}" for k, v in query)
    if form == "literal":
        return [f"QS = {literal!r}"]
    if form == "urlencode_dict":
        return ["QS = urlencode({" + ", ".join(f"{k!r}: {v!r}" for k, v in query) + "})"]
    return ["QS = urlencode([" + ", ".join(f"({k!r}, {v!r})" for k, v in query) + "])"]


def _url_code(form: str, with_query: bool) -> str:
    parts = ["BASE", "PATH"] + (["'?'", "QS"] if with_query else [])
    if form == "concat":
        return "URL = " + " + ".join(parts)
    if form == "fstring":
        return "URL = f'{BASE}{PATH}" + ("?{QS}'" if with_query else "'")
    if form == "format":
        return "URL = '{}{}" + (
            "?{}'.format(BASE, PATH, QS)" if with_query else "'.format(BASE, PATH)"
        )
    if form == "percent":
        return "URL = '%s%s" + ("?%s' % (BASE, PATH, QS)" if with_query else "' % (BASE, PATH)")
    return "URL = ''.join([" + ", ".join(parts) + "])"


def render(drawn: Drawn, client: str, headers_form: str, query_form: str, url_form: str) -> str:
    """The request as a small script."""
    http_client = client in ("http_client", "putheader")
    if http_client and headers_form == "pairs":
        client = "putheader"
    params = query_form == "params" and not http_client and bool(drawn.query)
    lines = [
        "import sys",
        "import http.client",
        "import requests",
        "import httpx",
        "from urllib.parse import urlencode",
        "BASE = '' " if http_client else "BASE = sys.argv[1]",
        f"PATH = {drawn.path!r}",
        f"BODY = {drawn.body!r}",
    ]
    lines += _headers_code(headers_form, drawn.headers)
    if drawn.query and not params:
        lines += _query_code(query_form, drawn.query)
    lines.append(_url_code(url_form, bool(drawn.query) and not params))
    verb = drawn.method.lower()
    extra = ""
    if params:
        extra += ", params={" + ", ".join(f"{k!r}: {v!r}" for k, v in drawn.query) + "}"
    if drawn.body:
        extra += ", content=BODY" if client.startswith("httpx") else ", data=BODY"
    if client == "requests":
        lines.append(f"requests.{verb}(URL, headers=H{extra})")
    elif client == "session":
        lines += ["s = requests.Session()", f"s.{verb}(URL, headers=H{extra})"]
    elif client == "httpx":
        lines.append(f"httpx.request({drawn.method!r}, URL, headers=H{extra})")
    elif client == "httpx_client":
        lines += ["with httpx.Client() as c:", f"    c.{verb}(URL, headers=H{extra})"]
    elif client == "http_client":
        body = "BODY" if drawn.body else "None"
        lines += [
            "conn = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]))",
            f"conn.request({drawn.method!r}, URL, {body}, H)",
            "conn.getresponse()",
        ]
    else:
        loop = "H" if headers_form == "pairs" else "H.items()"
        lines += [
            "conn = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]))",
            f"conn.putrequest({drawn.method!r}, URL)",
            f"for k, v in {loop}:",
            "    conn.putheader(k, v)",
            "conn.endheaders(BODY or None)",
            "conn.getresponse()",
        ]
    return "\n".join(lines) + "\n"


def chosen(request: HttpRequest, drawn: Drawn) -> tuple[object, ...]:
    """The parts of a request the code chose: what must not depend on the spelling."""
    names = {n.lower() for n, _ in drawn.headers}
    headers = tuple((n, v) for n, v in request.headers if n.lower() in names)
    return (request.method, request.path, request.query, headers, request.body)


@settings(max_examples=150, deadline=None)
@given(
    drawn=requests_drawn(),
    spellings=st.lists(
        st.tuples(
            st.sampled_from(CLIENTS),
            st.sampled_from(HEADER_FORMS),
            st.sampled_from(QUERY_FORMS),
            st.sampled_from(URL_FORMS),
        ),
        min_size=2,
        max_size=6,
    ),
)
def test_equivalent_spellings_give_the_same_request(
    drawn: Drawn, spellings: list[tuple[str, str, str, str]]
) -> None:
    expected = (drawn.method, drawn.path, drawn.query, drawn.headers, drawn.body)
    by_client: dict[str, HttpRequest] = {}
    for client, headers_form, query_form, url_form in spellings:
        source = render(drawn, client, headers_form, query_form, url_form)
        requests = evaluate_requests(source)
        assert len(requests) == 1, source
        (request,) = requests
        assert chosen(request, drawn) == expected, source
        assert set(CORE) <= request.shows, source
        family = "putheader" if client == "http_client" and headers_form == "pairs" else client
        if family in by_client:
            assert request == by_client[family], source
        by_client.setdefault(family, request)
