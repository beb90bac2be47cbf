"""Exposure sets: who held which artifact, from when.

An observation at time `t` can only be explained by a party exposed before `t`. Times keep their
precision: a discovery known only to the month covers that whole month, so the finder *may* have
held the flaw from its first day (`since`) and surely did by its last (`certain_from`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from forewarn.domain.cases import Case
from forewarn.domain.investigation import FLAW, ExposureEntry, Fetch, PartyRole
from forewarn.domain.releases import Release
from forewarn.domain.timeline import Event, EventKind, TimePoint

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


def exposed_before(
    entries: Iterable[ExposureEntry],
    onset: TimePoint,
    *,
    artifact: str | None = None,
    role: PartyRole | None = None,
) -> tuple[ExposureEntry, ...]:
    """Entries whose exposure may have started before the onset could have happened.

    `artifact=None` means any artifact or the flaw; a named artifact also admits nothing else,
    so a PoC-derived tool is explained only by parties that held the PoC.
    """
    found = []
    for entry in entries:
        if role is not None and entry.role is not role:
            continue
        if artifact is not None and entry.artifact != artifact:
            continue
        if entry.since < onset.end:
            found.append(entry)
    return tuple(found)


def surely_before(entry: ExposureEntry, onset: TimePoint) -> bool:
    """Whether the exposure had certainly started by the earliest moment of the onset."""
    return entry.certain_from <= onset.start


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


def notices_before(entries: Iterable[ExposureEntry], onset: TimePoint) -> list[datetime]:
    """Moments partners were first given material, before the onset, oldest first."""
    times = {
        e.since
        for e in entries
        if e.role is PartyRole.PARTNER and e.basis == "released" and e.since < onset.start
    }
    return sorted(times)


__all__ = [
    "UNKNOWN_FINDER",
    "VENDOR",
    "build_exposure",
    "exposed_before",
    "finder_name",
    "first_notice",
    "notices_before",
    "parties",
    "surely_before",
]
