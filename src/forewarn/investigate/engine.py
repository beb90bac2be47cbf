"""The pure investigation: records in, conclusions out; no database, no clock.

Everything is reasoned "as of" a moment: events and findings after it are left out (and said so),
so replaying history gives the answer the PSIRT could have had on that day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from forewarn.domain.cases import Case
from forewarn.domain.exposure import ExposureEntry, ExposureGroup, Fetch
from forewarn.domain.investigation import (
    Activity,
    Finding,
    HypothesisKind,
    InvestigationResult,
    Phase,
    Recommendation,
    Verdict,
)
from forewarn.domain.releases import Release
from forewarn.domain.timeline import Event, EventKind, TimePoint, TimePrecision
from forewarn.domain.validation import format_time_point
from forewarn.investigate.activity import cluster_activity, describe_span
from forewarn.investigate.attribution import fingerprint_bound
from forewarn.investigate.context import derived_artifacts
from forewarn.investigate.exposure import build_exposure, instant, notices_before
from forewarn.investigate.groups import build_groups
from forewarn.investigate.hypotheses import weigh
from forewarn.investigate.phase import (
    artifact_kinds,
    disclosure_moment,
    phase_of,
    public_moment,
    published_artifacts,
)
from forewarn.investigate.recommend import recommend
from forewarn.investigate.sensitivity import SENSITIVITY_FACTOR, prior_sensitivity
from forewarn.investigate.timing import (
    DEFAULT_PRIOR,
    GammaPrior,
    assess_timing,
    days_after,
    since_notice,
)
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
    standing: Mapping[str, str] | None = None,
    shortest_lead: timedelta = timedelta(days=1),
    longest_lead: timedelta | None = None,
    prior: GammaPrior = DEFAULT_PRIOR,
    replay: bool = False,
) -> InvestigationResult:
    """Weigh every activity on the case against who held what, and recommend what to do.

    `suspended` are the partners no longer active and `standing` says since when and why.
    """
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
    groups = build_groups(given, taken)
    public = public_moment(case, known, as_of)
    clusters = cluster_activity(known, seen)
    world = _World(
        case=case,
        exposure=exposure,
        groups=groups,
        notices=[e.at for e in known if e.kind is EventKind.PARTNER_NOTICE],
        window_start=min((e.since for e in exposure), default=reported.start),
        public=public,
        published=published_artifacts(given),
        kinds={
            **{r.artifact: r.kind for f in seen for r in f.original},
            **artifact_kinds(releases),
        },
        disclosed=disclosure_moment(known, as_of),
    )
    weighed = world.weigh_all(clusters, prior)
    lower = world.weigh_all(clusters, prior.scaled(1 / SENSITIVITY_FACTOR))
    higher = world.weigh_all(clusters, prior.scaled(SENSITIVITY_FACTOR))
    weighed = [
        replace(a, sensitivity=prior_sensitivity(a, down, up, prior))
        for a, down, up in zip(weighed, lower, higher, strict=True)
    ]
    recommendations = recommend(
        case,
        weighed,
        given,
        as_of=as_of,
        program_partners=program_partners,
        suspended=suspended,
        standing=standing,
        shortest_lead=shortest_lead,
        longest_lead=longest_lead or shortest_lead,
        public=public,
        replay=replay,
    )
    return InvestigationResult(
        case=case,
        as_of=as_of,
        headline=headline(weighed, recommendations_summary(recommendations), public),
        activities=tuple(weighed),
        exposure=exposure,
        recommendations=recommendations,
        events=tuple(sorted(known, key=lambda e: e.at.start)),
        releases=tuple(given),
        fetches=tuple(taken),
        groups=groups,
        public_since=public,
        notes=tuple(notes),
    )


@dataclass(frozen=True, slots=True)
class _World:
    """What every activity of one investigation is weighed against, whatever the prior."""

    case: Case
    exposure: tuple[ExposureEntry, ...]
    groups: tuple[ExposureGroup, ...]
    notices: list[TimePoint]
    window_start: datetime
    public: TimePoint | None
    published: frozenset[str]
    kinds: Mapping[str, str]
    disclosed: Event | None

    def weigh_all(self, clusters: Sequence[Activity], prior: GammaPrior) -> list[Activity]:
        onsets = [a.start for a in clusters]
        weighed = []
        for activity in clusters:
            derived = derived_artifacts(activity)
            notices = notices_before(self.exposure, activity.start, derived)
            releases = [instant(t) for t in notices]
            others = [o for o in onsets if o is not activity.start]
            timing = assess_timing(
                activity.start, [*releases, *self.notices], others, self.window_start, prior
            )
            weighed.append(
                weigh(
                    replace(activity, timing=timing),
                    self.exposure,
                    self.case,
                    groups=self.groups,
                    others=others,
                    window_start=self.window_start,
                    prior=prior,
                    phase=phase_of(activity.start, self.public),
                    public=self.public,
                    published=self.published,
                    kinds=self.kinds,
                    disclosed=self.disclosed,
                )
            )
        return weighed


def recommendations_summary(recommendations: Sequence[Recommendation]) -> str:
    """Every recommendation's title, most urgent first, to close the headline: an executive
    reading only the headline must see every action."""
    titles = [recommendations[0].title] if recommendations else []
    titles += [_lower(r.title) for r in recommendations[1:]]
    return "; ".join(titles)


def _lower(title: str) -> str:
    """`Leak by partner Kestrel` → `leak by partner Kestrel`: names keep their case."""
    return title[:1].lower() + title[1:]


def _after_patch(activity: Activity, public: TimePoint | None) -> str:
    """`, 3 days after the patch went public (2012-03-13T17:00:00Z)`."""
    if public is None:
        return ""
    if activity.phase is Phase.PATCH_DAY:
        return ", on the day the patch went public (it may precede the patch)"
    days = (activity.start.start - public.start) / timedelta(days=1)
    if activity.start.precision is not TimePrecision.INSTANT:
        days = float((activity.start.start.date() - public.start.date()).days)
    return f", {days_after(days)} after the patch went public ({format_time_point(public)})"


def _contradiction(activity: Activity) -> str:
    """A fingerprint that accuses a partner whose copy came only after the onset: the dates
    disagree with the marks, and the analyst must check them before trusting either."""
    late = [
        h.subject
        for h in activity.hypotheses
        if h.kind is HypothesisKind.PARTNER_LEAK
        and h.subject
        and h.verdict is Verdict.RULED_OUT
        and fingerprint_bound(activity, h.subject) is not None
        and any(e.decisive and not e.supports for e in h.evidence)
    ]
    if not late:
        return ""
    return (
        f" Yet the fingerprint accuses {', '.join(late)}, whose copy came only after the onset:"
        " check the material's dates and time zone (a log read in local time, a wrong clock)"
        " before ruling the partner out."
    )


def _sentence(activity: Activity, public: TimePoint | None = None) -> str:
    return _plain(activity, public) + _contradiction(activity)


def _plain(activity: Activity, public: TimePoint | None = None) -> str:
    span = describe_span(activity)
    if activity.phase is not Phase.EMBARGO:
        span += ", after the patch" if activity.phase is Phase.PUBLIC else ", on the patch day"
    leading = next((h for h in activity.hypotheses if h.verdict is Verdict.LEADING), None)
    partner_out = all(
        h.verdict is Verdict.RULED_OUT
        for h in activity.hypotheses
        if h.kind is HypothesisKind.PARTNER_LEAK
    )
    if activity.timing is None and partner_out:
        alive = [_lower(h.title) for h in activity.hypotheses if h.verdict is not Verdict.RULED_OUT]
        rest = f"; still open: {', '.join(alive)}" if alive else ""
        if leading is not None:
            rest = f"; {_lower(leading.title)} is the leading explanation"
        return (
            f"{activity.label} ({span}) predates every partner notice: "
            f"no partner explains it{rest}."
        )
    if leading is None:
        open_ = [_lower(h.title) for h in activity.hypotheses if h.verdict is Verdict.PLAUSIBLE]
        when = ""
        if activity.phase is not Phase.EMBARGO:
            when = _after_patch(activity, public)
        elif activity.timing is not None:
            when = f", {since_notice(activity.timing)}"
        return f"{activity.label} ({span}){when}: no single explanation leads ({', '.join(open_)})."
    text = f"{activity.label} ({span}): {_lower(leading.title)} is the leading explanation"
    if leading.subject:
        bound = fingerprint_bound(activity, leading.subject)
        if bound is not None:
            text += f" (false-accusation bound {odds(bound)}, {bound:.1e})"
    if activity.phase is not Phase.EMBARGO:
        text += _after_patch(activity, public)
    elif activity.timing is not None:
        text += f", {since_notice(activity.timing)}"
    return text + "."


def headline(activities: Sequence[Activity], action: str, public: TimePoint | None = None) -> str:
    """One sentence per activity, then the most urgent action."""
    if not activities:
        return "No attacker activity is recorded for this case." + (f" {action}." if action else "")
    parts = [_sentence(a, public) for a in activities]
    if action:
        parts.append(f"Recommended: {_lower(action)}.")
    return " ".join(parts)


__all__ = ["headline", "investigate"]
