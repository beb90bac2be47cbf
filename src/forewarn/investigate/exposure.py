"""Exposure sets: who held which artifact, from when.

An observation at time `t` can only be explained by a party exposed before `t`. Times keep their
precision: a discovery known only to the month covers that whole month, so the finder *may* have
held the flaw from its first day (`since`) and surely did by its last (`certain_from`).

Every comparison of an exposure or a notice with an onset goes through `relation`, so that the
same wave never counts as exposure but not as a notice: a day-precision onset on the day a wave
went out is `during` it (neither certainly before nor after), and both are weighed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from forewarn.domain.cases import Case
from forewarn.domain.exposure import ExposureEntry, Fetch, PartyRole
from forewarn.domain.investigation import FLAW, Relation
from forewarn.domain.releases import Release
from forewarn.domain.timeline import Event, EventKind, TimePoint, TimePrecision

logger = logging.getLogger(__name__)

VENDOR = "the vendor"
"""How the vendor appears among the parties."""

UNKNOWN_FINDER = "the finder"
"""How the finder appears when the case does not name one."""


def finder_name(case: Case) -> str:
    """The finder as a party name."""
    return case.finder or UNKNOWN_FINDER


def build_exposure(
    case: Case,
    events: Sequence[Event],
    releases: Sequence[Release],
    fetches: Sequence[Fetch],
    reported_at: TimePoint,
) -> tuple[ExposureEntry, ...]:
    """Every exposure of the case, earliest first.

    The finder holds the flaw from the `discovered` event (or, without one, from the report); the
    vendor from the report. A partner holds each artifact of its release from its wave time (or its
    delivery, when later: `Release.exposed_from`), and a
    fetch records that it surely took it then (an earlier fetch than the release is impossible and
    kept as recorded: the audit log is the authority).
    """
    entries: list[ExposureEntry] = []
    discovered = [e.at for e in events if e.kind is EventKind.DISCOVERED]
    finder_at = min(discovered, key=lambda p: p.start) if discovered else reported_at
    basis = "discovered" if discovered else "reported"
    entries.append(
        ExposureEntry(
            party=finder_name(case),
            role=PartyRole.FINDER,
            artifact=FLAW,
            since=finder_at.start,
            certain_from=finder_at.end,
            basis=basis,
        )
    )
    entries.append(
        ExposureEntry(
            party=VENDOR,
            role=PartyRole.VENDOR,
            artifact=FLAW,
            since=reported_at.start,
            certain_from=reported_at.end,
            basis="reported",
        )
    )
    by_release = {r.id: r for r in releases}
    held = [(r.partner, r.exposed_from, "released", r) for r in releases]
    for fetch in fetches:
        fetched = by_release.get(fetch.release_id)
        if fetched is None:
            logger.warning("fetch of unknown release %s ignored", fetch.release_id)
            continue
        held.append((fetch.partner, fetch.at, "fetched", fetched))
    entries.extend(
        ExposureEntry(
            party=partner,
            role=PartyRole.PARTNER,
            artifact=artifact.name,
            since=at,
            certain_from=at,
            basis=how,
        )
        for partner, at, how, release in held
        for artifact in release.artifacts
    )
    return tuple(sorted(entries, key=lambda e: (e.since, e.role, e.party, e.artifact, e.basis)))


def relation(start: datetime, end: datetime, onset: TimePoint) -> Relation:
    """Where a time known to lie in `[start, end]` falls against `onset`, at both precisions.

    Before: it certainly came first (it ended by the onset's earliest moment, and began before
    it). After: it began no earlier than the onset's latest moment. Anything else is `during`:
    an instant notice at 00:00 on the day of a day-precision onset may follow the onset.
    """
    if start >= onset.end:
        return Relation.AFTER
    if start < onset.start and end <= onset.start:
        return Relation.BEFORE
    return Relation.DURING


def point_relation(point: TimePoint, onset: TimePoint) -> Relation:
    """`relation` of a time point (a notice event, the patch) against an onset."""
    return relation(point.start, point.end, onset)


def instant(moment: datetime) -> TimePoint:
    """An exact moment as a time point."""
    return TimePoint(moment, TimePrecision.INSTANT)


def exposed_before(
    entries: Iterable[ExposureEntry],
    onset: TimePoint,
    *,
    artifacts: frozenset[str] | None = None,
    role: PartyRole | None = None,
) -> tuple[ExposureEntry, ...]:
    """Entries whose exposure may have started before the onset could have happened.

    `artifacts=None` means any artifact or the flaw; named artifacts admit nothing else, so a
    PoC-derived tool is explained only by parties that held the PoC.
    """
    found = []
    for entry in entries:
        if role is not None and entry.role is not role:
            continue
        if artifacts is not None and entry.artifact not in artifacts:
            continue
        if relation(entry.since, entry.certain_from, onset) is not Relation.AFTER:
            found.append(entry)
    return tuple(found)


def parties(entries: Iterable[ExposureEntry]) -> tuple[str, ...]:
    """Distinct party names, in first-seen order."""
    seen: dict[str, None] = {}
    for entry in entries:
        seen.setdefault(entry.party, None)
    return tuple(seen)


def first_notice(entries: Iterable[ExposureEntry]) -> datetime | None:
    """When the first partner could first hold anything."""
    times = [e.since for e in entries if e.role is PartyRole.PARTNER]
    return min(times) if times else None


def notices_before(
    entries: Iterable[ExposureEntry],
    onset: TimePoint,
    artifacts: frozenset[str] = frozenset(),
) -> list[datetime]:
    """Moments partners were first given material that may precede the onset, oldest first.

    The same test as `exposed_before`: a wave that counts as exposure counts as a notice. With
    `artifacts` (what the activity's material derives from), only notices that gave one of them
    count, when there are any: an advisory-only wave on the day of a PoC-derived onset is not
    the notice its timing is measured from.
    """
    before = [
        e
        for e in entries
        if e.role is PartyRole.PARTNER
        and e.basis == "released"
        and relation(e.since, e.certain_from, onset) is not Relation.AFTER
    ]
    holding = [e for e in before if e.artifact in artifacts]
    return sorted({e.since for e in holding or before})


__all__ = [
    "UNKNOWN_FINDER",
    "VENDOR",
    "build_exposure",
    "exposed_before",
    "finder_name",
    "first_notice",
    "instant",
    "notices_before",
    "parties",
    "point_relation",
    "relation",
]
