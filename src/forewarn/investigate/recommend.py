"""What the PSIRT should do next, and why: actions, not commands (`commands` spells them).

Rules (each recommendation states the facts that triggered it). Before the patch is public:

- **Move the patch date earlier** when exploitation is seen before the planned date, or when a leak
  (by a partner, the finder or an insider) leads for some activity. The new date is the earliest
  feasible one: `max(trigger + READINESS, as_of + shortest tier lead time)`, where the trigger is
  the first such activity's onset; the second term leaves every tier at least its minimum notice.
- **Notify the remaining partners** not yet notified when the patch moves, so that their
  protections still ship on the new patch day.

In both phases:

- **Suspend** each partner accused by a fingerprint whose leak hypothesis leads; never a partner
  named by its tracking tokens alone (a lead to check, not proof).

Once the patch is public (rescheduling no longer helps):

- **Review the partners** who held what leaked, when a partner leak leads for some activity.
- **Open a linked case** when exploitation after the patch is explained by the public patch
  (not ruled out or unlikely): if patched systems are hit, the fix is bypassed and the bypass
  needs its own embargo, linked to this case; its patch date leaves every tier its lead time.
- **Notify the partners through the linked case**: its waves carry the new detection guidance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from forewarn.domain.cases import Case
from forewarn.domain.investigation import (
    Activity,
    HypothesisKind,
    LinkedCase,
    Phase,
    Recommendation,
    RecommendationKind,
    Verdict,
)
from forewarn.domain.releases import Release
from forewarn.domain.timeline import EventKind, TimePoint
from forewarn.domain.validation import format_time_point
from forewarn.investigate.attribution import fingerprint_bound
from forewarn.investigate.guidance import ask_partners, guidance_activity, guidance_copies

READINESS = timedelta(days=2)
"""Time the vendor needs from the trigger to ship a validated build early."""

LEAK_KINDS = frozenset(
    {
        HypothesisKind.PARTNER_LEAK,
        HypothesisKind.FINDER_COMPROMISE,
        HypothesisKind.VENDOR_INSIDER,
        HypothesisKind.FINDER_DISCLOSURE,
    }
)
"""Explanations in which the embargo is broken, so the patch cannot wait."""


def _leading(activity: Activity, guidance: bool = False) -> list[str]:
    """Leading explanations that break the embargo; a guidance copy alone (`guidance`) is
    not one: detection text travels to a partner's customers by design."""
    return [
        h.title
        for h in activity.hypotheses
        if h.verdict is Verdict.LEADING
        and h.kind in LEAK_KINDS
        and not (guidance and h.kind is HypothesisKind.PARTNER_LEAK)
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
    standing: Mapping[str, str] | None = None,
    shortest_lead: timedelta = timedelta(days=1),
    longest_lead: timedelta | None = None,
    public: TimePoint | None = None,
    replay: bool = False,
) -> tuple[Recommendation, ...]:
    """Recommendations, most urgent first, for the phase the case is in at `as_of`.

    `suspended` are the partners no longer active; `standing` says, for each, since when and
    why (`removed on 2025-06-27: contract ended`), so that an accused partner already out is
    said to be so instead of being suspended again. A partner's detection-guidance copy in
    public is a question to the partner (`guidance`), never a suspension or a patch move.

    With `replay`, each action carries `as_of` as the moment to apply it, so that applying it to
    a replayed history (the demo) acts at the moment the investigation reasoned from.
    """
    when = as_of if replay else None
    found: list[Recommendation] = []
    guidance = frozenset(a.label for a in activities if guidance_activity(a, releases))
    weighty = [a for a in activities if a.label not in guidance]
    accused = _accused(weighty)
    out = _already_out(case, accused, suspended, standing or {})
    asks = ask_partners(case.id, guidance_copies(activities, releases))
    if public is None and case.patch_actual is None:
        move = _move_patch(case, activities, as_of, shortest_lead, when, guidance)
        if move is not None:
            found.append(move)
        found += _suspensions(case, accused, suspended, when)
        found += out + asks
        released = {r.partner for r in releases if r.exposed_from <= as_of}
        remaining = [
            p for p in program_partners if p not in released | suspended and p not in accused
        ]
        if move is not None and move.target_date is not None and remaining:
            found.append(_notify(case, move.target_date, len(remaining), when))
        return tuple(found)
    found += _suspensions(case, accused, suspended, when)
    found += out + asks
    review = _review(case, weighty, accused)
    if review is not None:
        found.append(review)
    found += _bypass(case, activities, as_of, longest_lead or shortest_lead, public, when)
    return tuple(found)


