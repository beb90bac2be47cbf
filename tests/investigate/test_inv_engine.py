"""The investigation engine on hand-built records: the three shapes a PSIRT meets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from inv_records import (
    CASE_ID,
    accused,
    at,
    case,
    day,
    event,
    fetch,
    innocent,
    month,
    release,
    tool,
)

from forewarn.domain.evidence import TokenHit
from forewarn.domain.investigation import (
    EvidenceKind,
    HypothesisKind,
    InvestigationResult,
    RecommendationKind,
    Verdict,
)
from forewarn.domain.timeline import EventKind
from forewarn.investigate.commands import command_line
from forewarn.investigate.engine import investigate

EARLY = ["Kestrel Systems", "Bluefin Analytics", "Tamarack Security"]
STANDARD = ["Ostrava Shield", "Pinecone Labs"]


def exchange_like(*, with_accusation: bool = True) -> InvestigationResult:
    releases = [release(p, "2021-02-23T09:00:00") for p in EARLY]
    fetches = [fetch(r, "2021-02-23T11:30:00") for r in releases]
    suspects = (accused("Kestrel Systems"), innocent("Bluefin Analytics"))
    found = tool(
        day("2021-02-28"), 0.82, suspects if with_accusation else (innocent("Kestrel Systems"),)
    )
    return investigate(
        case(),
        events=[
            event(EventKind.DISCOVERED, month("2020-12")),
            event(EventKind.EXPLOITATION, day("2021-01-03"), "first targeted attacks"),
            event(EventKind.PARTNER_NOTICE, day("2021-02-23")),
            event(EventKind.SCANNING, day("2021-02-27")),
            event(EventKind.EXPLOITATION, day("2021-02-28"), "second wave"),
            event(EventKind.PRESS, day("2021-03-12")),
        ],
        releases=releases,
        fetches=fetches,
        findings=[found],
        as_of=at("2021-03-01T12:00:00"),
        program_partners=EARLY + STANDARD,
    )


def verdicts(result: InvestigationResult, wave: int) -> dict[str, Verdict]:
    return {h.title: h.verdict for h in result.activities[wave].hypotheses}


def test_wave_before_every_notice_is_explained_by_no_partner() -> None:
    result = exchange_like()
    wave1 = result.activities[0]
    assert str(wave1.start) == "2021-01-03"
    assert wave1.exposed_partners == ()
    assert wave1.timing is None
    leaks = [h for h in wave1.hypotheses if h.kind is HypothesisKind.PARTNER_LEAK]
    assert leaks and all(h.verdict is Verdict.RULED_OUT for h in leaks)
    insider = next(h for h in wave1.hypotheses if h.kind is HypothesisKind.VENDOR_INSIDER)
    assert insider.verdict is Verdict.RULED_OUT  # the vendor learned on Jan 5
    alive = {h.kind for h in wave1.hypotheses if h.verdict is not Verdict.RULED_OUT}
    assert alive == {HypothesisKind.FINDER_COMPROMISE, HypothesisKind.INDEPENDENT_DISCOVERY}
    assert "Wave 1 (2021-01-03) predates every partner notice" in result.headline


def test_wave_after_notice_with_derived_tool_names_the_accused_partner() -> None:
    result = exchange_like()
    wave2 = result.activities[1]
    assert [e.kind for e in wave2.events] == [EventKind.SCANNING, EventKind.EXPLOITATION]
    assert set(wave2.exposed_partners) == set(EARLY)
    top = wave2.hypotheses[0]
    assert top.verdict is Verdict.LEADING
    assert top.kind is HypothesisKind.PARTNER_LEAK and top.subject == "Kestrel Systems"
    assert verdicts(result, 1)["Independent discovery by the attacker"] is Verdict.RULED_OUT
    assert verdicts(result, 1)["Not derived from anything the program shared"] is Verdict.RULED_OUT
    assert "leak by partner Kestrel Systems" in result.headline
    assert "1.0e-07" in result.headline
    assert wave2.timing is not None and wave2.timing.probability_if_unrelated < 0.1


def test_without_an_accusation_no_partner_is_named() -> None:
    result = exchange_like(with_accusation=False)
    wave2 = result.activities[1]
    assert all(not h.subject for h in wave2.hypotheses)
    leak = next(h for h in wave2.hypotheses if h.kind is HypothesisKind.PARTNER_LEAK)
    assert leak.title == (
        "Leak from the early-access wave of 2021-02-23 09:00 UTC (3 partners, not identified)"
    )
    assert leak.verdict in {Verdict.LEADING, Verdict.PLAUSIBLE}
    kinds = {r.kind for r in result.recommendations}
    assert RecommendationKind.SUSPEND_PARTNER not in kinds


def test_recommendations_move_patch_suspend_and_notify() -> None:
    result = exchange_like()
    by_kind = {r.kind: r for r in result.recommendations}
    move = by_kind[RecommendationKind.MOVE_PATCH]
    assert str(move.target_date) == "2021-03-02"
    assert command_line(move).startswith(
        f"forewarn case reschedule {CASE_ID} --patch-planned 2021-03-02"
    )
    suspend = by_kind[RecommendationKind.SUSPEND_PARTNER]
    assert suspend.partner == "Kestrel Systems"
    assert command_line(suspend).startswith("forewarn partner suspend 'Kestrel Systems' --reason")
    notify = by_kind[RecommendationKind.NOTIFY_PARTNERS]
    assert "2 remaining partners" in notify.title
    assert result.recommendations[0].kind is RecommendationKind.MOVE_PATCH


def test_later_events_are_left_out_and_said_so() -> None:
    result = exchange_like()
    assert all(e.kind is not EventKind.PRESS for e in result.events)
    assert result.notes == ("1 timeline event(s) after 2021-03-01 12:00 UTC left out",)


def test_month_precision_discovery_covers_the_whole_month() -> None:
    result = investigate(
        case(),
        events=[
            event(EventKind.DISCOVERED, month("2020-12")),
            event(EventKind.EXPLOITATION, day("2020-12-30")),
        ],
        releases=[],
        fetches=[],
        findings=[],
        as_of=at("2021-01-10T00:00:00"),
    )
    finder = next(
        h for h in result.activities[0].hypotheses if h.kind is HypothesisKind.FINDER_COMPROMISE
    )
    assert finder.verdict is not Verdict.RULED_OUT
    early = investigate(
        case(),
        events=[
            event(EventKind.DISCOVERED, month("2020-12")),
            event(EventKind.EXPLOITATION, day("2020-11-30")),
        ],
        releases=[],
        fetches=[],
        findings=[],
        as_of=at("2021-01-10T00:00:00"),
    )
    finder = next(
        h for h in early.activities[0].hypotheses if h.kind is HypothesisKind.FINDER_COMPROMISE
    )
    assert finder.verdict is Verdict.RULED_OUT


def test_accused_partner_without_prior_exposure_is_ruled_out() -> None:
    late = release("Kestrel Systems", "2021-03-05T09:00:00")
    result = investigate(
        case(),
        events=[event(EventKind.EXPLOITATION, day("2021-02-28"))],
        releases=[late],
        fetches=[],
        findings=[tool(day("2021-03-01"), 0.9, (accused("Kestrel Systems"),))],
        as_of=at("2021-03-07T00:00:00"),
    )
    named = next(h for h in result.activities[0].hypotheses if h.subject == "Kestrel Systems")
    assert named.verdict is Verdict.RULED_OUT


def test_a_canary_token_alone_is_a_lead_rules_out_unrelated_origin_and_suspends_nobody() -> None:
    rel = release("Tamarack Security", "2021-02-23T09:00:00")
    hit = TokenHit("x-req-7f3a", "Tamarack Security", "poc.py")
    result = investigate(
        case(),
        events=[event(EventKind.SCANNING, day("2021-02-27"))],
        releases=[rel],
        fetches=[],
        findings=[tool(day("2021-02-27"), 0.1, tokens=(hit,), label="IIS log of mail01")],
        as_of=at("2021-03-01T00:00:00"),
    )
    wave = result.activities[0]
    lead = wave.hypotheses[0]
    assert lead.subject == "Tamarack Security"
    assert "a lead" in lead.title
    assert (
        "tracking token of Tamarack Security found in IIS log of mail01: a lead to check, not "
        "proof" in lead.evidence[0].statement
    )
    unrelated = next(h for h in wave.hypotheses if h.kind is HypothesisKind.NOT_DERIVED)
    assert unrelated.verdict is Verdict.RULED_OUT
    kinds = {r.kind for r in result.recommendations}
    assert RecommendationKind.SUSPEND_PARTNER not in kinds
    assert "false-accusation bound" not in result.headline


@pytest.mark.parametrize("gap", [timedelta(days=0), timedelta(days=2)])
def test_several_unrelated_waves_with_no_leak_accuse_nobody(gap: timedelta) -> None:
    """A second shape: activity all year long, a notice in between, material unlike ours."""
    releases = [release(p, "2021-02-20T09:00:00") for p in EARLY + STANDARD]
    waves = ["2021-01-10", "2021-01-24", "2021-02-07", "2021-03-01", "2021-03-15"]
    findings = [
        tool(
            day(w),
            0.12,
            (innocent("Kestrel Systems"), innocent("Pinecone Labs")),
            label=f"dropper {w}",
        )
        for w in waves[2:]
    ]
    result = investigate(
        case(patch_planned=at("2021-04-13T00:00:00").date()),
        events=[event(EventKind.EXPLOITATION, day(w)) for w in waves],
        releases=releases,
        fetches=[fetch(r, "2021-02-20T10:00:00") for r in releases],
        findings=findings,
        as_of=at("2021-03-20T00:00:00") + gap,
    )
    assert len(result.activities) == len(waves)
    for activity in result.activities:
        assert all(not h.subject for h in activity.hypotheses)
        leading = [h for h in activity.hypotheses if h.verdict is Verdict.LEADING]
        assert all(h.kind is not HypothesisKind.PARTNER_LEAK for h in leading)
    after = result.activities[3]
    assert after.timing is not None and after.timing.background_events == 3
    # nine days after the notice, with onsets every two weeks before it, timing is likelier
    # unrelated: it supports the explanations without a partner, and the unlike material leads
    assert after.hypotheses[0].kind is HypothesisKind.NOT_DERIVED
    leak = next(h for h in after.hypotheses if h.kind is HypothesisKind.PARTNER_LEAK)
    assert leak.verdict is Verdict.UNLIKELY
    timing = next(e for e in leak.evidence if e.kind is EvidenceKind.TIMING)
    assert not timing.supports and "less likely if they leaked" in timing.statement
    kinds = {r.kind for r in result.recommendations}
    assert RecommendationKind.SUSPEND_PARTNER not in kinds
    assert not any(name in result.headline for name in EARLY + STANDARD)
