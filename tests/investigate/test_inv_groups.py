"""Exposure by group and duration: each wave is its own explanation, weighed at its precision."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from inv_records import at, case, day, event, fetch, innocent, month, release, tool

from forewarn.domain.investigation import (
    EvidenceKind,
    HypothesisKind,
    InvestigationResult,
    Relation,
    Verdict,
)
from forewarn.domain.timeline import EventKind, TimePoint, TimePrecision
from forewarn.investigate.engine import investigate
from forewarn.investigate.exposure import relation
from forewarn.investigate.groups import build_groups, exposure_summary, held_for, mixture

START = at("2021-01-01T00:00:00")


def _names(prefix: str, n: int) -> list[str]:
    return [f"{prefix} {i:02d}" for i in range(n)]


def three_waves() -> InvestigationResult:
    """The issue's incident: 12, 28 and 60 partners, 14, 5 and 1 days before the patch;
    exploitation on the day of the last wave (known to the day); no fingerprint evidence."""
    releases = [release(p, "2021-06-24T00:00:00") for p in _names("Early", 12)]
    releases += [
        release(p, "2021-07-03T00:00:00", poc=False, tier="standard") for p in _names("Mid", 28)
    ]
    releases += [
        release(p, "2021-07-07T00:00:00", poc=False, tier="responder") for p in _names("Late", 60)
    ]
    fetches = [fetch(r, f"{r.available_at:%Y-%m-%d}T02:00:00") for r in releases[::4]]
    return investigate(
        case(patch_planned=at("2021-07-08T00:00:00").date()),
        events=[
            event(EventKind.DISCOVERED, month("2021-05")),
            event(EventKind.EXPLOITATION, day("2021-07-07"), "exploitation begins"),
        ],
        releases=releases,
        fetches=fetches,
        findings=[],
        as_of=at("2021-07-07T20:00:00"),
    )


def test_a_day_onset_on_the_day_of_a_wave_is_timed_from_that_wave_and_says_so() -> None:
    result = three_waves()
    (activity,) = result.activities
    timing = activity.timing
    assert timing is not None
    assert timing.notice_at == at("2021-07-07T00:00:00")  # not the notice of 07-03
    assert timing.relation is Relation.DURING and timing.delta_days == 0
    assert "on the day of the notice of 2021-07-07 00:00 UTC" in result.headline
    assert "it may precede the notice: both are weighed" in result.headline
    # the wave that counts as a notice counts as exposure, and the other way round
    assert len(activity.exposed_partners) == 100
    last = activity.groups[-1]
    assert last.relation is Relation.DURING and last.partners == 60
    assert "notified on the onset's day" in last.statement
    assert "the onset may precede their notice" in last.statement


def test_each_wave_held_the_material_for_its_own_span() -> None:
    activity = three_waves().activities[0]
    spans = [g.statement for g in activity.groups]
    assert "12 partners of the early-access wave of 2021-06-24 00:00 UTC" in spans[0]
    assert "had held advisory.md, poc.py 13 days before the onset" in spans[0]
    assert "28 partners of the standard wave of 2021-07-03 00:00 UTC" in spans[1]
    assert "had held advisory.md 4 days before the onset" in spans[1]
    assert "held advisory.md at most 24 hours when it began" in spans[2]
    assert "3 of them fetched it at 06-24 02:00" in spans[0]
    assert exposure_summary(activity.groups).count("; ") == 2
    titles = [h.title for h in activity.hypotheses if h.kind is HypothesisKind.PARTNER_LEAK]
    assert len(titles) == 3 and all("not identified" in t for t in titles)
    assert not any(h.subject for h in activity.hypotheses)


def test_the_latest_wave_is_likeliest_yet_timing_alone_leads_to_no_one() -> None:
    activity = three_waves().activities[0]
    ratios = [g.likelihood_ratio for g in activity.groups]
    assert all(r is not None for r in ratios)
    assert ratios[0] < ratios[1] < ratios[2]  # type: ignore[operator]
    leaks = {
        h.title.split(" (", 1)[0]: h
        for h in activity.hypotheses
        if h.kind is HypothesisKind.PARTNER_LEAK
    }
    scores = [leaks[f"Leak from the {g.group}"].score for g in activity.groups]
    assert scores == sorted(scores)
    assert not any(h.verdict is Verdict.LEADING for h in activity.hypotheses)


def test_a_notice_later_on_the_onset_day_counts_only_for_the_rest_of_the_day() -> None:
    def ratio(notice: str) -> float:
        result = investigate(
            case(),
            events=[event(EventKind.EXPLOITATION, day("2021-02-27"))],
            releases=[release("Alder Labs", notice)],
            fetches=[],
            findings=[],
            as_of=at("2021-03-01T00:00:00"),
        )
        (group,) = result.activities[0].groups
        assert group.relation is Relation.DURING and group.likelihood_ratio is not None
        return group.likelihood_ratio

    assert ratio("2021-02-27T18:00:00") < ratio("2021-02-27T00:00:00")


def test_relation_compares_at_both_precisions() -> None:
    onset = day("2021-07-07")
    assert relation(at("2021-07-06T23:00:00"), at("2021-07-06T23:00:00"), onset) is Relation.BEFORE
    assert relation(at("2021-07-07T00:00:00"), at("2021-07-07T00:00:00"), onset) is Relation.DURING
    assert relation(at("2021-07-07T12:00:00"), at("2021-07-07T12:00:00"), onset) is Relation.DURING
    assert relation(at("2021-07-08T00:00:00"), at("2021-07-08T00:00:00"), onset) is Relation.AFTER
    notice_day = day("2021-07-06")
    assert relation(notice_day.start, notice_day.end, onset) is Relation.BEFORE
    point = TimePoint(at("2021-07-07T12:00:00"), TimePrecision.INSTANT)
    assert relation(point.start, point.end, point) is Relation.AFTER  # simultaneous: not before
    assert relation(onset.start, onset.end, point) is Relation.DURING


def test_groups_split_a_wave_by_what_policy_gave_and_label_the_subset() -> None:
    releases = [release("Alder Labs", "2021-02-23T09:00:00")]
    releases.append(release("Basalt Systems", "2021-02-23T09:00:00", poc=False))
    releases.append(release("Cinder Cyber", "2021-03-08T09:00:00", poc=False, tier="standard"))
    groups = build_groups(releases, [fetch(releases[0], "2021-02-23T10:00:00")])
    assert [g.label for g in groups] == [
        "early-access wave of 2021-02-23 09:00 UTC",
        "early-access wave of 2021-02-23 09:00 UTC without poc.py",
        "standard wave of 2021-03-08 09:00 UTC",
    ]
    assert [len(g.fetches) for g in groups] == [1, 0, 0]
    assert [held_for(timedelta(days=d)) for d in (13, 3.625, 2.5)] == [
        "13 days",
        "3.6 days",
        "2.5 days",
    ]
    assert held_for(timedelta(hours=60)) == "2.5 days"
    assert [held_for(timedelta(hours=h)) for h in (30, 0.5)] == ["30 hours", "30 minutes"]
    assert mixture(()) is None


waves = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 23), st.integers(1, 4)),
    min_size=2,
    max_size=4,
    unique_by=lambda w: w[0],
)


@settings(max_examples=80, deadline=None)
@given(waves, st.integers(0, 90), st.booleans(), st.booleans())
def test_timing_never_names_a_partner_and_the_only_exposed_wave_leads(
    plan: list[tuple[int, int, int]], onset_day: int, near_first: bool, with_tool: bool
) -> None:
    if near_first:  # often inside the first wave's window alone
        onset_day = min(offset for offset, _, _ in plan) + 1 + onset_day % 10
    releases = []
    for index, (offset, hour, size) in enumerate(sorted(plan)):
        when = START + timedelta(days=offset, hours=hour)
        releases += [
            release(p, f"{when:%Y-%m-%dT%H:%M:%S}", tier=f"tier{index}")
            for p in _names(f"W{index}", size)
        ]
    onset = day(f"{START + timedelta(days=onset_day):%Y-%m-%d}")
    findings = [tool(onset, 0.9, (innocent("W0 00"),))] if with_tool else []
    result = investigate(
        case(patch_planned=(START + timedelta(days=120)).date()),
        events=[event(EventKind.EXPLOITATION, onset)],
        releases=releases,
        fetches=[
            fetch(r, f"{r.available_at + timedelta(hours=1):%Y-%m-%dT%H:%M:%S}") for r in releases
        ],
        findings=findings,
        as_of=START + timedelta(days=100),
    )
    (activity,) = result.activities
    assert all(not h.subject for h in activity.hypotheses)
    assert not any(r.partner in result.headline for r in releases)
    exposed = [g for g in activity.groups if g.relation is not Relation.AFTER]
    leaks = [h for h in activity.hypotheses if h.kind is HypothesisKind.PARTNER_LEAK]
    if not exposed:
        assert all(h.verdict is Verdict.RULED_OUT for h in leaks)
        return
    alive = [h for h in leaks if h.verdict is not Verdict.RULED_OUT]
    if len(exposed) == 1 and exposed[0].relation is Relation.BEFORE:
        # the onset sits inside this wave's window alone: every other wave is ruled out
        (only,) = alive
        assert exposed[0].group in only.title
        assert max(leaks, key=lambda h: h.score) is only
    timing = [e for h in leaks for e in h.evidence if e.kind is EvidenceKind.TIMING]
    assert all(e.weight <= 2.0 for e in timing)
