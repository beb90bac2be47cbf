"""The evaluator on the spellings a code assistant's rewrite produces, against the real wire.

Our own benign programs (tests/marks/wire_pocs/) are run against the recording listener on
127.0.0.1 and evaluated statically; where the static form shows a feature it must agree with
what was sent. Then the shapes that cannot run on their own: fragments whose helpers or client
are missing, handlers taken only on failure, and input built to exhaust the evaluator.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import pytest

from forewarn.domain.wire import WireFeature
from forewarn.marks.wire import PLACEHOLDER, Limits, evaluate, evaluate_requests

sys.path.insert(0, str(Path(__file__).parent))

from wire_compare import disagreements
from wire_listener import run

POCS = Path(__file__).parent / "wire_pocs"


@pytest.mark.parametrize(
    ("script", "sent", "aside"),
    [
        ("upload_multipart.py", 3, 0),
        ("prepared_requests.py", 4, 0),
        ("class_client.py", 3, 2),
    ],
)
def test_static_form_matches_the_wire(script: str, sent: int, aside: int) -> None:
    statics = evaluate_requests((POCS / script).read_text())
    wires = run(POCS / script)
    assert len(wires) == sent and len(statics) == sent + aside
    for static, wire in zip(statics, wires, strict=False):
        assert disagreements(static, wire) == [], (static, wire)


def test_multipart_parts_are_read_and_the_boundary_is_not() -> None:
    first, second, third = evaluate_requests((POCS / "upload_multipart.py").read_text())
    body = first.body.decode("utf-8", "replace")
    assert body.startswith("--" + PLACEHOLDER + "\r\n")
    parts = [p for p in body.split("--" + PLACEHOLDER) if p.strip("-\r\n")]
    assert [p.split("\r\n")[1] for p in parts] == [
        'Content-Disposition: form-data; name="kind"',
        'Content-Disposition: form-data; name="seq"',
        'Content-Disposition: form-data; name="report"; filename="scan_2207.txt"',
        'Content-Disposition: form-data; name="raw"; filename="raw"',
    ]
    assert "Content-Type: text/plain\r\n\r\nline one\n" in parts[2]
    assert WireFeature.BODY not in first.shows
    assert first.header("content-type") == "multipart/form-data; boundary=" + PLACEHOLDER
    token = base64.b64encode(b"analyst:pw-5531").decode()
    assert first.header("authorization") == "Basic " + token
    assert first.headers[-1][0] == "Authorization"
    assert second.header("authorization") == "Basic " + base64.b64encode(b"u:p").decode()
    # httpx names a bare file `upload` and guesses its type
    assert 'name="raw"; filename="upload"\r\nContent-Type: application/octet-stream' in (
        third.body.decode("utf-8", "replace")
    )


def test_prepared_requests_carry_only_what_was_merged() -> None:
    alone, merged, bare, feed = evaluate_requests((POCS / "prepared_requests.py").read_text())
    names = [n for n, _ in alone.headers]
    assert names == [
        "Host",
        "Accept-Encoding",
        "X-Trace",
        "User-Agent",
        "Content-Length",
        "Content-Type",
        "X-Late",
    ]
    assert alone.query == (("q", "x"),) and alone.body == b"a=1"
    assert merged.header("user-agent") == "python-requests/" + PLACEHOLDER
    assert merged.header("cookie") == "sid=abc"
    assert [n for n, _ in bare.headers] == ["Host", "Accept-Encoding", "User-Agent", "X-Trace"]
    assert (feed.method, feed.header("user-agent"), feed.body) == ("PUT", "fetcher/2.1", b"payload")
    assert feed.header("X-Feed-Id") == "feed-4410"


FRAGMENT = """
import json
USER_AGENT = "Mozilla/5.0 probe"

def fetch_identity(conn, args):
    headers = {"User-Agent": USER_AGENT, "X-Route": f"{args.target}@lab/ecp", "x-Seq": "7"}
    body = json.dumps({"mailbox": args.mailbox, "seq": 1}, sort_keys=True)
    status, data = send(conn, "POST", "/ecp/proxyLogon.ecp", headers, body=body)
    return status

def poll(session, base, rounds=2):
    for n in range(rounds):
        session.get(base + "/export/status", params={"job": "exp-%d" % n}, headers={"X-R": str(n)})