def _review(
    case: Case, activities: Sequence[Activity], accused: dict[str, str]
) -> Recommendation | None:
    """After the patch: review who held what leaked, when a partner leak leads."""
    reasons = []
    for activity in activities:
        lead = next(
            (
                h
                for h in activity.hypotheses
                if h.verdict is Verdict.LEADING and h.kind is HypothesisKind.PARTNER_LEAK
            ),
            None,
        )
        if lead is not None:
            reasons.append(
                f"{activity.label} ({activity.start}): {_lower(lead.title)} is the leading "
                "explanation"
            )
    if not reasons:
        return None
    reasons.append(
        "the patch is public, so moving it no longer helps: what is left is to learn how the "
        "material left the program and whom to keep in it"
    )
    reasons.append("`forewarn wave plan` lists every partner, what it was given and when")
    who = ", ".join(accused) if accused else "the partners who held what leaked"
    return Recommendation(
        RecommendationKind.REVIEW_PARTNERS,
        f"Review {who}: how the material left the program",
        tuple(reasons),
        case.id,
    )


def _bypass(
    case: Case,
    activities: Sequence[Activity],
    as_of: datetime,
    longest_lead: timedelta,
    public: TimePoint | None,
    when: datetime | None,
) -> list[Recommendation]:
    """After the patch: exploitation the public patch explains may be a bypass of the fix."""
    reasons = []
    for activity in activities:
        if activity.phase is Phase.EMBARGO or not _exploited(activity):
            continue
        patch = next(
            (h for h in activity.hypotheses if h.kind is HypothesisKind.PUBLIC_PATCH), None
        )
        if patch is None or patch.verdict in (Verdict.RULED_OUT, Verdict.UNLIKELY):
            continue
        reasons.append(
            f"{activity.label} ({activity.start}): exploitation after the patch went public; "
            f"public since the patch is {patch.verdict.value}"
        )
    if not reasons:
        return []
    released = format_time_point(public) if public is not None else str(case.patch_actual)
    reasons += [
        f"exploitation after the patch ({released}) hits unpatched systems (n-day use) or, if "
        "patched systems are hit too, a bypass of the fix",
        "a bypass is a new flaw under embargo: track it as its own case, linked to this one",
    ]
    due = (as_of + longest_lead + READINESS).date()
    linked = LinkedCase(
        id=f"{case.id[:56]}-bypass",
        title=f"Bypass of the fix for {case.id}"[:500],
        product=case.product,
        reported=as_of.date(),
        patch_planned=due,
    )
    open_case = Recommendation(
        RecommendationKind.OPEN_LINKED_CASE,
        f"Open {linked.id}, linked to {case.id}, if patched systems are hit",
        tuple(reasons),
        case.id,
        linked=linked,
    )
    notify = Recommendation(
        RecommendationKind.NOTIFY_PARTNERS,
        f"Notify the partners through {linked.id}",
        (
            "add its detection guidance with `forewarn case add-artifact`; its waves then notify "
            "every tier",
            f"a patch planned for {due} gives every tier its lead time "
            f"({longest_lead.days} days at most) plus {READINESS.days} days to ship",
        ),
        linked.id,
        at=when,
    )
    return [open_case, notify]


