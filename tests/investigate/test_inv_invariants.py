"""Invariants of the engine over random timelines: who may be named, who may be blamed."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from inv_records import accused, at, case, day, event, innocent, release, tool

from forewarn.domain.investigation import HypothesisKind, Verdict
from forewarn.domain.timeline import EventKind
from forewarn.investigate.engine import investigate

START = at("2021-01-01T00:00:00")
PARTNERS = ["Alder Labs", "Basalt Systems", "Cinder Cyber", "Dunlin Signals"]

offsets = st.lists(st.integers(min_value=0, max_value=80), min_size=1, max_size=6)
kinds = st.sampled_from([EventKind.SCANNING, EventKind.EXPLOITATION])


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).strftime("%Y-%m-%d")


@settings(max_examples=60, deadline=None)
@given(offsets, st.lists(kinds, min_size=6, max_size=6), st.integers(0, 80), st.booleans())
def test_nobody_is_named_without_marks_and_nobody_before_exposure(
    days: list[int], event_kinds: list[EventKind], notice: int, with_tool: bool
) -> None:
    releases = [release(p, _day(notice) + "T09:00:00") for p in PARTNERS]
    findings = [tool(day(_day(d)), 0.9, (innocent(PARTNERS[0]),)) for d in days[:1] if with_tool]
    result = investigate(
        case(patch_planned=(START + timedelta(days=120)).date()),
        events=[event(k, day(_day(d))) for d, k in zip(days, event_kinds, strict=False)],
        releases=releases,
        fetches=[],
        findings=findings,
        as_of=START + timedelta(days=100),
    )
    for activity in result.activities:
        assert all(not h.subject for h in activity.hypotheses)
        if activity.start.end <= releases[0].available_at:
            for h in activity.hypotheses:
                if h.kind is HypothesisKind.PARTNER_LEAK:
                    assert h.verdict is Verdict.RULED_OUT
        assert sum(h.verdict is Verdict.LEADING for h in activity.hypotheses) <= 1
    assert not any(p in result.headline for p in PARTNERS)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 60), st.integers(1, 30), st.sampled_from(PARTNERS))
def test_an_accusation_after_exposure_leads_before_none_names(
    notice: int, gap: int, partner: str
) -> None:
    releases = [release(p, _day(notice) + "T09:00:00") for p in PARTNERS]
    when = day(_day(notice + gap))
    result = investigate(
        case(patch_planned=(START + timedelta(days=120)).date()),
        events=[event(EventKind.EXPLOITATION, when)],
        releases=releases,
        fetches=[],
        findings=[tool(when, 0.8, (accused(partner, 1e-6),))],
        as_of=START + timedelta(days=100),
    )
    (activity,) = result.activities
    top = activity.hypotheses[0]
    assert (top.subject, top.verdict) == (partner, Verdict.LEADING)
    named = {h.subject for h in activity.hypotheses if h.subject}
    assert named == {partner}
