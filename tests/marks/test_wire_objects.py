"""The evaluator's models of classes, client objects and request parts, case by case.

Each case is a small program and the request (or the part of it) Python and the client library
would produce, as the libraries' own request paths build it.
"""

from __future__ import annotations

import base64

import pytest

from forewarn.domain.wire import WireFeature
from forewarn.marks.wire import PLACEHOLDER, evaluate_requests

U = PLACEHOLDER


def one(source: str) -> object:
    (request,) = evaluate_requests(source)
    return request


def test_dataclass_fields_defaults_factories_and_post_init() -> None:
    source = """
import dataclasses, requests
from dataclasses import dataclass, field

def defaults():
    return {"X-Made": "m"}

class Extra:
    pass

@dataclass
class Api:
    base: str
    agent: str = "agent/3"
    headers: dict = field(default_factory=defaults)
    extra: object = field(default_factory=Extra)
    tries: int = field(default=2)
    cache: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        self.headers["User-Agent"] = self.agent

    @classmethod
    def local(cls):
        return cls("http://h")

    @staticmethod
    def path(n):
        return "/v%d" % n

    @functools.cached_property
    def url(self):
        return self.base + self.path(self.tries)

api = Api.local()
requests.get(api.url, headers=api.headers, params=api.cache)
"""
    request = one(source)
    assert (request.path, request.query) == ("/v2", ())  # type: ignore[attr-defined]
    assert request.header("X-Made") == "m"  # type: ignore[attr-defined]
    assert request.header("User-Agent") == "agent/3"  # type: ignore[attr-defined]


def test_super_reaches_explicit_and_inherited_methods() -> None:
    source = """
import requests
class Root:
    def __init__(self, base):
        self.base = base
    def target(self, path):
        return self.base + path
class Mid(Root):
    pass
class Leaf(Mid):
    def __init__(self):
        super().__init__("http://h")
    def target(self, path):
        return super().target("/api" + path) + super().missing
    def send(self):
        requests.get(super().target("/x"))
        requests.get(Leaf.target(self, "/y"))
Leaf().send()
print(super())
"""
    paths = [r.path for r in evaluate_requests(source)]
    assert paths == ["/x", "/api/y" + U]


def test_a_requests_request_object_is_edited_before_it_is_prepared() -> None:
    source = """
import requests, random
req = requests.Request("GET", "http://h/a")
req.url = "http://h/b"
req.method = "PUT"
req.headers = {"X-A": "1"}
req.params = {"p": "1"}
seen = req.headers
s = requests.Session()
prepared = req.prepare()
kept = prepared.copy()
prepared.headers = random.choice([{"X-A": "2"}])
s.send(kept)
s.send(prepared)
s.send(req)
s.send(s.prepare_request(object()))
"""
    first, second = evaluate_requests(source)
    assert (first.method, first.path, first.query) == ("PUT", "/b", (("p", "1"),))
    assert first.header("X-A") == "1"
    assert WireFeature.HEADER_ORDER not in second.shows


def test_urllib_request_headers_and_url_assigned() -> None:
    source = """
import urllib.request
r = urllib.request.Request("http://h/a")
r.full_url = "http://h/b?x=1"
r.headers = {"x-lower": "1"}
r.add_unredirected_header("X-Own", "o")
opener = urllib.request.build_opener()
opener.open(r)
"""
    request = one(source)
    assert (request.path, request.query) == ("/b", (("x", "1"),))  # type: ignore[attr-defined]
    names = [n for n, _ in request.headers]  # type: ignore[attr-defined]
    assert "X-Lower" in names and "X-Own" in names


@pytest.mark.parametrize(
    ("auth", "value"),
    [
        ("('u', 'p')", "Basic " + base64.b64encode(b"u:p").decode()),
        ("['u', 'p']", "Basic " + base64.b64encode(b"u:p").decode()),
        ("('u', input())", "Basic " + U),
        ("('u', '\u20ac')", "Basic " + U),
        (
            "httpx.BasicAuth(username='a', password='b')",
            "Basic " + base64.b64encode(b"a:b").decode(),
        ),
        ("aiohttp.BasicAuth('a')", "Basic " + base64.b64encode(b"a:").decode()),
        ("('a', 'b', 'c')", None),
        ("input()", None),
    ],
)
def test_basic_auth_is_an_authorization_line(auth: str, value: str | None) -> None:
    source = f"import requests, httpx, aiohttp\nrequests.get('http://h/a', auth={auth})\n"
    assert one(source).header("authorization") == value  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("files", "data", "needle"),
    [
        (
            "{'f': ('a.bin', b'x', 'image/png')}",
            "None",
            'filename="a.bin"\r\nContent-Type: image/png',
        ),
        ("{'f': (None, b'x')}", "None", 'name="f"\r\n\r\nx'),
        ("{'f': 7}", "{'k': ['1', '2', None]}", 'name="k"\r\n\r\n2'),
        ("{'q\"uote': 'x'}", "None", 'name="q%22uote"'),
    ],
)
def test_multipart_fields_as_requests_writes_them(files: str, data: str, needle: str) -> None:
    source = f"import requests\nrequests.post('http://h/u', files={files}, data={data})\n"
    request = one(source)
    assert needle in request.body.decode("utf-8", "replace")  # type: ignore[attr-defined]


def test_multipart_with_unknown_parts_is_not_shown() -> None:
    source = "import httpx, sys\nhttpx.post('http://h/u', files=sys.argv, data={'a': 'b'})\n"
    request = one(source)
    assert request.body == U.encode()  # type: ignore[attr-defined]
    assert WireFeature.BODY not in request.shows  # type: ignore[attr-defined]
    named = "import httpx, sys\nhttpx.post('http://h/u', files={'f': (sys.argv[1], b'x')})\n"
    body = one(named).body.decode("utf-8", "replace")  # type: ignore[attr-defined]
    assert "Content-Type: " + U in body


@pytest.mark.parametrize(
    ("params", "query"),
    [
        ("'a=1&b=2'", (("a", "1"), ("b", "2"))),
        ("''", ()),
        ("{}", ()),
        ("[('a', '1'), ('a', '2')]", (("a", "1"), ("a", "2"))),
    ],
)
def test_params_are_appended_as_the_clients_append_them(params: str, query: object) -> None:
    request = one(f"import requests\nrequests.get('http://h/p', params={params})\n")
    assert request.query == query  # type: ignore[attr-defined]


def test_unknown_params_and_bodies_of_an_unknown_client_are_erased() -> None:
    source = (
        "import sys\n"
        "def go(s):\n"
        "    s.post('/x', params=sys.argv, json={'a': object()}, headers=sys.argv)\n"
        "def up(s):\n"
        "    s.post('/y', files={'f': b'x'}, data={'k': 'v'})\n"
    )
    first, second = evaluate_requests(source)
    assert {WireFeature.QUERY, WireFeature.HEADER_ORDER} & first.shows == set()
    assert second.body == U.encode() and WireFeature.BODY not in second.shows


def test_exit_stacks_and_closing_pass_their_objects_through() -> None:
    source = """
import asyncio, contextlib, aiohttp
async def go():
    async with contextlib.AsyncExitStack() as stack:
        session = await stack.enter_async_context(aiohttp.ClientSession())
        stack.callback(print)
        async with session.get("http://h/a") as answer:
            return answer.status
"""
    assert one(source).path == "/a"  # type: ignore[attr-defined]
