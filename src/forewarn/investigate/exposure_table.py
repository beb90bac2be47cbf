"""Exposure as a reader needs it: one row per group of partners given the same thing at once.

The groups are the investigation's own (`investigate.groups`, the ones its hypotheses weigh);
this module only lays them out. Sixteen partners of one wave are one fact ("16 partners held
the advisory and the PoC from Feb 23 09:00; 16 fetched, 12 acknowledged"), not sixteen
identical rows. Times are the real instants: when the release was delivered (its audit leaf)
and when each partner fetched and acknowledged, never the wave's nominal start. The finder and
the vendor keep their own rows, and each accused partner gets one with its exact times; every
partner's own times stay available.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from forewarn.domain.exposure import ExposureEntry, ExposureGroup, PartyRole
from forewarn.domain.investigation import FLAW, InvestigationResult
from forewarn.domain.releases import Release

MINUTE = "%Y-%m-%d %H:%M"
"""How instants are shown in the exposure tables (UTC)."""


def _span(times: Sequence[datetime]) -> str:
    if not times:
        return "—"
    first, last = min(times), max(times)
    if last - first < timedelta(minutes=1):
        return f"{first:{MINUTE}}"
    same_day = first.date() == last.date()
    return f"{first:{MINUTE}} → {last:{'%H:%M' if same_day else MINUTE}}"


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Partners given the same artifacts at the same moment."""

    label: str
    """The group's label: `Early-access wave of 2021-02-23 09:00 UTC`, `… without poc.py`."""
    partners: tuple[str, ...]
    """Who, by name."""
    artifacts: str
    """What they held, comma separated."""
    released: str
    """When the release was delivered (UTC), or the span of deliveries."""
    fetched: str
    """`16 of 16, 2021-02-23 10:00 → 12:30`."""
    acknowledged: str
    """`12 of 16`."""
    accused: tuple[str, ...]
    """Accused partners in the group."""


@dataclass(frozen=True, slots=True)
class PartyRow:
    """One party with its own times: the finder, the vendor, an accused partner, any partner."""

    party: str
    """Who."""
    role: str
    """Partner, finder or vendor."""
    held: str
    """What it held."""
    since: str
    """When it could first hold it, and how we know."""
    fetched: str
    """First fetch (UTC), or `—`."""
    acknowledged: str
    """First acknowledgement (UTC), or `—`."""


def _members(result: InvestigationResult, group: ExposureGroup) -> list[Release]:
    """The releases a group (`investigate.groups`) was made of."""
    return [
        r
        for r in result.releases
        if r.partner in group.partners
        and r.available_at == group.wave_at
        and tuple(sorted(a.name for a in r.artifacts)) == group.artifacts
    ]


def groups(result: InvestigationResult, accused: Iterable[str] = ()) -> list[GroupRow]:
    """The investigation's exposure groups (`InvestigationResult.groups`), in release order."""
    blame = set(accused)
    rows = []
    for group in result.groups:
        members = _members(result, group)
        ids = {r.id for r in members}
        acks = {a.partner for a in result.acknowledgements if a.release_id in ids}
        fetched_by = {f.partner for f in group.fetches}
        rows.append(
            GroupRow(
                label=group.label[:1].upper() + group.label[1:],
                partners=group.partners,
                artifacts=", ".join(group.artifacts),
                released=_span([r.exposed_from for r in members] or [group.released_at]),
                fetched=f"{len(fetched_by)} of {len(group.partners)}"
                + (f", {_span([f.at for f in group.fetches])}" if group.fetches else ""),
                acknowledged=f"{len(acks)} of {len(group.partners)}",
                accused=tuple(p for p in group.partners if p in blame),
            )
        )
    return rows


def _since(entry: ExposureEntry) -> str:
    if entry.certain_from - entry.since >= timedelta(days=28):
        return f"{entry.since:%Y-%m} ({entry.basis})"
    if entry.role is PartyRole.PARTNER:
        return f"{entry.since:{MINUTE}} ({entry.basis})"
    return f"{entry.since:%Y-%m-%d} ({entry.basis})"


def party_rows(result: InvestigationResult, only: Iterable[str] | None = None) -> list[PartyRow]:
    """One row per party (or only those named), earliest first, with real instants."""
    wanted = None if only is None else set(only)
    by_party: dict[str, list[ExposureEntry]] = {}
    for entry in result.exposure:
        if wanted is None or entry.party in wanted:
            by_party.setdefault(entry.party, []).append(entry)
    rows = []
    for party, held in by_party.items():
        first = min(held, key=lambda e: e.since)
        fetched = [f.at for f in result.fetches if f.partner == party]
        acked = [a.at for a in result.acknowledgements if a.partner == party]
        names = sorted({e.artifact for e in held})
        rows.append(
            PartyRow(
                party=party,
                role=first.role.value,
                held="the flaw itself" if names == [FLAW] else ", ".join(names),
                since=_since(first),
                fetched=f"{min(fetched):{MINUTE}}" if fetched else "—",
                acknowledged=f"{min(acked):{MINUTE}}" if acked else "—",
            )
        )
    return rows


def outside_partners(result: InvestigationResult) -> list[PartyRow]:
    """The finder and the vendor."""
    others = {e.party for e in result.exposure if e.role is not PartyRole.PARTNER}
    return party_rows(result, others)


__all__ = ["MINUTE", "GroupRow", "PartyRow", "groups", "outside_partners", "party_rows"]
