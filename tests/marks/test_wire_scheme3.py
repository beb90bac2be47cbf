"""Scheme 3's wire marks: each new kind is planted, evaluated, read back, and read from traffic.

Every kind of edit scheme 3 adds (every digit of an arbitrary number, free date digits, header
value variants, padding letters, JSON separators, statement orders, behaviour constants) is
found in our own benign look-alike `wire_pocs/scheme3_kinds.py`, embedded, read back from the
copy's code, and read from the raw bytes the copy sends to a listener on 127.0.0.1 (where the
behaviour constants, which never go on the wire, read as erased). Scheme 2 reads as before.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.hunt.wire import read_requests
from forewarn.marks.channels.interface import Capture
from forewarn.marks.channels.wire import WireChannel
from forewarn.marks.channels.wire.candidates import Literal
from forewarn.marks.channels.wire.signatures import WirePlan, wire_plan

sys.path.insert(0, str(Path(__file__).parent))

from wire_listener import listener

ROOT = Path(__file__).parents[2]
KINDS = Path(__file__).parent / "wire_pocs" / "scheme3_kinds.py"
SHIPPED = ROOT / "src/forewarn/data/scenarios/exchange-2021/poc.py"
TICKETDESK = ROOT / "bench/pocs/ticketdesk_requests.py"
CHANNEL = WireChannel(version=3)


def _kind(plan: WirePlan, k: int) -> str:
    edit = plan.edits[k]
    return edit.kind if isinstance(edit, Literal) else f"order:{edit[0].kind}"


def _run(source: str, tmp_path: Path) -> bytes:
    copy = tmp_path / "copy.py"
    copy.write_text(source)
    with listener() as (port, received):
        argv = [sys.executable, "-I", str(copy), "--host", "127.0.0.1", "--port", str(port)]
        subprocess.run(argv, check=True, capture_output=True, timeout=60, cwd=tmp_path)
        return b"".join(received)


def _behaviour(plan: WirePlan) -> list[bool]:
    return [all(key[1] == "behaviour" for key, _, _ in sig) for sig in plan.signatures]


EXPECTED = {
    "digit": 5,
    "date": 3,
    "letter": 1,
    "padding": 1,
    "value": 5,
    "separator": 2,
    "order:statements": 3,
    "role:timeout": 1,
    "role:retries": 1,
    "role:pause": 1,
    "role:request-loop": 1,
    "role:read-size": 1,
    "role:json-indent": 1,
}


def test_every_scheme_3_kind_is_carried() -> None:
    plan = wire_plan(KINDS.read_text(), 3)
    carried = [_kind(plan, k) for k in plan.carried]
    for kind, count in EXPECTED.items():
        assert carried.count(kind) == count, kind


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_kind_embeds_and_reads_back_from_code_and_from_traffic(
    kind: str, tmp_path: Path
) -> None:
    original = KINDS.read_text()
    plan = wire_plan(original, 3)
    base = [0] * len(plan.carried)
    ones = [1 if _kind(plan, k) == kind else 0 for k in plan.carried]
    for bits in (base, ones):
        marked = CHANNEL.embed(original, bits)
        assert CHANNEL.extract(original, marked) == bits
    marked = CHANNEL.embed(original, ones)
    raw = _run(marked, tmp_path)
    reading = read_requests(raw)
    seen = CHANNEL.extract_capture(original, Capture(raw.decode("latin-1"), reading.requests))
    for bit, read, hidden in zip(ones, seen, _behaviour(plan), strict=True):
        assert read is None if hidden else read == bit


def test_the_behaviour_constants_are_read_whatever_their_spelling() -> None:
    """Renamed, inlined, moved into a class, retried with a `while` loop: the same values."""
    original = KINDS.read_text()
    plan = wire_plan(original, 3)
    bits = [1] * len(plan.carried)
    marked = CHANNEL.embed(original, bits)
    tree = ast.parse(marked)
    values = {
        t.id: s.value.value
        for s in tree.body
        if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)
        for t in s.targets
        if isinstance(t, ast.Name)
    }
    rewritten = marked
    for name in ("TIMEOUT", "ATTEMPTS", "PAUSE", "POLLS", "CHUNK"):
        rewritten = rewritten.replace(f"{name} = {values[name]!r}\n", "")
        rewritten = rewritten.replace(name, f"Settings.{name.lower()}")
    settings_class = "class Settings:\n" + "".join(
        f"    {name.lower()} = {values[name]!r}\n"
        for name in ("TIMEOUT", "ATTEMPTS", "PAUSE", "POLLS", "CHUNK")
    )
    rewritten = rewritten.replace("\n\nclass Paths:", "\n\n" + settings_class + "\n\nclass Paths:")
    rewritten = rewritten.replace(
        "    for attempt in range(Settings.attempts):\n",
        "    attempt = 0\n    while attempt < Settings.attempts:\n        attempt += 1\n",
    )
    assert "while attempt < Settings.attempts" in rewritten
    read = CHANNEL.extract(original, rewritten)
    behaviour = [b for b, hidden in zip(read, _behaviour(plan), strict=True) if hidden]
    assert behaviour[:5] == [1, 1, 1, 1, 1]


def test_behaviour_is_read_only_from_code_that_sends_the_poc_s_requests() -> None:
    unrelated = (
        "import http.client, time\n"
        "TIMEOUT = 8\nCHUNK = 512\n"
        "conn = http.client.HTTPConnection('127.0.0.1', 80, timeout=TIMEOUT)\n"
        "for attempt in range(5):\n"
        "    try:\n"
        "        conn.request('GET', '/elsewhere')\n"
        "        conn.getresponse().read(CHUNK)\n"
        "    except OSError:\n"
        "        time.sleep(0.2)\n"
    )
    assert set(CHANNEL.extract(KINDS.read_text(), unrelated)) == {None}


def _leaker_reads(script: Path, bits: list[int], tmp_path: Path) -> None:
    original = script.read_text()
    plan = wire_plan(original, 3)
    marked = CHANNEL.embed(original, bits)
    raw = _run(marked, tmp_path)
    reading = read_requests(raw)
    seen = CHANNEL.extract_capture(original, Capture(raw.decode("latin-1"), reading.requests))
    wrong = [k for k, (r, b) in enumerate(zip(seen, bits, strict=True)) if r is not None and r != b]
    assert wrong == []
    shown = [r for r, hidden in zip(seen, _behaviour(plan), strict=True) if not hidden]
    assert None not in shown


@pytest.mark.slow
@pytest.mark.parametrize("script", [KINDS, SHIPPED, TICKETDESK], ids=lambda p: p.name)
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_the_leakers_own_capture_reads_zero_wrong_bits(
    script: Path, data: st.DataObject, tmp_path: Path
) -> None:
    """Any bits: the copy's own traffic reads every wire bit it shows, and never a wrong one."""
    count = CHANNEL.capacity(script.read_text())
    bits = data.draw(st.lists(st.integers(0, 1), min_size=count, max_size=count))
    _leaker_reads(script, bits, tmp_path)


