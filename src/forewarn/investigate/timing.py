"""What the timing of an onset says: how surprising it is, and how much likelier under a cause.

Background: before anyone could leak, unrelated activity on the case starts at a constant rate
`λ` per day (a Poisson process). We do not know `λ`; we give it a Gamma prior with shape `α` and
rate `β` days (`DEFAULT_PRIOR`: α = 0.5, β = 30 days, a prior mean of one onset per 60 days, weak
enough that a few observed onsets dominate it) and update it on the `k` onsets seen in the
background window of `T` days, from the first moment anyone held the flaw up to the reference
moment (a notice, a release, the patch): the posterior is Gamma(α + k, β + T). The chance of at
least one unrelated onset in any span of `w` days is then the posterior predictive
`1 − (β' / (β' + w))^α'` (a Lomax tail), which carries our uncertainty about `λ`.

Cause: material given out at `t` (a wave's release, the public patch) is first used after a delay
that we model as Lomax with shape 1 and a scale of `LEAK_DELAY_DAYS` (a leak: median 3 days,
a quarter later than 9 days; Exchange 2021 took 4 to 5 days, the 2012 MAPP leak about 4) or
`PUBLIC_DELAY_DAYS` (exploitation of a public patch: median a week).

The timing of an onset known to lie in `[a, b)` (at least `RESOLUTION` wide) is weighed by the
likelihood ratio `P(onset in [a, b) | cause at t) / P(an unrelated onset in [a, b))`, in bans
(`log10`), capped at `TIMING_CAP` either way. Only the part of the window after `t` counts for
the cause, so a day-precision onset on the day of a notice weighs both orders. Timing is
evidence about a group of exposed parties, never about a named partner.

`assess_timing` also reports the plain question a PSIRT asks first: how soon after the latest
notice did it start, and how likely is an unrelated onset that soon (from the onset's earliest
moment for the days, to its latest for the probability, so it is never understated).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from forewarn.domain.investigation import Relation, TimingAssessment
from forewarn.domain.timeline import TimePoint, TimePrecision
from forewarn.investigate.exposure import instant, point_relation

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class GammaPrior:
    """Prior belief about the background rate of unrelated onsets, as a Gamma distribution."""

    shape: float = 0.5
    """`α`: pseudo-count of onsets."""
    days: float = 30.0
    """`β`: pseudo-exposure in days over which `α` onsets were seen."""

    @property
    def mean_days(self) -> float:
        """Days per unrelated onset at the prior's mean rate."""
        return self.days / self.shape

    def scaled(self, factor: float) -> GammaPrior:
        """The same strength of belief with a mean rate `factor` times higher."""
        return GammaPrior(self.shape, self.days / factor)


DEFAULT_PRIOR = GammaPrior()
"""α = 0.5 onsets over β = 30 days: one onset per 60 days a priori, quickly overruled by data."""

TIMING_CAP = 2.0
"""Most bans timing may ever contribute: closeness in time is suggestive, never proof."""
LEAK_DELAY_DAYS = 3.0
"""Scale (and median) of the delay from receiving material to first using a leaked copy."""
PUBLIC_DELAY_DAYS = 7.0
"""Scale (and median) of the delay from a public patch to its first exploitation."""
RESOLUTION = timedelta(hours=1)
"""Narrowest onset window weighed: an instant onset counts as the hour it starts."""


def probability_of_onset(
    delta_days: float, background_events: int, window_days: float, prior: GammaPrior
) -> float:
    """Posterior predictive chance of at least one unrelated onset within `delta_days`."""
    if delta_days <= 0:
        return 0.0
    shape = prior.shape + background_events
    rate = prior.days + max(window_days, 0.0)
    return 1.0 - float((rate / (rate + delta_days)) ** shape)


@dataclass(frozen=True, slots=True)
class Background:
    """Unrelated activity known before a reference moment: the data the prior is updated on."""

    events: int
    """Onsets of other activity in the window."""
    days: float
    """Length of the window in days."""


def background(
    prior_onsets: Sequence[TimePoint], window_start: datetime, reference: datetime
) -> Background:
    """Other onsets in `[window_start, reference)`; the window starts no later than `reference`."""
    start = min(window_start, reference)
    k = sum(1 for p in prior_onsets if start <= p.start < reference)
    return Background(k, (reference - start) / DAY)


def onset_window(onset: TimePoint) -> tuple[datetime, datetime]:
    """The span an onset may lie in, at least `RESOLUTION` wide."""
    return onset.start, max(onset.end, onset.start + RESOLUTION)


def delay_cdf(days: float, scale: float) -> float:
    """Lomax (shape 1) chance that the first use comes within `days` of receipt."""
    return 0.0 if days <= 0 else days / (days + scale)


