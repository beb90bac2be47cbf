"""Group attacker activity into clusters weighed as one: scans, exploitation, traced material.

Scanning on Feb 27 and exploitation on Feb 28 are one wave, not two coincidences; weighing them
apart would count the same timing twice. Events closer than `CLUSTER_GAP` join a cluster; a traced
finding joins the cluster it was seen in (or within `CLUSTER_GAP` after), else it opens its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from forewarn.domain.investigation import Activity, Finding
from forewarn.domain.timeline import Event, EventKind, TimePoint

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
        home = next((c for c in clusters if c.reaches(finding.seen.start)), None)
        if home is None:
            home = _Cluster(start=finding.seen, end=finding.seen)
            clusters.append(home)
            clusters.sort(key=lambda c: c.start.start)
        home.findings.append(finding)
        home.extend(finding.seen)
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
