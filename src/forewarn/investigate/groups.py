"""Exposure groups: the partners given the same artifacts at the same moment, weighed apart.

A program notifies in waves (a vetted tier days ahead, everyone a day ahead) and its policy cuts
waves into subsets (a PoC withheld from some countries). Each such group held its material for
its own span before an onset, so "a leak from the early-access wave" and "a leak from the last
wave" are different explanations with different timing. `group_timings` says, per group, how
long it had held what the material derives from and how much likelier the onset's window is
under a leak from it than unrelated (`timing.likelihood_ratio`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from forewarn.domain.exposure import ExposureGroup, Fetch
from forewarn.domain.investigation import GroupTiming, Relation
from forewarn.domain.releases import Release
from forewarn.domain.timeline import TimePoint
from forewarn.investigate.exposure import relation
from forewarn.investigate.timing import (
    LEAK_DELAY_DAYS,
    GammaPrior,
    background,
    likelihood_ratio,
    ratio_words,
)


def timing_words(timing: GroupTiming) -> str:
    """What the group's timing likelihood ratio says, in words."""
    ratio = timing.likelihood_ratio
    if ratio is None:
        return ""
    return (
        f"an onset in this window is {ratio_words(ratio)} if they leaked than if it were unrelated"
    )


HOUR = timedelta(hours=1)
SAME_DELIVERY = timedelta(hours=6)
"""Deliveries of one wave further apart than this are separate groups: a partner who joined
the tier late (or a release retried days later) got the wave's artifacts only then, so it
must not share the first delivery's exposure. One run of `wave release` delivers in minutes."""


def _deliveries(releases: Sequence[Release]) -> list[list[Release]]:
    """The releases of one wave cut into runs of delivery, earliest first."""
    runs: list[list[Release]] = []
    for release in sorted(releases, key=lambda r: (r.exposed_from, r.partner)):
        if runs and release.exposed_from - runs[-1][-1].exposed_from <= SAME_DELIVERY:
            runs[-1].append(release)
        else:
            runs.append([release])
    return runs


def build_groups(
    releases: Sequence[Release], fetches: Sequence[Fetch]
) -> tuple[ExposureGroup, ...]:
    """One group per (wave instant, tier, artifact set, delivery run), earliest first, with
    its fetches; a run delivered later than the wave's first is labelled with its delivery."""
    members: dict[tuple[datetime, str, tuple[str, ...]], list[Release]] = {}
    for release in releases:
        names = tuple(sorted(a.name for a in release.artifacts))
        members.setdefault((release.available_at, release.tier, names), []).append(release)
    keys = sorted(members, key=lambda k: (k[0], k[1], -len(k[2]), k[2]))
    groups = []
    for key in keys:
        at, tier, names = key
        siblings = [k for k in keys if k[:2] == key[:2]]
        everything = sorted({n for k in siblings for n in k[2]})
        missing = [n for n in everything if n not in names]
        label = f"{tier + ' ' if tier else ''}wave of {at:%Y-%m-%d %H:%M} UTC"
        if missing:
            label += f" without {', '.join(missing)}"
        for index, run in enumerate(_deliveries(members[key])):
            ids = {r.id for r in run}
            released_at = min(r.exposed_from for r in run)
            groups.append(
                ExposureGroup(
                    label=label
                    if not index
                    else f"{label}, delivered {released_at:%Y-%m-%d %H:%M} UTC",
                    tier=tier,
                    released_at=released_at,
                    partners=tuple(sorted(r.partner for r in run)),
                    artifacts=names,
                    fetches=tuple(sorted((f for f in fetches if f.release_id in ids), key=_when)),
                    wave_at=at,
                )
            )
    return tuple(sorted(groups, key=lambda g: g.released_at))


def partners(n: int) -> str:
    """`1 partner`, `12 partners`."""
    return "1 partner" if n == 1 else f"{n} partners"


def _when(fetch: Fetch) -> datetime:
    return fetch.at


def holds(group: ExposureGroup, derived: frozenset[str]) -> bool:
    """Whether the group was given something the material derives from (anything, if nothing)."""
    return not derived or bool(derived & set(group.artifacts))