@pytest.mark.parametrize("script", [KINDS, SHIPPED, TICKETDESK], ids=lambda p: p.name)
def test_the_leakers_own_capture_reads_zero_wrong_bits_all_ones(
    script: Path, tmp_path: Path
) -> None:
    _leaker_reads(script, [1] * CHANNEL.capacity(script.read_text()), tmp_path)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_any_bits_of_the_shipped_poc_read_back_from_its_code(rng) -> None:  # type: ignore[no-untyped-def]
    original = SHIPPED.read_text()
    bits = [rng.randint(0, 1) for _ in range(CHANNEL.capacity(original))]
    assert CHANNEL.extract(original, CHANNEL.embed(original, bits)) == bits


def test_scheme_3_carries_the_aim_of_issue_11_on_the_shipped_poc() -> None:
    plan = wire_plan(SHIPPED.read_text(), 3)
    traffic = [not hidden for hidden in _behaviour(plan)]
    assert len(plan.carried) >= 60
    assert sum(traffic) >= 40


def test_scheme_2_plans_as_it_always_did() -> None:
    assert WireChannel().capacity(SHIPPED.read_text()) == 33
    assert WireChannel(version=2).capacity(TICKETDESK.read_text()) == 31


def test_an_unknown_version_is_refused() -> None:
    from forewarn.errors import MarkError

    with pytest.raises(MarkError):
        WireChannel(version=4)


def test_the_marker_says_how_many_symbols_traffic_shows() -> None:
    from forewarn.domain import ArtifactKind
    from forewarn.marks import Marker, new_params

    marker = Marker.for_case(b"wire-channel-test-secret-0123456", "FW-2026-0042", new_params(64))
    original = SHIPPED.read_bytes()
    carried = marker.capacity("poc.py", ArtifactKind.POC, original)
    shown = marker.traffic_capacity("poc.py", ArtifactKind.POC, original)
    # The current scheme (6) moves the user agent's Chrome build between real builds instead
    # of moving its last digit (scheme 3's 63 and 59, scheme 5's 62 and 58), its Windows build
    # between 64 and 32 bits, and the cookie's `quote` keeps or encodes `=` (scheme 6's two).
    assert carried["wire"] == 64 and shown["wire"] == 60
    assert shown["python_source"] == carried["python_source"]


@pytest.mark.parametrize("script", [KINDS, SHIPPED, TICKETDESK], ids=lambda p: p.name)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32))
def test_the_derived_tree_writes_what_the_splice_writes(script: Path, seed: int) -> None:
    """Statement orders, floats and inserted user-agent tokens included."""
    import random

    from forewarn.marks.channels.wire.tree import WireLayout

    plan = wire_plan(script.read_text(), 3)
    layout = WireLayout(plan)
    assert layout.complete
    rng = random.Random(seed)
    bits = [rng.randint(0, 1) for _ in plan.edits]
    assert layout.derived_tree(bits).module.code == plan.write(bits)
