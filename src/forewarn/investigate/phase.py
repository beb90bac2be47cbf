"""The public phase: once the patch is out, anyone may exploit the flaw, and a leak's timing
says nothing.

The patch went public at the case's recorded release (`forewarn case publish --at`), else at the
earliest `patch-released` event on its timeline; a release after the moment the investigation
reasons from is not known yet. An activity's phase compares its onset with that moment at both
precisions, like every other comparison of times (`exposure.relation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from forewarn.domain.artifacts import ArtifactKind
from forewarn.domain.cases import Case
from forewarn.domain.investigation import Phase, Relation
from forewarn.domain.releases import Release
from forewarn.domain.timeline import Event, EventKind, TimePoint
from forewarn.investigate.exposure import point_relation

PUBLISHED_KINDS = frozenset({ArtifactKind.ADVISORY.value})
"""Artifact kinds the vendor publishes with the patch; PoCs and detection guidance stay private."""


def public_moment(case: Case, events: Sequence[Event], as_of: datetime) -> TimePoint | None:
    """When the patch went public, as known at `as_of`; `None` while it has not."""
    if case.patch_actual is not None:
        return case.patch_actual if case.patch_actual.start <= as_of else None
    released = [e.at for e in events if e.kind is EventKind.PATCH_RELEASED and e.at.start <= as_of]
    return min(released, key=lambda p: p.start) if released else None


def phase_of(onset: TimePoint, public: TimePoint | None) -> Phase:
    """Embargo, patch day (the precisions overlap) or public."""
    if public is None:
        return Phase.EMBARGO
    match point_relation(public, onset):
        case Relation.AFTER:
            return Phase.EMBARGO
        case Relation.BEFORE:
            return Phase.PUBLIC
        case _:
            return Phase.PATCH_DAY


def published_artifacts(releases: Sequence[Release]) -> frozenset[str]:
    """Names of the shared artifacts that the patch makes public (the advisory)."""
    return frozenset(a.name for r in releases for a in r.artifacts if a.kind in PUBLISHED_KINDS)


__all__ = ["PUBLISHED_KINDS", "phase_of", "public_moment", "published_artifacts"]
