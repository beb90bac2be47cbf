"""The pure investigation: records in, conclusions out; no database, no clock.

Everything is reasoned "as of" a moment: events and findings after it are left out (and said so),
so replaying history gives the answer the PSIRT could have had on that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from forewarn.domain.cases import Case
from forewarn.domain.investigation import (
    Activity,
    Fetch,
    Finding,
    HypothesisKind,
    InvestigationResult,
    Recommendation,
    Verdict,
)
from forewarn.domain.releases import Release
from forewarn.domain.timeline import Event, EventKind, TimePoint, TimePrecision
from forewarn.investigate.activity import cluster_activity, describe_span
from forewarn.investigate.attribution import fingerprint_bound
from forewarn.investigate.exposure import build_exposure, notices_before
from forewarn.investigate.hypotheses import weigh
from forewarn.investigate.recommend import recommend
from forewarn.investigate.timing import DEFAULT_PRIOR, GammaPrior, assess_timing, days_after
from forewarn.investigate.wording import odds


def investigate(
    case: Case,
    *,
    events: Sequence[Event],
    releases: Sequence[Release],
    fetches: Sequence[Fetch],
    findings: Sequence[Finding],
    as_of: datetime,
    program_partners: Sequence[str] = (),
    suspended: frozenset[str] = frozenset(),
    shortest_lead: timedelta = timedelta(days=1),
    prior: GammaPrior = DEFAULT_PRIOR,
    replay: bool = False,
) -> InvestigationResult:
    """Weigh every activity on the case against who held what, and recommend what to do."""
    notes: list[str] = []
    known = [e for e in events if e.at.start <= as_of]
    later = len(events) - len(known)
    if later:
        notes.append(f"{later} timeline event(s) after {as_of:%Y-%m-%d %H:%M} UTC left out")
    given = [r for r in releases if r.exposed_from <= as_of]
    taken = [f for f in fetches if f.at <= as_of]
    seen = [f for f in findings if f.seen.start <= as_of]
    reported = next(
        (e.at for e in known if e.kind is EventKind.REPORTED),
        TimePoint(
            datetime(case.reported.year, case.reported.month, case.reported.day, tzinfo=UTC),
            TimePrecision.DAY,
        ),
    )
    exposure = build_exposure(case, known, given, taken, reported)
    window_start = min((e.since for e in exposure), default=reported.start)
    notice_events = [e.at.start for e in known if e.kind is EventKind.PARTNER_NOTICE]
    clusters = cluster_activity(known, seen)
    onsets = [a.start for a in clusters]
    weighed: list[Activity] = []
    for activity in clusters:
        notices = notices_before(exposure, activity.start) + notice_events
        others = [o for o in onsets if o is not activity.start]
        timing = assess_timing(activity.start, notices, others, window_start, prior)
        weighed.append(weigh(replace(activity, timing=timing), exposure, case))
    recommendations = recommend(
        case,
        weighed,
        given,
        as_of=as_of,
        program_partners=program_partners,
        suspended=suspended,
        shortest_lead=shortest_lead,
        replay=replay,
    )
    return InvestigationResult(
        case=case,
        as_of=as_of,
        headline=headline(weighed, recommendations_summary(recommendations)),
        activities=tuple(weighed),
        exposure=exposure,
        recommendations=recommendations,
        events=tuple(sorted(known, key=lambda e: e.at.start)),
        releases=tuple(given),
        fetches=tuple(taken),
        notes=tuple(notes),
    )


def recommendations_summary(recommendations: Sequence[Recommendation]) -> str:
    """Every recommendation's title, most urgent first, to close the headline: an executive
    reading only the headline must see every action."""
    titles = [recommendations[0].title] if recommendations else []
    titles += [_lower(r.title) for r in recommendations[1:]]
    return "; ".join(titles)


def _lower(title: str) -> str:
    """`Leak by partner Kestrel` → `leak by partner Kestrel`: names keep their case."""
    return title[:1].lower() + title[1:]


def _sentence(activity: Activity) -> str:
    span = describe_span(activity)
    leading = next((h for h in activity.hypotheses if h.verdict is Verdict.LEADING), None)
    partner_out = all(
        h.verdict is Verdict.RULED_OUT
        for h in activity.hypotheses
        if h.kind is HypothesisKind.PARTNER_LEAK
    )
    if activity.timing is None and partner_out:
        alive = [_lower(h.title) for h in activity.hypotheses if h.verdict is not Verdict.RULED_OUT]
        rest = f"; still open: {', '.join(alive)}" if alive else ""
        return (
            f"{activity.label} ({span}) predates every partner notice: "
            f"no partner explains it{rest}."
        )
    if leading is None:
        open_ = [_lower(h.title) for h in activity.hypotheses if h.verdict is Verdict.PLAUSIBLE]
        return f"{activity.label} ({span}): no single explanation leads ({', '.join(open_)})."
    text = f"{activity.label} ({span}): {_lower(leading.title)} is the leading explanation"
    if leading.subject:
        bound = fingerprint_bound(activity, leading.subject)
        if bound is not None:
            text += f" (false-accusation bound {odds(bound)}, {bound:.1e})"
    if activity.timing is not None:
        text += f", {days_after(activity.timing.delta_days)} after the notice"
    return text + "."


def headline(activities: Sequence[Activity], action: str) -> str:
    """One sentence per activity, then the most urgent action."""
    if not activities:
        return "No attacker activity is recorded for this case." + (f" {action}." if action else "")
    parts = [_sentence(a) for a in activities]
    if action:
        parts.append(f"Recommended: {_lower(action)}.")
    return " ".join(parts)


__all__ = ["headline", "investigate"]
