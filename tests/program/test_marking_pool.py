"""A wave's marking pool: the wire plan made once in the parent, adopted by the workers."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest

from forewarn.domain import Artifact, ArtifactKind, ReleaseState
from forewarn.errors import MarkError
from forewarn.marks.channels.wire.channel import WireChannel
from forewarn.marks.channels.wire.signatures import wire_plan
from forewarn.marks.engine import Marker
from forewarn.marks.schemes import CURRENT_SCHEME, new_params
from forewarn.program import marking_pool
from forewarn.store.release_repo import StoredRelease
from release_world import ADVISORY, CASE, JOINED

POCS = Path(__file__).parents[1] / "marks/wire_pocs"
SECRET = b"k" * 32


def _release(partner: str, names: tuple[str, ...]) -> StoredRelease:
    return StoredRelease(
        id=f"R-{partner}",
        case_id=CASE,
        partner=partner,
        tier="early-access",
        available_at=JOINED,
        embargo_end=JOINED,
        state=ReleaseState.PENDING,
        planned_artifacts=names,
    )


def test_an_adopted_wire_plan_is_the_one_used_and_marks_the_same_copies() -> None:
    original = (POCS / "prepared_requests.py").read_bytes()
    params = new_params(64)
    planner = Marker.for_case(SECRET, CASE, params)
    plans = planner.plans("poc.py", ArtifactKind.POC, original)
    assert set(plans) == {"wire"}
    shipped = pickle.loads(pickle.dumps(plans))  # as a pool's initializer receives them
    assert shipped["wire"] is not plans["wire"] and shipped["wire"] == plans["wire"]

    worker = Marker.for_case(SECRET, CASE, params)
    worker.adopt_plans("poc.py", ArtifactKind.POC, original, shipped)
    assert wire_plan(original.decode(), CURRENT_SCHEME) is shipped["wire"]
    for partner in ("Acme AV", "Globex CERT"):
        copy = worker.mark("poc.py", ArtifactKind.POC, original, partner)
        assert copy == planner.mark("poc.py", ArtifactKind.POC, original, partner)
        assert worker.extract("poc.py", ArtifactKind.POC, original, copy.content)


def test_a_wire_plan_of_another_original_or_scheme_is_refused() -> None:
    text = (POCS / "raw_socket.py").read_text()
    other = (POCS / "upload_multipart.py").read_text()
    with pytest.raises(MarkError, match="not this channel's plan"):
        WireChannel(6).adopt(text, wire_plan(other, 6))
    with pytest.raises(MarkError, match="not this channel's plan"):
        WireChannel(5).adopt(text, wire_plan(text, 6))
    with pytest.raises(MarkError, match="not this channel's plan"):
        WireChannel(6).adopt(text, {"edits": ()})


def test_a_pooled_wave_gives_every_partner_the_copies_one_process_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    poc = (POCS / "pool_urllib3.py").read_bytes()
    contents = {"advisory.md": ADVISORY, "poc.py": poc}
    kinds = {"advisory.md": ArtifactKind.ADVISORY, "poc.py": ArtifactKind.POC}
    originals = {
        name: Artifact(
            CASE, name, kinds[name], "early-access", hashlib.sha256(data).hexdigest(), len(data)
        )
        for name, data in contents.items()
    }
    due = [
        _release("Acme AV", ("advisory.md", "poc.py")),
        _release("Globex CERT", ("poc.py",)),
        _release("Initech SOC", ("advisory.md", "poc.py")),
    ]
    params = new_params(64)
    alone = list(marking_pool.marked_copies(SECRET, CASE, params, originals, contents, due, 1))
    monkeypatch.setattr(marking_pool, "POOL_THRESHOLD", 0)
    pooled = list(marking_pool.marked_copies(SECRET, CASE, params, originals, contents, due, 2))
    assert pooled == alone
    assert [sorted(c) for c in pooled] == [["advisory.md", "poc.py"], ["poc.py"], sorted(contents)]
