"""How surprising is an onset of activity so soon after a partner notice, were it unrelated?

Model: before the notice, unrelated activity on the case starts at a constant background rate `λ`
per day (a Poisson process). We do not know `λ`; we give it a Gamma prior with shape `α` and rate
`β` days (`DEFAULT_PRIOR`: α = 0.5, β = 30 days, a prior mean of one onset per 60 days, weak enough
that a few observed onsets dominate it) and update it on the `k` onsets seen in the background
window of `T` days, from the first moment anyone held the flaw up to the notice: the posterior is
Gamma(α + k, β + T). The chance of at least one unrelated onset within `Δ` days of the notice is
then the posterior predictive `1 − (β' / (β' + Δ))^α'` (a Lomax tail), which accounts for our
uncertainty about `λ` instead of plugging in a point estimate.

The onset is reported from its earliest start: a day-precision scan on Feb 27 after a notice on
Feb 23 is "4 days after" (calendar days; an instant onset counts elapsed time). The probability
alone takes `Δ` to the *end* of the onset's precision (the scan may be as late as Feb 28 00:00),
so it is never understated. Timing is evidence about
"some exposed party", never about a named partner: it weighs at most `TIMING_CAP` bans.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from forewarn.domain.investigation import TimingAssessment
from forewarn.domain.timeline import TimePoint, TimePrecision

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class GammaPrior:
    """Prior belief about the background rate of unrelated onsets, as a Gamma distribution."""

    shape: float = 0.5
    """`α`: pseudo-count of onsets."""
    days: float = 30.0
    """`β`: pseudo-exposure in days over which `α` onsets were seen."""


DEFAULT_PRIOR = GammaPrior()
"""α = 0.5 onsets over β = 30 days: one onset per 60 days a priori, quickly overruled by data."""

TIMING_CAP = 2.0
"""Most bans timing may ever contribute: closeness in time is suggestive, never proof."""


def probability_of_onset(
    delta_days: float, background_events: int, window_days: float, prior: GammaPrior
) -> float:
    """Posterior predictive chance of at least one unrelated onset within `delta_days`."""
    if delta_days <= 0:
        return 0.0
    shape = prior.shape + background_events
    rate = prior.days + max(window_days, 0.0)
    return 1.0 - float((rate / (rate + delta_days)) ** shape)


def assess_timing(
    onset: TimePoint,
    notices: Iterable[datetime],
    prior_onsets: Sequence[TimePoint],
    window_start: datetime,
    prior: GammaPrior = DEFAULT_PRIOR,
) -> TimingAssessment | None:
    """Timing of `onset` against the latest notice before it; `None` when no notice precedes it.

    `prior_onsets` are the onsets of other activity on the case; those starting inside the
    background window `[window_start, notice)` set the background rate.
    """
    before = [n for n in notices if n < onset.start]
    if not before:
        return None
    notice = max(before)
    if onset.precision is TimePrecision.INSTANT:
        delta = (onset.start - notice) / DAY
    else:
        delta = float((onset.start.date() - notice.date()).days)
    latest = (onset.end - notice) / DAY
    start = min(window_start, notice)
    window = (notice - start) / DAY
    k = sum(1 for p in prior_onsets if start <= p.start < notice)
    probability = probability_of_onset(latest, k, window, prior)
    return TimingAssessment(
        notice_at=notice,
        delta_days=delta,
        background_events=k,
        window_days=window,
        rate_per_day=(prior.shape + k) / (prior.days + window),
        probability_if_unrelated=probability,
    )


def timing_weight(timing: TimingAssessment) -> float:
    """Bans of evidence that the onset is related to the notice: `log10(1 / p)`, capped."""
    p = max(timing.probability_if_unrelated, 1e-12)
    return min(TIMING_CAP, -math.log10(p))


def days_after(delta_days: float) -> str:
    """`4 days`, `1 day`, `0.4 days`: whole days as whole numbers, the same everywhere."""
    if delta_days == round(delta_days):
        whole = round(delta_days)
        return f"{whole} day" if whole == 1 else f"{whole} days"
    return f"{delta_days:.1f} days"


def describe(timing: TimingAssessment) -> str:
    """One sentence for people."""
    return (
        f"onset {days_after(timing.delta_days)} after the notice of "
        f"{timing.notice_at:%Y-%m-%d}; with {timing.background_events} unrelated onset(s) in the "
        f"{timing.window_days:.0f} days before it, an unrelated onset this soon has probability "
        f"{timing.probability_if_unrelated:.3f}"
    )


__all__ = [
    "DEFAULT_PRIOR",
    "TIMING_CAP",
    "GammaPrior",
    "assess_timing",
    "days_after",
    "describe",
    "probability_of_onset",
    "timing_weight",
]
