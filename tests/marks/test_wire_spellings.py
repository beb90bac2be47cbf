"""Property: equivalent spellings of one request evaluate to the same wire request.

One random request (method, path, query pairs, ordered mixed-case headers, body) is written in
many equivalent ways — dict literal, `dict()`, pairs, merged variables, a helper, class
constants, `urlencode` or a literal query, f-string, `format`, `%`, concatenation, `join`, with
`requests`, `httpx` or `http.client`; sent as written, inside `try`, from a function, from a
class-based client, through an alias (`from … import … as`, a bound method, `functools.partial`,
`getattr`), or from a lone function handed its client (a leaked fragment) — and every spelling
must give the request that was drawn.
"""

from __future__ import annotations

import re
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
WRAPPERS = ("plain", "try", "function", "class", "alias", "fragment")
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


def _send(drawn: Drawn, client: str, headers_form: str, alias: bool, extra: str) -> list[str]:
    """Lines that send the request held in `URL` and `H` with `client`, aliased or not."""
    verb, method = drawn.method.lower(), drawn.method
    if client == "requests":
        if alias:
            return [f"from requests import {verb} as fetch", f"fetch(URL, headers=H{extra})"]
        return [f"requests.{verb}(URL, headers=H{extra})"]
    if client == "session":
        call = [f"send = s.{verb}", "send("] if alias else [f"s.{verb}("]
        return ["s = requests.Session()", *call[:-1], f"{call[-1]}URL, headers=H{extra})"]
    if client == "httpx":
        if alias:
            return [
                "import functools",
                f"call = functools.partial(httpx.request, {method!r})",
                f"call(URL, headers=H{extra})",
            ]
        return [f"httpx.request({method!r}, URL, headers=H{extra})"]
    if client == "httpx_client":
        call = f"getattr(c, {verb!r})" if alias else f"c.{verb}"
        return ["with httpx.Client() as c:", f"    {call}(URL, headers=H{extra})"]
    conn = ["conn = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]))"]
    if client == "http_client":
        body = "BODY" if drawn.body else "None"
        ask = ["ask = getattr(conn, 'request')", "ask"] if alias else ["conn.request"]
        return [*conn, *ask[:-1], f"{ask[-1]}({method!r}, URL, {body}, H)", "conn.getresponse()"]
    loop = "H" if headers_form == "pairs" else "H.items()"
    put = ["put = conn.putheader", "    put(k, v)"] if alias else ["    conn.putheader(k, v)"]
    return [
        *conn,
        f"conn.putrequest({method!r}, URL)",
        *put[:-1],
        f"for k, v in {loop}:",
        put[-1],
        "conn.endheaders(BODY or None)",
        "conn.getresponse()",
    ]


def _indent(lines: list[str], depth: int = 1) -> list[str]:
    return ["    " * depth + line for line in lines]


def _rename(line: str, url: str, headers: str) -> str:
    return re.sub(r"\bH\b", headers, re.sub(r"\bURL\b", url, line))


def _wrapped(wrapper: str, send: list[str]) -> list[str]:
    """The send lines inside a `try`, a function, a class-based client, or as they are."""
    if wrapper == "try":
        return [
            "try:",
            *_indent(send),
            "except Exception as error:",
            "    print(error)",
            "finally:",
            "    pass",
        ]
    if wrapper == "function":
        renamed = [_rename(line, "url", "headers") for line in send]
        return ["def go(url, headers):", *_indent(renamed), "go(URL, H)"]
    if wrapper == "class":
        renamed = [_rename(line, "self.url", "self.headers") for line in send]
        return [
            "class Api:",
            "    def __init__(self, url, headers):",
            "        self.url = url",
            "        self.headers = headers",
            "    def send(self):",
            *_indent(renamed, 2),
            "Api(URL, H).send()",
        ]
    return send


def _fragment(drawn: Drawn, client: str, extra: str) -> list[str]:
    """The request built in a lone function handed its client and base URL: the sending
    library is unknown to the evaluator (a leaked fragment)."""
    verb = drawn.method.lower()
    if client in ("http_client", "putheader"):
        body = "BODY" if drawn.body else "None"
        call = f"client.request({drawn.method!r}, URL, {body}, H)"
    elif client == "httpx":
        call = f"client.request({drawn.method!r}, base + URL, headers=H{extra})"
    else:
        call = f"client.{verb}(base + URL, headers=H{extra})"
    return ["def go(client, base):", f"    response = {call}", "    return response.status_code"]


def render(
    drawn: Drawn,
    client: str,
    headers_form: str,
    query_form: str,
    url_form: str,
    wrapper: str = "plain",
) -> str:
    """The request as a small script."""
    http_client = client in ("http_client", "putheader")
    if http_client and headers_form == "pairs":
        client = "putheader"
    if wrapper == "fragment" and client == "putheader":
        client, headers_form = "http_client", "literal"
    params = query_form == "params" and not http_client and bool(drawn.query)
    lines = [
        "import sys",
        "import http.client",
        "import requests",
        "import httpx",
        "from urllib.parse import urlencode",
        "BASE = '' " if http_client or wrapper == "fragment" else "BASE = sys.argv[1]",
        f"PATH = {drawn.path!r}",
        f"BODY = {drawn.body!r}",
    ]
    lines += _headers_code(headers_form, drawn.headers)
    if drawn.query and not params:
        lines += _query_code(query_form, drawn.query)
    lines.append(_url_code(url_form, bool(drawn.query) and not params))
    extra = ""
    if params:
        extra += ", params={" + ", ".join(f"{k!r}: {v!r}" for k, v in drawn.query) + "}"
    if drawn.body:
        extra += ", content=BODY" if client.startswith("httpx") else ", data=BODY"
    if wrapper == "fragment":
        return "\n".join(lines + _fragment(drawn, client, extra)) + "\n"
    send = _send(drawn, client, headers_form, wrapper == "alias", extra)
    return "\n".join(lines + _wrapped(wrapper, send)) + "\n"


def family(client: str, headers_form: str, wrapper: str) -> str:
    """Spellings that must give the very same request, library headers included."""
    if wrapper == "fragment":
        return "fragment"
    return "putheader" if client == "http_client" and headers_form == "pairs" else client


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
            st.sampled_from(WRAPPERS),
        ),
        min_size=2,
        max_size=6,
    ),
)
def test_equivalent_spellings_give_the_same_request(
    drawn: Drawn, spellings: list[tuple[str, str, str, str, str]]
) -> None:
    expected = (drawn.method, drawn.path, drawn.query, drawn.headers, drawn.body)
    by_family: dict[str, HttpRequest] = {}
    for client, headers_form, query_form, url_form, wrapper in spellings:
        source = render(drawn, client, headers_form, query_form, url_form, wrapper)
        requests = evaluate_requests(source)
        assert len(requests) == 1, source
        (request,) = requests
        assert chosen(request, drawn) == expected, source
        assert set(CORE) <= request.shows, source
        kind = family(client, headers_form, wrapper)
        if kind in by_family:
            assert request == by_family[kind], source
        by_family.setdefault(kind, request)
