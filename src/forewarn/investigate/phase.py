"""The public phase: once the patch is out, anyone may exploit the flaw, and a leak's timing
says nothing.

The patch went public at the case's recorded release (`forewarn case publish --at`), else at the
earliest `patch-released` event on its timeline; a release after the moment the investigation
reasons from is not known yet. An activity's phase compares its onset with that moment at both
precisions, like every other comparison of times (`exposure.relation`).

The finder's own public disclosure (a `finder-disclosure` event: a blog write-up, a talk, a
repository) makes the flaw public too, before the patch: from then on a leak's timing says
nothing either, and "public since the finder's disclosure" is weighed as its own explanation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from forewarn.domain.artifacts import ArtifactKind
from forewarn.domain.cases import Case
from forewarn.domain.investigation import Phase, Relation
from forewarn.domain.releases import Release
from forewarn.domain.timeline import Event, EventKind, TimePoint, TimePrecision
from forewarn.investigate.exposure import point_relation

PUBLISHED_KINDS = frozenset({ArtifactKind.ADVISORY.value})
"""Artifact kinds the vendor publishes with the patch; PoCs and detection guidance stay private."""
GUIDANCE_KINDS = frozenset({ArtifactKind.DETECTION.value, ArtifactKind.RULES.value})
"""Artifact kinds written to travel: a partner turns detection guidance and rules into its
products' signatures and its customers see them, so a copy in public is weaker than a PoC's."""
FINDER_KINDS = frozenset({ArtifactKind.POC.value})
"""Artifacts whose unmarked original the finder holds too: its report's proof of concept."""


def public_moment(case: Case, events: Sequence[Event], as_of: datetime) -> TimePoint | None:
    """When the patch went public, as known at `as_of`; `None` while it has not."""
    if case.patch_actual is not None:
        return case.patch_actual if case.patch_actual.start <= as_of else None
    released = [e.at for e in events if e.kind is EventKind.PATCH_RELEASED and e.at.start <= as_of]
    return min(released, key=lambda p: p.start) if released else None


def disclosure_moment(events: Sequence[Event], as_of: datetime) -> Event | None:
    """The finder's first public disclosure known at `as_of`, if any."""
    found = [e for e in events if e.kind is EventKind.FINDER_DISCLOSURE and e.at.start <= as_of]
    return min(found, key=lambda e: e.at.start) if found else None


def disclosure_relation(disclosed: TimePoint, onset: TimePoint) -> Relation:
    """Where the disclosure falls against an onset. A disclosure known to the instant at the
    onset's very moment (the repository post that is itself the first material seen) counts as
    before it: the post existed when the material was seen."""
    if disclosed.precision is TimePrecision.INSTANT and disclosed.start <= onset.start:
        return Relation.BEFORE
    found = point_relation(disclosed, onset)
    if found is Relation.AFTER and disclosed.start <= onset.start:
        return Relation.DURING
    return found


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


def artifact_kinds(releases: Sequence[Release]) -> Mapping[str, str]:
    """Kind of every shared artifact, by name (`poc.py` → `poc`)."""
    return {a.name: a.kind for r in releases for a in r.artifacts}


def guidance_only(derived: frozenset[str], kinds: Mapping[str, str]) -> bool:
    """The material derives from detection guidance (or rules) and from nothing else."""
    return bool(derived) and all(kinds.get(name) in GUIDANCE_KINDS for name in derived)


__all__ = [
    "FINDER_KINDS",
    "GUIDANCE_KINDS",
    "PUBLISHED_KINDS",
    "artifact_kinds",
    "disclosure_moment",
    "disclosure_relation",
    "guidance_only",
    "phase_of",
    "public_moment",
    "published_artifacts",
]
