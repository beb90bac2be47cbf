"""Timing: the chance of an unrelated onset so soon after a notice."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from inv_records import at, day

from forewarn.domain.timeline import TimePoint, TimePrecision
from forewarn.investigate.timing import (
    DEFAULT_PRIOR,
    LEAK_DELAY_DAYS,
    TIMING_CAP,
    GammaPrior,
    assess_timing,
    background,
    bans,
    days_after,
    delay_cdf,
    describe,
    likelihood_ratio,
    probability_of_onset,
    ratio_words,
    since_notice,
)

deltas = st.floats(min_value=0.01, max_value=365)
counts = st.integers(min_value=0, max_value=50)
windows = st.floats(min_value=0, max_value=3650)


@given(deltas, deltas, counts, windows)
def test_probability_is_a_probability_growing_with_the_gap(
    a: float, b: float, k: int, window: float
) -> None:
    low, high = sorted((a, b))
    p_low = probability_of_onset(low, k, window, DEFAULT_PRIOR)
    p_high = probability_of_onset(high, k, window, DEFAULT_PRIOR)
    assert 0.0 <= p_low <= p_high <= 1.0


@given(deltas, counts, windows)
def test_more_background_activity_makes_an_onset_less_surprising(
    delta: float, k: int, window: float
) -> None:
    assert probability_of_onset(delta, k, window, DEFAULT_PRIOR) <= probability_of_onset(
        delta, k + 1, window, DEFAULT_PRIOR
    )


def test_exchange_timing_with_one_prior_wave() -> None:
    timing = assess_timing(
        day("2021-02-27"),
        [at("2021-02-23T09:00:00")],
        [day("2021-01-03")],
        at("2020-12-01T00:00:00"),
    )
    assert timing is not None
    assert timing.background_events == 1
    assert timing.delta_days == 4  # Feb 23 → Feb 27, from the onset's earliest start
    assert "onset 4 days after the notice of 2021-02-23" in describe(timing)
    # the probability still runs to the end of Feb 27, conservatively: Gamma(0.5 + 1,
    # 30 + 84.375) posterior predictive over 4.625 days
    assert abs(timing.probability_if_unrelated - (1 - (114.375 / 119.0) ** 1.5)) < 1e-12
    # a leak from the Feb 23 wave against the background, over the onset's day only
    data = background([day("2021-01-03")], at("2020-12-01T00:00:00"), at("2021-02-23T09:00:00"))
    ratio = likelihood_ratio(
        at("2021-02-23T09:00:00"),
        day("2021-02-27"),
        scale=LEAK_DELAY_DAYS,
        data=data,
        prior=DEFAULT_PRIOR,
    )
    cause = delay_cdf(4.625, LEAK_DELAY_DAYS) - delay_cdf(3.625, LEAK_DELAY_DAYS)
    assert abs(ratio - cause / (1 - (114.375 / 115.375) ** 1.5)) < 1e-9
    assert 0 < bans(ratio) <= TIMING_CAP


def test_an_instant_onset_counts_elapsed_days_and_whole_days_read_whole() -> None:
    onset = TimePoint(at("2021-02-24T21:00:00"), TimePrecision.INSTANT)
    timing = assess_timing(onset, [at("2021-02-23T09:00:00")], [], at("2020-12-01"))
    assert timing is not None and timing.delta_days == 1.5
    assert [days_after(d) for d in (1.0, 4.0, 1.5)] == ["1 day", "4 days", "1.5 days"]


def test_no_notice_before_the_onset_means_no_timing() -> None:
    assert (
        assess_timing(day("2021-01-03"), [at("2021-02-23T09:00:00")], [], at("2020-12-01")) is None
    )


def test_the_cause_counts_only_after_it_and_before_the_patch() -> None:
    data = background([], at("2020-12-01T00:00:00"), at("2021-02-23T09:00:00"))

    def ratio(since: str, onset: TimePoint, until: str | None = None) -> float:
        end = None if until is None else at(until)
        return likelihood_ratio(
            at(since), onset, scale=LEAK_DELAY_DAYS, data=data, prior=DEFAULT_PRIOR, until=end
        )

    whole = ratio("2021-02-27T00:00:00", day("2021-02-27"))
    half = ratio("2021-02-27T12:00:00", day("2021-02-27"))
    cut = ratio("2021-02-27T00:00:00", day("2021-02-27"), until="2021-02-27T12:00:00")
    assert 0 < half < whole and 0 < cut < whole
    assert ratio("2021-02-28T00:00:00", day("2021-02-27")) == 0
    assert (
        ratio("2021-02-27T00:00:00", TimePoint(at("2021-02-27T06:00:00"), TimePrecision.INSTANT))
        > 0
    )
    assert [bans(0.0), bans(1e9), bans(1e-9), bans(10.0)] == [
        -TIMING_CAP,
        TIMING_CAP,
        -TIMING_CAP,
        1.0,
    ]
    assert delay_cdf(-1.0, LEAK_DELAY_DAYS) == 0.0
    assert delay_cdf(LEAK_DELAY_DAYS, LEAK_DELAY_DAYS) == 0.5  # the scale is the median


def test_ratios_and_notices_read_as_words() -> None:
    assert [ratio_words(r) for r in (0.0, 1.0, 4.58, 107.0, 0.2)] == [
        "impossible",
        "about as likely",
        "4.6 times likelier",
        "107 times likelier",
        "5.0 times less likely",
    ]
    same_day = assess_timing(day("2021-07-07"), [at("2021-07-07T00:00:00")], [], at("2021-05-01"))
    assert same_day is not None
    assert since_notice(same_day) == (
        "on the day of the notice of 2021-07-07 00:00 UTC (it may precede the notice: both are "
        "weighed)"
    )
    assert same_day.delta_days == 0
    assert GammaPrior().mean_days == 60
    assert GammaPrior().scaled(10).mean_days == 6
    assert assess_timing(day("2021-07-07"), [day("2021-07-08")], [], at("2021-05-01")) is None
