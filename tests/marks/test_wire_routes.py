"""Reading a capture keeps only the requests on the PoC's routes before working out facts: the
bits read are exactly those of reading every request, whatever other traffic the capture holds
(a web log is mostly other traffic, and reading all of it cost seconds and gigabytes a log)."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.domain import ArtifactKind, HttpRequest
from forewarn.marks import CodeSpec, Marker
from forewarn.marks.channels.wire.channel import WireChannel, on_routes, read_requests
from forewarn.marks.channels.wire.signatures import observe, read_observed
from forewarn.marks.schemes import CURRENT_SCHEME, registry_for
from forewarn.marks.wire import evaluate

POC = Path(__file__).parents[2] / "src/forewarn/data/scenarios/exchange-2021/poc.py"
ORIGINAL = POC.read_text()
MARKER = Marker(bytes(32), "FW-1", CodeSpec(n_partners=64), registry_for(CURRENT_SCHEME))
CHANNEL = WireChannel(version=6)


def _sent(partner: str) -> list[HttpRequest]:
    copy = MARKER.mark("poc.py", ArtifactKind.POC, ORIGINAL.encode(), partner).content
    return list(evaluate(copy.decode()).requests)


COPIES = {p: _sent(p) for p in ("Acme AV", "Hooli", "Initech SOC")}


def _every_request(plan: object, requests: list[HttpRequest]) -> list[int | None]:
    """The reading before routes were filtered: facts of every request."""
    return read_observed(plan, observe(requests, None, "", 6, plan.wrap))  # type: ignore[attr-defined]


def _noise(rng: random.Random, like: list[HttpRequest], count: int) -> list[HttpRequest]:
    """Other traffic: other routes, and the PoC's own requests sent to other paths."""
    out = []
    for i in range(count):
        base = rng.choice(like)
        path = rng.choice(["/owa/auth/logon.aspx", f"/ecp/{i}.js", base.path + "x", "/", "/a/b"])
        method = rng.choice([base.method, "GET", "POST", "PUT", "get"])
        out.append(dataclasses.replace(base, method=method, path=path, source="w3c"))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    partners=st.lists(st.sampled_from(sorted(COPIES)), min_size=1, max_size=3),
    noise=st.integers(0, 60),
    seed=st.integers(0, 2**16),
    repeats=st.integers(1, 2),
)
def test_only_the_pocs_routes_are_read_and_the_bits_are_the_same(
    partners: list[str], noise: int, seed: int, repeats: int
) -> None:
    plan = CHANNEL._plan(ORIGINAL)
    rng = random.Random(seed)
    sent = [r for p in partners for _ in range(repeats) for r in COPIES[p]]
    mixed = list(sent)
    for request in _noise(rng, sent, noise):
        mixed.insert(rng.randrange(len(mixed) + 1), request)
    kept = on_routes(plan, mixed)
    assert len(kept) >= len(sent) - sum(1 for r in sent if r not in kept) and len(kept) <= len(
        mixed
    )
    assert read_requests(plan, mixed) == _every_request(plan, mixed)


def test_a_log_of_other_traffic_only_reads_nothing_and_keeps_nothing() -> None:
    plan = CHANNEL._plan(ORIGINAL)
    other = _noise(random.Random(1), COPIES["Hooli"], 200)
    other = [r for r in other if r.path in ("/owa/auth/logon.aspx", "/", "/a/b")]
    assert on_routes(plan, other) == []
    assert read_requests(plan, other) == [None] * len(plan.carried)


def test_one_partners_requests_read_its_bits_among_other_traffic() -> None:
    plan = CHANNEL._plan(ORIGINAL)
    own = COPIES["Acme AV"]
    alone = read_requests(plan, own)
    mixed = own + _noise(random.Random(2), own, 100)
    random.Random(3).shuffle(mixed)
    assert sum(b is not None for b in alone) >= 30
    assert (
        read_requests(plan, [r for r in mixed if r in own] + [r for r in mixed if r not in own])
        == alone
    )