"""


def test_a_fragment_reads_what_it_hands_to_helpers_it_does_not_contain() -> None:
    result = evaluate(FRAGMENT)
    first, *polls = result.requests
    assert (first.method, first.path) == ("POST", "/ecp/proxyLogon.ecp")
    assert [n for n, _ in first.headers] == ["User-Agent", "X-Route", "x-Seq"]
    assert first.header("X-Route") == PLACEHOLDER + "@lab/ecp"
    assert first.body == b'{"mailbox": "' + PLACEHOLDER.encode() + b'", "seq": 1}'
    assert {WireFeature.HEADER_ORDER, WireFeature.HEADER_CASE, WireFeature.PATH} <= first.shows
    assert WireFeature.HEADER_VALUES not in first.shows
    assert [(r.method, r.path, r.query) for r in polls] == [
        ("GET", "/export/status", (("job", "exp-0"),)),
        ("GET", "/export/status", (("job", "exp-1"),)),
    ]
    assert [s.client for s in result.sites] == ["opaque.send", "opaque.get", "opaque.get"]
    assert any("read as a request to an unknown client" in n for n in result.notes)


@pytest.mark.parametrize(
    ("call", "method", "path"),
    [
        ("do_get(base + '/a', headers={'X-A': '1'})", "GET", "/a"),
        ("client.request(url=base + '/b', method='put', headers={'X-A': '1'})", "PUT", "/b"),
        ("mylib.transport.send('DELETE', 'http://h:1/c?d=1')", "DELETE", "/c"),
        ("pool.urlopen('PATCH', '/d', body=b'x')", "PATCH", "/d"),
    ],
)
def test_unknown_callees_that_look_like_requests(call: str, method: str, path: str) -> None:
    source = f"import mylib\ndef go(client, pool, base):\n    {call}\n"
    (request,) = evaluate_requests(source)
    assert (request.method, request.path) == (method, path)


@pytest.mark.parametrize(
    "call",
    [
        "table.get('key')",
        "log.info('GET %s', path)",
        "send(conn, method, path, headers)",
        "parser.add_argument('--path', default='/api')",
        "os.path.join('/tmp', name)",
        "fetch(base + '/x', timeout=3)",
        "client.get(path)",
    ],
)
def test_calls_that_are_no_request_are_not_read_as_one(call: str) -> None:
    names = "table, log, conn, parser, name, base, path, method, headers"
    source = f"import os\ndef go({names}):\n    {call}\n"
    assert evaluate_requests(source) == ()


def test_cookies_hide_the_header_order_of_an_unknown_client() -> None:
    source = (
        "def go(s):\n    s.post('/x', headers={'A': '1'}, cookies={'k': 'v'}, auth=('u', 'p'))\n"
    )
    (request,) = evaluate_requests(source)
    assert [n for n, _ in request.headers] == ["A", "Cookie", "Authorization"]
    assert WireFeature.HEADER_ORDER not in request.shows


def test_a_handler_is_a_path_aside_and_a_raising_body_goes_through_it() -> None:
    source = """
import sys, requests
for path in ["/one", "/two"]:
    try:
        requests.get("http://h" + path)
    except requests.ConnectionError:
        requests.get("http://h/retry" + path)
    finally:
        marker = path
try:
    if len(sys.argv) > 5:
        raise SystemExit("no")
    raise RuntimeError("always")
except RuntimeError:
    requests.get("http://h/after" + marker)
"""
    paths = [r.path for r in evaluate_requests(source)]
    assert paths == ["/one", "/two", "/after/two", "/retry/one", "/retry/two"]


def test_with_enters_the_suspects_own_context_managers() -> None:
    source = """
import contextlib, requests
class Api:
    def __enter__(self):
        self.s = requests.Session()
        self.s.headers["X-Api"] = "a-1"
        return self.s
    def __exit__(self, *exc):
        self.s.get("http://h/logout")
with Api() as session, contextlib.ExitStack() as stack:
    other = stack.enter_context(requests.Session())
    session.get("http://h/in")
    other.get("http://h/other")
"""
    requests = evaluate_requests(source)
    assert [r.path for r in requests] == ["/in", "/other", "/logout"]
    assert requests[0].header("X-Api") == "a-1"


@pytest.mark.parametrize(
    "spelling",
    [
        "s = requests\ns.get(URL, headers=H)",
        "from requests import get as fetch\nfetch(URL, headers=H)",
        "get = requests.Session().get\nget(URL, headers=H)",
        "import functools\nf = functools.partial(requests.request, 'GET', headers=H)\nf(URL)",
        "getattr(requests, 'get')(URL, headers=H)",
        "send = lambda u: requests.api.get(u, headers=H)\nsend(URL)",
    ],
)
def test_aliases_of_a_request_function(spelling: str) -> None:
    source = f"import requests\nURL = 'http://h/p?q=1'\nH = {{'X-A': '1'}}\n{spelling}\n"
    (request,) = evaluate_requests(source)
    assert (request.path, request.query, request.header("X-A")) == ("/p", (("q", "1"),), "1")
    assert request.header("user-agent") == "python-requests/" + PLACEHOLDER


def _nested_try(depth: int) -> str:
    opened = "".join("    " * k + "try:\n" for k in range(depth))
    closed = "".join(
        "    " * k + "finally:\n" + "    " * (k + 1) + "x = 1\n" for k in reversed(range(depth))
    )
    return opened + "    " * depth + "x = 0\n" + closed


@pytest.mark.parametrize(
    ("source", "note"),
    [
        ("class A:\n    @property\n    def x(self):\n        return self.x\nA().x\n", "nested"),
        (
            "import functools, requests\nf = requests.get\n"
            + "f = functools.partial(f)\n" * 3000
            + "f('http://h/x')\n",
            "",
        ),
        (_nested_try(95), ""),
        (
            "import requests\nrequests.post('http://h/u', files=[('f', 'x')] * 10**6)\n",
            "larger than the limit",
        ),
        (
            "import requests\ndef go(s):\n    s.get('/' + 'a' * 10**9)\n",
            "",
        ),
        (
            "class C:\n    def __enter__(self):\n        with C() as c:\n            pass\n"
            "with C():\n    pass\n",
            "nested",
        ),
    ],
)
def test_adversarial_shapes_end_with_a_note_and_bounded_work(source: str, note: str) -> None:
    result = evaluate(source, limits=Limits(max_steps=50_000))
    assert not note or any(note in n for n in result.notes), result.notes
