"""The case, key and artifacts the in-memory wave-planning tests share (no database, no CLI).

Used by tests/program/test_policy.py and tests/cli/test_wave_plan_after_reschedule.py (tests/ is on
`sys.path` through its conftest).
"""

from __future__ import annotations

from datetime import date

import pyrage

from forewarn.domain import Artifact, ArtifactKind, Case

KEY = str(pyrage.x25519.Identity.generate().to_public())
CASE = Case(
    id="FW-2021-0001",
    title="Mail server pre-auth request chain",
    product="Mail Server 2019",
    reported=date(2021, 1, 5),
    patch_planned=date(2021, 3, 9),
)
ALL_KINDS = frozenset(ArtifactKind)


def artifact(path: str, kind: ArtifactKind, min_tier: str, digit: str) -> Artifact:
    """A 10-byte artifact of `CASE` whose digest is `digit` repeated."""
    return Artifact(CASE.id, path, kind, min_tier, digit * 64, 10)
