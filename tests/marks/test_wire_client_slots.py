"""Header slots chosen by a client library, `httpx` read as it sends, and display orders read
from a rewrite in another language: the read side of the wire channel (never the plan)."""

from __future__ import annotations

from pathlib import Path

import pytest

from forewarn.marks.channels.wire.candidates import Literal
from forewarn.marks.channels.wire.channel import WireChannel
from forewarn.marks.channels.wire.facts import facts
from forewarn.marks.channels.wire.signatures import wire_plan
from forewarn.marks.wire import evaluate as evaluate_code
from forewarn.marks.wire import evaluate_requests

URLLIB_PAIRS = Path(__file__).parent / "readback_pocs" / "urllib_pairs.py"

REQUESTS_FLAT = """
import requests
requests.get("http://h/p", headers={"X-A": "1", "User-Agent": "u", "X-B": "2"})
"""
CLEARED = """
import requests
s = requests.Session()
s.headers.clear()
s.headers["User-Agent"] = "u"
s.headers["X-A"] = "1"
s.get("http://h/p")
"""
HTTPX = """
import httpx
c = httpx.Client(headers={"accept": "a", "X-A": "1"})
c.get("http://h/p", headers={"X-B": "2", "Accept": "b", "host": "h"})
"""


def _orders(source: str) -> set[tuple[str, str]]:
    return {
        (o.key[2], o.key[3]) for o in facts(evaluate_requests(source)) if o.key[1] == "header-order"
    }


def test_a_requests_default_slot_is_not_read_as_the_codes_order() -> None:
    (request,) = evaluate_requests(REQUESTS_FLAT)
    assert [n for n, _ in request.headers][:2] == ["Host", "User-Agent"]  # requests' own slot
    assert {"user-agent", "accept", "accept-encoding", "connection"} <= request.placed
    assert ("x-a", "x-b") in _orders(REQUESTS_FLAT)
    assert not [pair for pair in _orders(REQUESTS_FLAT) if "user-agent" in pair]


def test_headers_cleared_and_set_again_are_the_codes() -> None:
    (request,) = evaluate_requests(CLEARED)
    assert request.placed == frozenset()
    assert ("user-agent", "x-a") in _orders(CLEARED)


def test_httpx_is_read_as_it_sends_and_its_moved_names_are_never_planned() -> None:
    httpx = pytest.importorskip("httpx")
    client = httpx.Client(headers={"accept": "a", "X-A": "1"})
    built = client.build_request(
        "GET", "http://h/p", headers={"X-B": "2", "Accept": "b", "host": "h"}
    )
    sent = [k.decode().lower() for k, _ in built.headers.raw]
    (read,) = evaluate_code(HTTPX, as_sent=True).requests
    assert [n.lower() for n, _ in read.headers] == sent
    (planned,) = evaluate_requests(HTTPX)  # the plans' model: a set name keeps its slot
    assert planned.headers != read.headers
    kept = [n.lower() for n, _ in planned.headers if n.lower() not in planned.placed]
    assert [n for n in sent if n in kept] == kept  # what a plan reads, both models agree on


def _query_order_bit() -> int:
    plan = wire_plan(URLLIB_PAIRS.read_text(), 6)
    return next(
        i
        for i, k in enumerate(plan.carried)
        if not isinstance(plan.edits[k], Literal) and plan.edits[k][0].keys == ("node", "job")
    )


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("node=n-1&job=j-2", "as written"),
        ("job=j-2&node=n-1", "swapped"),
        ("node=1&job=2&node=3", None),  # a key named twice on one line shows no order
    ],
)
def test_another_languages_display_order_is_read_where_its_keys_are_named(
    query: str, shown: str | None
) -> None:
    original = URLLIB_PAIRS.read_text()
    channel = WireChannel(version=6)
    index = _query_order_bit()
    own = channel.extract(original, original)[index]
    assert own is not None
    script = f'#!/bin/sh\ncurl -s "http://$1:8080/cgi-bin/status?{query}"\n'
    bit = channel.extract(original, script)[index]
    assert bit == {"as written": own, "swapped": 1 - own, None: None}[shown]