def held_for(span: timedelta) -> str:
    """`13 days`, `3.6 days`, `60 hours`, `40 minutes`: how long something was held."""
    if span >= timedelta(days=2):
        days = span / timedelta(days=1)
        return f"{days:.0f} days" if abs(days - round(days)) < 0.05 else f"{days:.1f} days"
    if span >= 2 * HOUR:
        return f"{int(span / HOUR)} hours"
    return f"{max(int(span / timedelta(minutes=1)), 0)} minutes"


def _fetch_words(group: ExposureGroup, before: datetime) -> tuple[str, datetime | None]:
    taken = [f for f in group.fetches if f.at < before]
    if not taken:
        return "none of them had fetched it yet", None
    first, last = taken[0].at, taken[-1].at
    who = len({f.partner for f in taken})
    span = (
        f"at {first:%m-%d %H:%M}" if first == last else f"{first:%m-%d %H:%M} to {last:%m-%d %H:%M}"
    )
    return f"{who} of them fetched it {span}", first


def group_timings(
    groups: Sequence[ExposureGroup],
    onset: TimePoint,
    *,
    derived: frozenset[str],
    others: Sequence[TimePoint],
    window_start: datetime,
    prior: GammaPrior,
    until: datetime | None,
    timing_counts: bool,
) -> tuple[GroupTiming, ...]:
    """Per group: the facts of its exposure before `onset` and its timing likelihood ratio.

    `derived` names what the material derives from (empty: anything shared); a group given none
    of it gets no ratio. `until` is the public patch: only the part of the onset's window before it
    counts for a leak, and with `timing_counts=False` (the onset follows the patch) none does.
    """
    found = []
    for group in groups:
        where = relation(group.released_at, group.released_at, onset)
        held = onset.start - group.released_at
        what = ", ".join(sorted(derived & set(group.artifacts))) or ", ".join(group.artifacts)
        n = len(group.partners)
        fetched, first = _fetch_words(group, onset.end)
        if where is Relation.AFTER:
            statement = f"the {group.label} was released after the onset ({onset})"
            found.append(
                GroupTiming(group.label, 0, where, held / timedelta(days=1), None, None, statement)
            )
            continue
        if not holds(group, derived):
            statement = (
                f"the {partners(n)} of the {group.label} held {', '.join(group.artifacts)}, "
                f"not {', '.join(sorted(derived))}, which the material derives from"
            )
            found.append(
                GroupTiming(group.label, 0, where, held / timedelta(days=1), first, None, statement)
            )
            continue
        if where is Relation.DURING:
            statement = (
                f"{partners(n)} of the {group.label} were notified on the onset's day and had "
                f"held {what} at most {held_for(onset.end - group.released_at)} when it began: "
                f"the onset may precede their notice ({fetched})"
            )
        else:
            statement = (
                f"{partners(n)} of the {group.label} had held {what} {held_for(held)} before "
                f"the onset ({fetched})"
            )
        ratio: float | None = None
        if timing_counts:
            data = background(others, window_start, group.released_at)
            ratio = likelihood_ratio(
                group.released_at,
                onset,
                scale=LEAK_DELAY_DAYS,
                data=data,
                prior=prior,
                until=until,
            )
        found.append(
            GroupTiming(group.label, n, where, held / timedelta(days=1), first, ratio, statement)
        )
    return tuple(found)


def mixture(timings: Sequence[GroupTiming]) -> float | None:
    """The likelihood ratio of "a leak by some exposed partner": groups weighed by their size."""
    weighed = [(t.partners, t.likelihood_ratio) for t in timings if t.likelihood_ratio is not None]
    total = sum(n for n, _ in weighed)
    if not total:
        return None
    return sum(n * r for n, r in weighed if r is not None) / total


def exposure_summary(timings: Sequence[GroupTiming]) -> str:
    """All groups that could explain the material, in one sentence, earliest first."""
    able = [t.statement for t in timings if t.partners]
    return "; ".join(able) if able else "no partner held what the material derives from"


__all__ = [
    "build_groups",
    "exposure_summary",
    "group_timings",
    "held_for",
    "holds",
    "mixture",
    "partners",
    "timing_words",
]
