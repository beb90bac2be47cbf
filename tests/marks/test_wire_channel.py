"""The wire channel reads each partner's bits from what its copy sends, and never a wrong bit.

Every PoC here is our own benign look-alike, marked through the real engine (the current
scheme, 3) and run against a listener on 127.0.0.1; the raw bytes it sent are read back by the
hunt's capture reader, as an investigator's capture would be. The leaker's own traffic, a
replay tool rebuilt from it, and a rewrite of its code must all read the leaker's bits, with
zero wrong bits.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.domain import ArtifactKind, Observation
from forewarn.hunt.wire import read_requests
from forewarn.marks import Marker, new_params
from forewarn.marks.channels.wire import WireChannel
from forewarn.marks.channels.wire.signatures import wire_plan

sys.path.insert(0, str(Path(__file__).parent))

from wire_listener import listener

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "src/forewarn/data/scenarios/exchange-2021/poc.py"
POCS = Path(__file__).parent / "wire_pocs"
SECRET = b"wire-channel-test-secret-0123456"
CASE = "FW-2026-0042"
PARTNERS = [f"Partner {i:02d}" for i in range(12)]
CHANNEL = WireChannel()

# (script, least wire symbols it must carry)
REQUESTS_POC = ROOT / "bench/pocs/ticketdesk_requests.py"

# (script, least wire symbols its traffic must show under scheme 3): http.client with dicts,
# http.client with pairs and putheader, urllib (which re-cases header names: no case marks),
# requests with a session
CASES = [
    (SHIPPED, 55),
    (POCS / "replay_pairs.py", 14),
    (POCS / "fetch_urllib.py", 6),
    (REQUESTS_POC, 42),
]


def _marker() -> Marker:
    return Marker.for_case(SECRET, CASE, new_params(64))


def _capture(script: Path, tmp_path: Path) -> bytes:
    """The raw bytes `script` sends to a listener, concatenated as a raw HTTP dump."""
    import subprocess

    with listener() as (port, received):
        argv = [sys.executable, "-I", str(script), "--host", "127.0.0.1", "--port", str(port)]
        subprocess.run(argv, check=True, capture_output=True, timeout=60, cwd=tmp_path)
        return b"".join(received)


def _wrong(marker: Marker, partner: str, observations: tuple[Observation, ...]) -> int:
    word = marker.codeword(partner)
    return sum(1 for o in observations if word[o.position] != o.symbol)


@pytest.mark.parametrize(("script", "least"), CASES, ids=lambda c: getattr(c, "name", str(c)))
def test_wire_symbols_carried(script: Path, least: int) -> None:
    assert WireChannel(version=3).traffic_capacity(script.read_text()) >= least


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_embed_then_extract_returns_the_bits(rng) -> None:  # type: ignore[no-untyped-def]
    original = SHIPPED.read_text()
    bits = [rng.randint(0, 1) for _ in range(CHANNEL.capacity(original))]
    marked = CHANNEL.embed(original, bits)
    assert CHANNEL.extract(original, marked) == bits


@pytest.mark.parametrize(("script", "least"), CASES, ids=lambda c: getattr(c, "name", str(c)))
def test_the_leakers_own_capture_reads_its_bits_and_no_wrong_bit(
    script: Path, least: int, tmp_path: Path
) -> None:
    marker = _marker()
    original = script.read_bytes()
    leaker = PARTNERS[3]
    copy = tmp_path / "leaked.py"
    copy.write_bytes(marker.mark("poc.py", ArtifactKind.POC, original, leaker).content)
    raw = _capture(copy, tmp_path)
    reading = read_requests(raw)
    assert reading.format == "http" and reading.requests
    seen = marker.extract("poc.py", ArtifactKind.POC, original, raw, reading.requests)
    wire = tuple(o for o in seen if o.channel == "wire")
    assert len(wire) >= least
    assert all(o.channel == "wire" for o in seen)  # traffic shows no code
    assert _wrong(marker, leaker, wire) == 0
    verdict = marker.accuse(seen, PARTNERS)
    assert verdict.suspects[0].partner == leaker


def _replay_tool(raw: bytes) -> str:
    """What an attacker rebuilds from a capture: http.client with each request's header pairs."""
    lines = ["import http.client", "import sys", "", "def main():"]
    lines.append("    conn = http.client.HTTPConnection(sys.argv[2], int(sys.argv[4]))")
    for request in read_requests(raw).requests:
        target = request.path
        if request.query:
            import urllib.parse

            target += "?" + urllib.parse.urlencode(list(request.query))
        lines.append(f"    conn.putrequest({request.method!r}, {target!r}, skip_host=True,")
        lines.append("                    skip_accept_encoding=True)")
        for name, value in request.headers:
            lines.append(f"    conn.putheader({name!r}, {value!r})")
        lines.append("    conn.endheaders()")
        if request.body:
            lines.append(f"    conn.send({request.body!r})")
        lines.append("    conn.getresponse().read()")
    lines += ["", "", "main()", ""]
    return "\n".join(lines)


