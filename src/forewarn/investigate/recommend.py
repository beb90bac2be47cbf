"""What the PSIRT should do next, and why: actions, not commands (`commands` spells them).

Rules (each recommendation states the facts that triggered it):

- **Move the patch date earlier** when exploitation is seen before the planned date, or when a leak
  (by a partner, the finder or an insider) leads for some activity. The new date is the earliest
  feasible one: `max(trigger + READINESS, as_of + shortest tier lead time)`, where the trigger is
  the first such activity's onset; the second term leaves every tier at least its minimum notice.
- **Suspend** each partner accused by a fingerprint whose leak hypothesis leads; never a partner
  named by its canary tokens alone (a lead to check, not proof).
- **Notify the remaining partners** not yet notified when the patch moves, so that their
  protections still ship on the new patch day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from forewarn.domain.cases import Case
from forewarn.domain.investigation import (
    Activity,
    HypothesisKind,
    Recommendation,
    RecommendationKind,
    Verdict,
)
from forewarn.domain.releases import Release
from forewarn.domain.timeline import EventKind
from forewarn.investigate.attribution import fingerprint_bound

READINESS = timedelta(days=2)
"""Time the vendor needs from the trigger to ship a validated build early."""

LEAK_KINDS = frozenset(
    {
        HypothesisKind.PARTNER_LEAK,
        HypothesisKind.FINDER_COMPROMISE,
        HypothesisKind.VENDOR_INSIDER,
    }
)
"""Explanations in which the embargo is broken, so the patch cannot wait."""


def _leading(activity: Activity) -> list[str]:
    return [
        h.title
        for h in activity.hypotheses
        if h.verdict is Verdict.LEADING and h.kind in LEAK_KINDS
    ]


def _exploited(activity: Activity) -> bool:
    return any(e.kind is EventKind.EXPLOITATION for e in activity.events)


def recommend(
    case: Case,
    activities: Sequence[Activity],
    releases: Sequence[Release],
    *,
    as_of: datetime,
    program_partners: Sequence[str] = (),
    suspended: frozenset[str] = frozenset(),
    shortest_lead: timedelta = timedelta(days=1),
    replay: bool = False,
) -> tuple[Recommendation, ...]:
    """Recommendations, most urgent first.

    With `replay`, each action carries `as_of` as the moment to apply it, so that applying it to
    a replayed history (the demo) acts at the moment the investigation reasoned from.
    """
    when = as_of if replay else None
    found: list[Recommendation] = []
    reasons: list[str] = []
    triggers: list[datetime] = []
    for activity in activities:
        leads = _leading(activity)
        before_patch = activity.start.start.date() < case.patch_planned
        if leads:
            reasons.append(
                f"{activity.label} ({activity.start}): {_lower(leads[0])} is the leading "
                "explanation"
            )
            triggers.append(activity.start.start)
        if _exploited(activity) and before_patch:
            reasons.append(f"{activity.label}: exploitation in the wild from {activity.start}")
            triggers.append(activity.start.start)
    new_date: date | None = None
    if triggers and case.patch_actual is None:
        trigger = min(triggers)
        new_date = max((trigger + READINESS).date(), (as_of + shortest_lead).date())
        if new_date < case.patch_planned:
            lead = shortest_lead / timedelta(days=1)
            rule = (
                f"{new_date} is the earliest the patch can ship: {READINESS.days} days after the "
                f"first trigger on {trigger:%Y-%m-%d}, and no sooner than the shortest tier lead "
                f"time ({lead:g} {'day' if lead == 1 else 'days'}) from now ({as_of:%Y-%m-%d})"
            )
            reason = f"exploitation or leak of {case.id} seen before the patch"
            found.append(
                Recommendation(
                    RecommendationKind.MOVE_PATCH,
                    f"Move the patch from {case.patch_planned} to {new_date}",
                    (*reasons, rule),
                    case.id,
                    audit_reason=reason,
                    target_date=new_date,
                    at=when,
                )
            )
        else:
            new_date = None
    accused = _accused(activities)
    for partner, why in accused.items():
        if partner in suspended:
            continue
        found.append(
            Recommendation(
                RecommendationKind.SUSPEND_PARTNER,
                f"Suspend partner {partner}",
                (why, "a suspended partner's pending releases are cancelled"),
                case.id,
                audit_reason=f"fingerprint accusation on {case.id}",
                partner=partner,
                at=when,
            )
        )
    released = {r.partner for r in releases if r.available_at <= as_of}
    remaining = [p for p in program_partners if p not in released and p not in suspended]
    remaining = [p for p in remaining if p not in accused]
    if new_date is not None and remaining:
        found.append(
            Recommendation(
                RecommendationKind.NOTIFY_PARTNERS,
                f"Notify the {_count(len(remaining), 'remaining partner')} now",
                (
                    f"{_count(len(remaining), 'active partner')} "
                    f"{'has' if len(remaining) == 1 else 'have'} not been notified yet",
                    f"with the patch on {new_date} their wave falls due now; "
                    "rescheduling recomputes it",
                ),
                case.id,
                at=when,
            )
        )
    return tuple(found)


def _accused(activities: Sequence[Activity]) -> dict[str, str]:
    """Partners a fingerprint accuses whose leak leads, with the sentence that names them."""
    named: dict[str, str] = {}
    for activity in activities:
        for hypothesis in activity.hypotheses:
            if (
                hypothesis.kind is HypothesisKind.PARTNER_LEAK
                and hypothesis.subject
                and hypothesis.verdict is Verdict.LEADING
                and fingerprint_bound(activity, hypothesis.subject) is not None
            ):
                first = hypothesis.evidence[0].statement if hypothesis.evidence else ""
                named.setdefault(hypothesis.subject, f"{activity.label}: {first}")
    return named


def _lower(title: str) -> str:
    """`Leak by partner Kestrel` → `leak by partner Kestrel`, for use mid-sentence."""
    return title[:1].lower() + title[1:]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


__all__ = ["LEAK_KINDS", "READINESS", "recommend"]
