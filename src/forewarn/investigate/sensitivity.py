"""How much the background-rate prior matters: verdicts under a prior mean ten times each way.

The prior (one unrelated onset per 60 days) is a guess, not a measurement: no package ships
exploitation-timing data to calibrate it on. So every activity is weighed again with the prior's
mean rate `SENSITIVITY_FACTOR` times lower and higher (same strength of belief), and the
investigation says whether any verdict changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from forewarn.domain.investigation import Activity, PriorSensitivity, Verdict, VerdictChange
from forewarn.investigate.timing import GammaPrior

SENSITIVITY_FACTOR = 10.0
"""How far the prior's mean is moved each way."""


def _changes(base: Activity, other: Activity) -> tuple[VerdictChange, ...]:
    after = {h.title: h.verdict for h in other.hypotheses}
    return tuple(
        VerdictChange(h.title, h.verdict, after[h.title])
        for h in base.hypotheses
        if h.title in after and after[h.title] is not h.verdict
    )


def _days(days: float) -> str:
    return f"{days:,.0f} days" if days >= 2 else f"{days * 24:.0f} hours"


def _lower(title: str) -> str:
    return title[:1].lower() + title[1:]


def _describe(changes: Sequence[VerdictChange]) -> str:
    """`leak from … becomes plausible (was leading)`, for the ones that matter most."""
    shown = sorted(changes, key=lambda c: Verdict.LEADING not in (c.verdict, c.becomes))[:2]
    words = [
        f"{_lower(c.hypothesis)} becomes {c.becomes.value} (was {c.verdict.value})" for c in shown
    ]
    more = len(changes) - len(shown)
    return "; ".join(words) + (f"; and {more} more" if more > 0 else "")


def prior_sensitivity(
    base: Activity, lower: Activity, higher: Activity, prior: GammaPrior
) -> PriorSensitivity:
    """Compare the verdicts of one activity weighed under three priors."""
    down, up = _changes(base, lower), _changes(base, higher)
    mean = prior.mean_days
    rare = f"one unrelated onset per {_days(mean * SENSITIVITY_FACTOR)}"
    common = f"one per {_days(mean / SENSITIVITY_FACTOR)}"
    if not down and not up:
        statement = (
            f"No verdict changes when the background prior's mean is ten times lower ({rare}) "
            f"or higher ({common}) than the program's one per {_days(mean)}."
        )
    else:
        parts = []
        if down:
            parts.append(f"ten times lower ({rare}): {_describe(down)}")
        if up:
            parts.append(f"ten times higher ({common}): {_describe(up)}")
        steady = "" if down and up else " The other direction changes nothing."
        statement = (
            "The verdicts depend on the background prior (a guess of one unrelated onset per "
            f"{_days(mean)}). With its mean " + "; with it ".join(parts) + "." + steady
        )
    return PriorSensitivity(SENSITIVITY_FACTOR, mean, down, up, statement)


__all__ = ["SENSITIVITY_FACTOR", "prior_sensitivity"]