def _triggers(
    case: Case, activities: Sequence[Activity], guidance: frozenset[str] = frozenset()
) -> tuple[list[str], list[datetime]]:
    """Why the patch cannot wait, and the onsets that say so (leading leaks, exploitation)."""
    reasons: list[str] = []
    triggers: list[datetime] = []
    for activity in activities:
        leads = _leading(activity, activity.label in guidance)
        if leads:
            reasons.append(
                f"{activity.label} ({activity.start}): {_lower(leads[0])} is the leading "
                "explanation"
            )
            triggers.append(activity.start.start)
        if _exploited(activity) and activity.start.start.date() < case.patch_planned:
            reasons.append(f"{activity.label}: exploitation in the wild from {activity.start}")
            triggers.append(activity.start.start)
    return reasons, triggers


def _move_patch(
    case: Case,
    activities: Sequence[Activity],
    as_of: datetime,
    shortest_lead: timedelta,
    when: datetime | None,
    guidance: frozenset[str] = frozenset(),
) -> Recommendation | None:
    """Move the patch to the earliest feasible date, when something says it cannot wait."""
    reasons, triggers = _triggers(case, activities, guidance)
    if not triggers or case.patch_actual is not None:
        return None
    trigger = min(triggers)
    new_date = max((trigger + READINESS).date(), (as_of + shortest_lead).date())
    if new_date >= case.patch_planned:
        return None
    lead = shortest_lead / timedelta(days=1)
    rule = (
        f"{new_date} is the earliest the patch can ship: {READINESS.days} days after the "
        f"first trigger on {trigger:%Y-%m-%d}, and no sooner than the shortest tier lead "
        f"time ({lead:g} {'day' if lead == 1 else 'days'}) from now ({as_of:%Y-%m-%d})"
    )
    return Recommendation(
        RecommendationKind.MOVE_PATCH,
        f"Move the patch from {case.patch_planned} to {new_date}",
        (*reasons, rule),
        case.id,
        audit_reason=f"exploitation or leak of {case.id} seen before the patch",
        target_date=new_date,
        at=when,
    )


def _suspensions(
    case: Case, accused: dict[str, str], suspended: frozenset[str], when: datetime | None
) -> list[Recommendation]:
    """Suspend every partner whose named leak leads and who is not suspended yet."""
    return [
        Recommendation(
            RecommendationKind.SUSPEND_PARTNER,
            f"Suspend partner {partner}",
            (why, "a suspended partner's pending releases are cancelled"),
            case.id,
            audit_reason=f"fingerprint accusation on {case.id}",
            partner=partner,
            at=when,
        )
        for partner, why in accused.items()
        if partner not in suspended
    ]


def _already_out(
    case: Case, accused: dict[str, str], suspended: frozenset[str], standing: Mapping[str, str]
) -> list[Recommendation]:
    """An accused partner already suspended or removed is said to be so, never suspended again."""
    found = []
    for partner, why in accused.items():
        if partner not in suspended:
            continue
        status = standing.get(partner, "no longer active")
        found.append(
            Recommendation(
                RecommendationKind.REVIEW_PARTNERS,
                f"Keep partner {partner} out: already {status}, not suspended again",
                (
                    why,
                    f"{partner} is already {status}: it receives nothing more, so a suspension "
                    "would change nothing",
                    "what is left is to learn what it still holds and how its copy got out; "
                    "`forewarn wave plan` lists what it was given and when",
                ),
                case.id,
                partner=partner,
            )
        )
    return found


def _notify(case: Case, new_date: date, remaining: int, when: datetime | None) -> Recommendation:
    """Release to the partners not yet notified, now that the patch moves."""
    return Recommendation(
        RecommendationKind.NOTIFY_PARTNERS,
        f"Notify the {_count(remaining, 'remaining partner')} now",
        (
            f"{_count(remaining, 'active partner')} "
            f"{'has' if remaining == 1 else 'have'} not been notified yet",
            f"with the patch on {new_date} their wave falls due now; rescheduling recomputes it",
        ),
        case.id,
        at=when,
    )


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
