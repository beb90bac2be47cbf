"""Group attacker activity into clusters weighed as one: scans, exploitation, traced material.

Scanning on Feb 27 and exploitation on Feb 28 are one wave, not two coincidences; weighing them
apart would count the same timing twice. Events closer than `CLUSTER_GAP` join a cluster; a traced
finding joins the cluster whose span holds its sighting, else the one it was seen within
`CLUSTER_GAP` after, else it opens its own.

Two exploits in one window are not one wave when their material says so: a finding that
resembles nothing shared (another exploit: its own paths and client), seen outside the span of
a cluster's events and of its findings made from shared material, is weighed as its own
activity, so that one partner's copy never "explains" an unrelated exploit seen days later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from forewarn.domain.investigation import Activity, Finding
from forewarn.domain.timeline import Event, EventKind, TimePoint
from forewarn.hunt.similarity import DEFAULT_MIN_SCORE as WEAK_SIMILARITY

CLUSTER_GAP = timedelta(days=3)
"""Activity separated by more than this starts a new cluster."""

ACTIVITY_KINDS = frozenset({EventKind.SCANNING, EventKind.EXPLOITATION})
"""Timeline events that are attacker activity."""


@dataclass(slots=True)
class _Cluster:
    start: TimePoint
    end: TimePoint
    events: list[Event] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def extend(self, point: TimePoint) -> None:
        if point.start < self.start.start:
            self.start = point
        if point.end > self.end.end:
            self.end = point

    def reaches(self, moment: datetime) -> bool:
        return self.start.start <= moment < self.end.end + CLUSTER_GAP

    def holds(self, moment: datetime) -> bool:
        return self.start.start <= moment < self.end.end


def _derives(finding: Finding) -> bool:
    """Whether anything ties the finding to shared material: resemblance, marks, tokens."""
    return bool(
        finding.tokens
        or finding.suspects
        or finding.original
        or any(m.similarity >= WEAK_SIMILARITY for m in finding.matches)
    )


def _unrelated(finding: Finding) -> bool:
    """Readable material tied to nothing shared (a binary says nothing either way)."""
    return finding.kind != "binary" and not _derives(finding)


def _split(cluster: _Cluster) -> list[_Cluster]:
    """The cluster, and apart from it its unrelated findings seen outside the span of its
    events and derived findings (a log of the scanning day stays with the wave it scanned)."""
    derived = [f for f in cluster.findings if _derives(f)]
    if not derived:
        return [cluster]
    points = [e.at for e in cluster.events] + [f.seen for f in derived]
    low, high = min(p.start for p in points), max(p.end for p in points)
    apart = [
        f
        for f in cluster.findings
        if _unrelated(f) and not (f.seen.start < high and f.seen.end > low)
    ]
    if not apart:
        return [cluster]
    gone = {id(f) for f in apart}
    kept = [f for f in cluster.findings if id(f) not in gone]
    first = min(apart, key=lambda f: f.seen.start)
    other = _Cluster(start=first.seen, end=first.seen, findings=apart)
    for finding in apart:
        other.extend(finding.seen)
    points = [e.at for e in cluster.events] + [f.seen for f in kept]
    rest = _Cluster(
        start=min(points, key=lambda p: p.start),
        end=max(points, key=lambda p: p.end),
        events=cluster.events,
        findings=kept,
    )
    return [rest, other]


def cluster_activity(events: Sequence[Event], findings: Sequence[Finding]) -> tuple[Activity, ...]:
    """Clusters of activity events and findings, oldest first, labelled `Wave 1`, `Wave 2`, …"""
    clusters: list[_Cluster] = []
    activity = sorted(
        (e for e in events if e.kind in ACTIVITY_KINDS), key=lambda e: (e.at.start, e.at.end)
    )
    for event in activity:
        if clusters and clusters[-1].reaches(event.at.start):
            clusters[-1].events.append(event)
            clusters[-1].extend(event.at)
        else:
            clusters.append(_Cluster(start=event.at, end=event.at, events=[event]))
    for finding in sorted(findings, key=lambda f: f.seen.start):
        home = next((c for c in clusters if c.holds(finding.seen.start)), None)
        home = home or next((c for c in clusters if c.reaches(finding.seen.start)), None)
        if home is None:
            home = _Cluster(start=finding.seen, end=finding.seen)
            clusters.append(home)
            clusters.sort(key=lambda c: c.start.start)
        home.findings.append(finding)
        home.extend(finding.seen)
    clusters = sorted(
        (part for c in clusters for part in _split(c)), key=lambda c: (c.start.start, c.end.end)
    )
    return tuple(
        Activity(
            label=f"Wave {index}",
            start=cluster.start,
            end=cluster.end,
            events=tuple(cluster.events),
            findings=tuple(cluster.findings),
        )
        for index, cluster in enumerate(clusters, start=1)
    )


def describe_span(activity: Activity) -> str:
    """`2021-02-27 → 2021-02-28`, or one time when the cluster is a single moment."""
    if str(activity.start) == str(activity.end):
        return str(activity.start)
    return f"{activity.start} → {activity.end}"


__all__ = ["ACTIVITY_KINDS", "CLUSTER_GAP", "cluster_activity", "describe_span"]
