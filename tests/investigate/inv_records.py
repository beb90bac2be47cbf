"""Hand-built domain records for the investigation tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from forewarn.domain.cases import Case
from forewarn.domain.evidence import ChannelEvidence, Suspect, TokenHit
from forewarn.domain.exposure import Fetch
from forewarn.domain.investigation import ArtifactMatch, Finding
from forewarn.domain.releases import Release, ReleasedArtifact
from forewarn.domain.timeline import Event, EventKind, TimePoint, TimePrecision

CASE_ID = "FW-2021-0001"


def case(**changes: object) -> Case:
    fields: dict[str, object] = {
        "id": CASE_ID,
        "title": "Mail server pre-auth request chain",
        "product": "Mail Server 2019",
        "reported": date(2021, 1, 5),
        "patch_planned": date(2021, 3, 9),
        "finder": "Orchid Red Team",
    }
    fields.update(changes)
    return Case(**fields)  # type: ignore[arg-type]


def day(text: str) -> TimePoint:
    return TimePoint(datetime.fromisoformat(text).replace(tzinfo=UTC), TimePrecision.DAY)


def month(text: str) -> TimePoint:
    return TimePoint(datetime.fromisoformat(text + "-01").replace(tzinfo=UTC), TimePrecision.MONTH)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def event(kind: EventKind, when: TimePoint, note: str = "") -> Event:
    return Event(case_id=CASE_ID, at=when, kind=kind, note=note)


def release(partner: str, when: str, *, poc: bool = True, tier: str = "early-access") -> Release:
    artifacts = [ReleasedArtifact("advisory.md", "advisory", "a" * 64)]
    if poc:
        artifacts.append(ReleasedArtifact("poc.py", "poc", "b" * 64))
    return Release(
        id=f"rel-{partner.lower().replace(' ', '-')}",
        case_id=CASE_ID,
        partner=partner,
        available_at=at(when),
        embargo_end=at("2021-03-09T00:00:00"),
        artifacts=tuple(artifacts),
        tier=tier,
    )


def fetch(rel: Release, when: str) -> Fetch:
    return Fetch(release_id=rel.id, partner=rel.partner, at=at(when))


def accused(partner: str, bound: float = 1e-7) -> Suspect:
    return Suspect(
        partner=partner,
        score=42.0,
        accused=True,
        false_accusation_bound=bound,
        evidence=(
            ChannelEvidence("python_source", 40, 38, 30.0),
            ChannelEvidence("payload", 12, 12, 12.0),
        ),
        combined_score=31.5,
        decided_by="learn-and-match",
        proven_bound=bound,
    )


def innocent(partner: str) -> Suspect:
    return Suspect(partner=partner, score=1.0, accused=False, false_accusation_bound=0.4)


def tool(
    when: TimePoint,
    similarity: float,
    suspects: tuple[Suspect, ...] = (),
    tokens: tuple[TokenHit, ...] = (),
    label: str = "found tool exch.py",
) -> Finding:
    return Finding(
        label=label,
        kind="python",
        seen=when,
        matches=(ArtifactMatch(CASE_ID, "poc.py", similarity),),
        suspects=suspects,
        tokens=tokens,
    )
