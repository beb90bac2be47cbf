"""The wire channel's cheap paths: kept statement trees and the read-back of wanted facts only.

A partner's copy must never depend on what a process marked before it (kept trees are shared
between copies), and the engine's read-back of the finished copy must still refuse a copy whose
wire marks do not read back, now that it reads only the facts the plan's signatures look at.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from forewarn.domain import ArtifactKind
from forewarn.errors import MarkError
from forewarn.marks import Marker
from forewarn.marks.channels.wire import WireChannel
from forewarn.marks.channels.wire import channel as wire_channel
from forewarn.marks.channels.wire import tree as wire_tree
from forewarn.marks.channels.wire.facts import facts
from forewarn.marks.channels.wire.roles import BEHAVIOUR
from forewarn.marks.channels.wire.signatures import WirePlan, observe, read_observed, wire_plan
from forewarn.marks.schemes import new_params
from forewarn.marks.wire import evaluate

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "src/forewarn/data/scenarios/exchange-2021/poc.py"
POCS = sorted((Path(__file__).parent / "wire_pocs").glob("*.py"))
SECRET = bytes(range(32))
CASE = "case-readback"

COLD = """\
import hashlib, sys
from pathlib import Path
from forewarn.domain import ArtifactKind
from forewarn.marks import Marker
from forewarn.marks.schemes import new_params
marker = Marker.for_case(bytes(range(32)), sys.argv[1], new_params(1024))
copy = marker.mark("poc.py", ArtifactKind.POC, Path(sys.argv[2]).read_bytes(), sys.argv[3])
print(hashlib.sha256(copy.content).hexdigest())
"""


def _marker() -> Marker:
    return Marker.for_case(SECRET, CASE, new_params(1024))


def _copy(marker: Marker, partner: str) -> bytes:
    return marker.mark("poc.py", ArtifactKind.POC, SHIPPED.read_bytes(), partner).content


def test_a_copy_is_the_same_whatever_was_marked_before_it_and_in_a_cold_process() -> None:
    marker = _marker()
    first = _copy(marker, "Acme AV")
    for partner in ("Birch Labs", "Cedar CERT", "Dune Security"):
        _copy(marker, partner)
    again = _copy(marker, "Acme AV")
    wire_channel._layout.cache_clear()  # a fresh layout: nothing kept
    fresh = _copy(marker, "Acme AV")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    argv = [sys.executable, "-c", COLD, CASE, str(SHIPPED), "Acme AV"]
    cold = subprocess.run(argv, check=True, capture_output=True, text=True, env=env, timeout=60)
    assert first == again == fresh
    assert cold.stdout.strip() == hashlib.sha256(first).hexdigest()


@pytest.mark.parametrize("kept", [1, wire_tree.KEPT])
def test_kept_statements_make_the_tree_a_whole_module_visit_makes(
    monkeypatch: pytest.MonkeyPatch, kept: int
) -> None:
    """Kept statements are reused (many bits agree inside a statement) or evicted at once."""
    monkeypatch.setattr(wire_tree, "KEPT", kept)
    rng = random.Random(7)
    checked = 0
    for path in [SHIPPED, *POCS]:
        plan = wire_plan(path.read_text(), 6)
        layout = wire_tree.WireLayout(plan)
        if not plan.edits or not layout.complete:
            continue
        for _ in range(16):
            bits = [rng.randint(0, 1) for _ in plan.edits]
            whole = wire_tree._TreeEdits(layout, bits)
            module = layout.module.visit(whole)
            derived = layout.derived_tree(bits)
            assert derived.module.code == module.code == plan.write(bits)
            assert derived.moved.keys() == whole.moved.keys()
            for key, node in whole.moved.items():
                assert module.code_for_node(derived.moved[key]) == module.code_for_node(node)
            checked += 1
    assert checked >= 32


def _observed(observed: list[object]) -> Counter[tuple[object, str]]:
    return Counter((o.key, o.value) for o in observed)  # type: ignore[attr-defined]


@pytest.mark.parametrize("version", [2, 3, 6])
def test_the_wanted_facts_are_what_a_full_read_shows_of_them(version: int) -> None:
    rng = random.Random(version)
    read = 0
    for path in [SHIPPED, *POCS]:
        plan = wire_plan(path.read_text(), version)
        keys = {key for signature in plan.signatures for key, _, _ in signature}
        for _ in range(4):
            text = plan.write([rng.randint(0, 1) for _ in plan.edits])
            evaluation = evaluate(text)
            for wrap in (None, plan.wrap):
                full = facts(evaluation.requests, wrap=wrap, version=version)
                part = facts(evaluation.requests, wrap=wrap, version=version, wanted=plan.wanted)
                shown, said = _observed(full), _observed(part)
                assert not said - shown  # nothing made up
                assert {f: n for f, n in shown.items() if f[0] in keys} == {
                    f: n for f, n in said.items() if f[0] in keys
                }
            everything = observe(evaluation.requests, evaluation, text, version, plan.wrap)
            wanted = observe(evaluation.requests, evaluation, text, version, plan.wrap, plan.wanted)
            assert read_observed(plan, wanted) == read_observed(plan, everything)
            read += 1
    assert read >= 12


def _flip_one(plan: WirePlan, behaviour: bool) -> int:
    """The index (in channel order) of a carried edit read only from behaviour, or only from
    what the code sends."""
    for index, signature in enumerate(plan.signatures):
        if all((key[1] == BEHAVIOUR) is behaviour for key, _, _ in signature):
            return index
    raise AssertionError("the shipped PoC carries both kinds")


@pytest.mark.parametrize("behaviour", [False, True], ids=["sent", "behaviour"])
def test_a_copy_whose_wire_marks_do_not_read_back_is_refused(
    monkeypatch: pytest.MonkeyPatch, behaviour: bool
) -> None:
    marker = _marker()
    for partner in ("Birch Labs", "Cedar CERT"):  # warm every cache first
        _copy(marker, partner)
    embed = WireChannel.embed

    def tampered(self: WireChannel, original: str, bits: list[int], *, check: bool = True) -> str:
        plan = self._plan(original)
        wrong = list(bits)
        wrong[_flip_one(plan, behaviour)] ^= 1
        return embed(self, original, wrong, check=check)

    monkeypatch.setattr(WireChannel, "embed", tampered)
    with pytest.raises(MarkError, match="wire marks of poc.py do not read back"):
        _copy(marker, "Acme AV")