def likelihood_ratio(
    since: datetime,
    onset: TimePoint,
    *,
    scale: float,
    data: Background,
    prior: GammaPrior,
    until: datetime | None = None,
) -> float:
    """How much likelier the onset's window is if caused by material given at `since`.

    Only the part of the window in `[since, until)` counts for the cause (`until`: the patch,
    after which a leak's timing says nothing); the background may start it anywhere in it.
    """
    start, end = onset_window(onset)
    low, high = max(start, since), end if until is None else min(end, until)
    if high <= low:
        return 0.0
    cause = delay_cdf((high - since) / DAY, scale) - delay_cdf((low - since) / DAY, scale)
    unrelated = probability_of_onset((end - start) / DAY, data.events, data.days, prior)
    return cause / unrelated if unrelated > 0 else math.inf


def bans(ratio: float) -> float:
    """A likelihood ratio in bans (`log10`), capped at `TIMING_CAP` either way."""
    if ratio <= 0:
        return -TIMING_CAP
    return max(-TIMING_CAP, min(TIMING_CAP, math.log10(ratio)))


def _as_point(notice: datetime | TimePoint) -> TimePoint:
    return notice if isinstance(notice, TimePoint) else instant(notice)


def assess_timing(
    onset: TimePoint,
    notices: Iterable[datetime | TimePoint],
    prior_onsets: Sequence[TimePoint],
    window_start: datetime,
    prior: GammaPrior = DEFAULT_PRIOR,
) -> TimingAssessment | None:
    """Timing of `onset` against the latest notice that may precede it; `None` when none may.

    Notices compare with the onset at both precisions (`exposure.relation`): a wave sent at 00:00
    on the onset's day is that onset's notice, `during` it. `prior_onsets` are the onsets of other
    activity; those inside the background window `[window_start, notice)` set the rate.
    """
    points = [_as_point(n) for n in notices]
    before = [n for n in points if point_relation(n, onset) is not Relation.AFTER]
    if not before:
        return None
    latest = max(before, key=lambda n: n.start)
    notice = latest.start
    where = point_relation(latest, onset)
    if onset.precision is TimePrecision.INSTANT:
        delta = max((onset.start - notice) / DAY, 0.0)
    else:
        delta = float(max((onset.start.date() - notice.date()).days, 0))
    data = background(prior_onsets, window_start, notice)
    probability = probability_of_onset((onset.end - notice) / DAY, data.events, data.days, prior)
    return TimingAssessment(
        notice_at=notice,
        delta_days=delta,
        background_events=data.events,
        window_days=data.days,
        rate_per_day=(prior.shape + data.events) / (prior.days + data.days),
        probability_if_unrelated=probability,
        relation=where,
    )


def days_after(delta_days: float) -> str:
    """`4 days`, `1 day`, `0.4 days`: whole days as whole numbers, the same everywhere."""
    if delta_days == round(delta_days):
        whole = round(delta_days)
        return f"{whole} day" if whole == 1 else f"{whole} days"
    return f"{delta_days:.1f} days"


def since_notice(timing: TimingAssessment) -> str:
    """`4 days after the notice of 2021-02-23`, or, on the notice's own day, that it may precede."""
    if timing.relation is Relation.DURING:
        return (
            f"on the day of the notice of {timing.notice_at:%Y-%m-%d %H:%M} UTC "
            "(it may precede the notice: both are weighed)"
        )
    return f"{days_after(timing.delta_days)} after the notice of {timing.notice_at:%Y-%m-%d}"


def describe(timing: TimingAssessment) -> str:
    """One sentence for people."""
    return (
        f"onset {since_notice(timing)}; with {timing.background_events} unrelated onset(s) in "
        f"the {timing.window_days:.0f} days before it, an unrelated onset this soon has "
        f"probability {timing.probability_if_unrelated:.3f}"
    )


def ratio_words(ratio: float) -> str:
    """`4.6 times likelier`, `3 times less likely`, `as likely`."""
    if ratio <= 0:
        return "impossible"
    if 0.95 <= ratio <= 1.05:
        return "about as likely"
    if ratio > 1:
        return f"{_times(ratio)} times likelier"
    return f"{_times(1 / ratio)} times less likely"


def _times(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


__all__ = [
    "DEFAULT_PRIOR",
    "LEAK_DELAY_DAYS",
    "PUBLIC_DELAY_DAYS",
    "RESOLUTION",
    "TIMING_CAP",
    "Background",
    "GammaPrior",
    "assess_timing",
    "background",
    "bans",
    "days_after",
    "delay_cdf",
    "describe",
    "likelihood_ratio",
    "onset_window",
    "probability_of_onset",
    "ratio_words",
    "since_notice",
]
