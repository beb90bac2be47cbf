"""The static evaluator against what our own benign PoCs really send to a local listener."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from forewarn.domain.wire import WireFeature
from forewarn.marks.wire import PLACEHOLDER, Limits, evaluate, evaluate_requests

sys.path.insert(0, str(Path(__file__).parent))

from wire_compare import disagreements, recovered
from wire_listener import run

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "src/forewarn/data/scenarios/exchange-2021/poc.py"
POCS = Path(__file__).parent / "wire_pocs"

# (script, requests, least header lines recovered, least query pairs recovered)
CASES = [
    (SHIPPED, 4, 20, 3),
    (POCS / "replay_pairs.py", 4, 16, 5),
    (POCS / "fetch_urllib.py", 2, 13, 3),
    (POCS / "raw_socket.py", 1, 3, 2),
    (POCS / "pool_urllib3.py", 5, 17, 4),
]


@pytest.mark.parametrize(("script", "count", "least_headers", "least_query"), CASES)
def test_static_form_matches_what_the_poc_sends(
    script: Path, count: int, least_headers: int, least_query: int
) -> None:
    statics = list(evaluate_requests(script.read_text()))
    wires = run(script)
    assert len(statics) == len(wires) == count
    for static, wire in zip(statics, wires, strict=True):
        assert disagreements(static, wire) == [], (static, wire)
    got = recovered(statics, wires)
    print(script.name, got)
    assert got.headers[0] >= least_headers
    assert got.query[0] >= least_query
    assert got.paths == (count, count)
    assert got.order == (count, count)


def test_urllib_names_are_read_as_sent_not_as_spelt() -> None:
    requests = evaluate_requests((POCS / "fetch_urllib.py").read_text())
    assert all(WireFeature.HEADER_CASE not in r.shows for r in requests)
    assert requests[0].header("X-Trace-Id") == "trace-4711"
    assert [n for n, _ in requests[0].headers][-2:] == ["X-Trace-Id", "Connection"]


def test_base_url_from_argv_keeps_path_and_query() -> None:
    source = (
        "import sys, requests\n"
        "base = sys.argv[1]\n"
        "requests.get(base + '/api/x', params={'a': '1', 'b': sys.argv[2]})\n"
    )
    (request,) = evaluate_requests(source)
    assert request.path == "/api/x"
    assert request.query == (("a", "1"), ("b", PLACEHOLDER))
    assert WireFeature.PATH in request.shows
    assert WireFeature.QUERY_ORDER in request.shows
    assert WireFeature.QUERY not in request.shows
    assert request.host is None


def test_session_headers_merge_as_requests_merges_them() -> None:
    source = (
        "import requests\n"
        "s = requests.Session()\n"
        "s.headers.update({'user-agent': 'UA/1', 'X-A': '1'})\n"
        "s.get('http://h/p', headers={'accept': 'text/plain', 'X-A': None, 'X-B': '2'})\n"
    )
    (request,) = evaluate_requests(source)
    names = [n for n, _ in request.headers]
    assert names == ["Host", "user-agent", "Accept-Encoding", "accept", "Connection", "X-B"]
    assert request.header("user-agent") == "UA/1"
    assert WireFeature.USER_AGENT in request.shows
    assert WireFeature.HEADER_VALUES in request.shows


def test_loop_over_literal_list_sends_one_request_per_item() -> None:
    source = (
        "import httpx\n"
        "for p in ['/a', '/b', '/c']:\n"
        "    httpx.get(f'http://h{p}', headers=[('X-Q', p)])\n"
    )
    requests = evaluate_requests(source)
    assert [r.path for r in requests] == ["/a", "/b", "/c"]
    assert [r.header("x-q") for r in requests] == ["/a", "/b", "/c"]


def test_unknown_values_are_never_guessed() -> None:
    source = (
        "import random, requests\n"
        "requests.post('http://h/x', data=input(), headers={'X-R': str(random.random())})\n"
    )
    (request,) = evaluate_requests(source)
    assert WireFeature.BODY not in request.shows
    assert WireFeature.HEADER_VALUES not in request.shows
    assert request.header("X-R") == PLACEHOLDER


@pytest.mark.parametrize(
    ("source", "paths", "note"),
    [
        ("x = " + "(" * 5000 + ")" * 5000 + "\n", [], "parse"),
        ("s = 'A' * 10**12\nimport requests\nrequests.get('http://h/' + s)\n", ["/\ufffd"], ""),
        ("def f(n):\n    return f(n + 1)\nf(0)\n", [], "nested deeper"),
        ("while True:\n    pass\n", [], "loop stopped"),
        ("x = 'a'\nwhile True:\n    x = x + x\n", [], "longer than the limit"),
        ("import requests\nrequests.get('http://h/{:999999999}'.format(1))\n", ["/\ufffd"], ""),
        (
            "import requests\nfor i in range(60):\n  for j in range(60):\n"
            "    requests.get('http://h/%d/%d' % (i, j))\n",
            ["/0/0", "/0/1"],
            "more requests than the limit",
        ),
    ],
)
def test_bad_or_adversarial_input_ends_with_a_note(
    source: str, paths: list[str], note: str
) -> None:
    result = evaluate(source, limits=Limits(max_steps=50_000))
    assert [r.path for r in result.requests][:2] == paths
    assert any(note in n for n in result.notes) if note else result.notes == ()


def test_syntax_error_gives_no_request_and_a_note() -> None:
    result = evaluate("def f(:\n")
    assert result.sites == ()
    assert "parse" in result.notes[0]


def test_aiohttp_shows_no_header_order_and_lone_functions_are_read() -> None:
    source = (
        "import aiohttp, asyncio\n"
        "async def go(base):\n"
        "    async with aiohttp.ClientSession(headers={'X-S': 's'}) as session:\n"
        "        async with session.post(base + '/p', json={'b': 1, 'a': 2}) as answer:\n"
        "            return await answer.text()\n"
    )
    result = evaluate(source)
    (request,) = result.requests
    assert (request.method, request.path, request.body) == ("POST", "/p", b'{"b": 1, "a": 2}')
    assert request.header("X-S") == "s"
    assert WireFeature.HEADER_ORDER not in request.shows
    assert "function go read on its own" in result.notes


def test_httpx_build_request_then_send_sends_the_headers_assigned() -> None:
    source = """
import httpx

HEADERS = [("Host", "toy"), ("X-Probe-Id", "run-4471"), ("User-Agent", "probe/2.0")]


def go(port):
    with httpx.Client() as client:
        url = f"http://127.0.0.1:{port}/api/v2/items?k=1"
        request = client.build_request("POST", url, content=b"x")
        request.headers = httpx.Headers(HEADERS)
        return client.send(request)


go(8080)
"""
    (request,) = evaluate_requests(source)
    assert (request.method, request.path, request.query) == ("POST", "/api/v2/items", (("k", "1"),))
    assert [name for name, _ in request.headers][:3] == ["Host", "X-Probe-Id", "User-Agent"]
    assert request.header("X-Probe-Id") == "run-4471" and request.body == b"x"


def test_aiohttp_with_a_yarl_url_keeps_the_path_and_query() -> None:
    source = """
import asyncio
import aiohttp
import yarl


async def go():
    async with aiohttp.ClientSession() as session:
        url = yarl.URL("http://127.0.0.1:8080/status/check?round=3", encoded=True)
        async with session.request("GET", url, headers=[("X-Round", "3")]) as answer:
            return answer.status


asyncio.run(go())
"""
    (request,) = evaluate_requests(source)
    assert (request.path, request.query) == ("/status/check", (("round", "3"),))
    assert request.header("X-Round") == "3"