def test_a_replay_tool_rebuilt_from_the_capture_reads_every_bit(tmp_path: Path) -> None:
    marker = _marker()
    original = SHIPPED.read_bytes()
    leaker = PARTNERS[5]
    copy = tmp_path / "leaked.py"
    copy.write_bytes(marker.mark("poc.py", ArtifactKind.POC, original, leaker).content)
    tool = _replay_tool(_capture(copy, tmp_path)).encode()
    seen = marker.extract("poc.py", ArtifactKind.POC, original, tool)
    wire = tuple(o for o in seen if o.channel == "wire")
    assert len(wire) >= 25
    assert _wrong(marker, leaker, wire) == 0
    assert marker.accuse(seen, PARTNERS).suspects[0].partner == leaker


def test_unrelated_traffic_and_code_read_nothing() -> None:
    original = SHIPPED.read_text()
    plan = wire_plan(original)
    unrelated = (POCS / "fetch_urllib.py").read_text()
    assert set(CHANNEL.extract(original, unrelated)) == {None}
    raw = b"GET /index.html HTTP/1.1\r\nHost: example.invalid\r\nUser-Agent: curl/8.5.0\r\n\r\n"
    assert set(CHANNEL.extract_capture(original, _capture_of(raw))) == {None}
    assert len(plan.carried) == CHANNEL.capacity(original)


def _capture_of(raw: bytes):  # type: ignore[no-untyped-def]
    from forewarn.marks.channels.interface import Capture

    return Capture(raw.decode("latin-1"), tuple(read_requests(raw).requests))


@pytest.mark.parametrize("script", [SHIPPED, POCS / "replay_pairs.py", POCS / "fetch_urllib.py"])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32))
def test_the_derived_tree_writes_what_the_splice_writes(script: Path, seed: int) -> None:
    import random

    from forewarn.marks.channels.wire.tree import WireLayout

    plan = wire_plan(script.read_text())
    layout = WireLayout(plan)
    assert layout.complete
    rng = random.Random(seed)
    bits = [rng.randint(0, 1) for _ in plan.edits]
    assert layout.derived_tree(bits).module.code == plan.write(bits)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32))
def test_a_fragment_reads_the_bits_its_literals_spell_and_no_wrong_bit(seed: int) -> None:
    import random

    from forewarn.demo.disguises import partial_copy

    original = SHIPPED.read_text()
    rng = random.Random(seed)
    bits = [rng.randint(0, 1) for _ in range(CHANNEL.capacity(original))]
    fragment = partial_copy(CHANNEL.embed(original, bits), keep=1 / 3, rng=rng)
    read = CHANNEL.extract(original, fragment)
    assert all(r is None or r == b for r, b in zip(read, bits, strict=True))
