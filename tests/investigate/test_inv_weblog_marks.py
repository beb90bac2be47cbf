"""Payload marks read from a web log: weak support, never an accusation by themselves."""

from __future__ import annotations

from inv_records import accused, at, case, day, event, release, tool

from forewarn.domain.evidence import ChannelEvidence, Suspect
from forewarn.domain.investigation import (
    EvidenceKind,
    Finding,
    HypothesisKind,
    InvestigationResult,
    Verdict,
)
from forewarn.domain.timeline import EventKind
from forewarn.investigate.engine import investigate
from forewarn.investigate.hypotheses import HINT_WEIGHT
from forewarn.investigate.report import render_html

EARLY = ["Kestrel Systems", "Bluefin Analytics", "Tamarack Security"]


def leaning(partner: str, score: float) -> Suspect:
    return Suspect(
        partner=partner,
        score=score,
        accused=False,
        false_accusation_bound=0.01,
        evidence=(ChannelEvidence("payload", 12, 12, score),),
    )


def weblog(*suspects: Suspect) -> Finding:
    return Finding(label="u_ex210228.log", kind="weblog", seen=day("2021-02-28"), suspects=suspects)


def run(*findings: Finding) -> InvestigationResult:
    return investigate(
        case(),
        events=[
            event(EventKind.PARTNER_NOTICE, day("2021-02-23")),
            event(EventKind.SCANNING, day("2021-02-27")),
        ],
        releases=[release(p, "2021-02-23T09:00:00") for p in EARLY],
        fetches=[],
        findings=list(findings),
        as_of=at("2021-03-01T12:00:00"),
        program_partners=EARLY,
    )


def test_log_marks_alone_support_a_partner_leak_without_naming_anyone() -> None:
    result = run(weblog(leaning("Kestrel Systems", 11.6), leaning("Bluefin Analytics", 2.0)))
    wave = result.activities[0]
    assert all(not h.subject for h in wave.hypotheses)
    leak = next(h for h in wave.hypotheses if h.kind is HypothesisKind.PARTNER_LEAK)
    marks = [e for e in leak.evidence if e.kind is EvidenceKind.FINGERPRINT and e.supports]
    assert [e.weight for e in marks] == [HINT_WEIGHT]
    assert "Kestrel" not in marks[0].statement and "not enough to accuse" in marks[0].statement
    independent = next(h for h in wave.hypotheses if h.kind is HypothesisKind.INDEPENDENT_DISCOVERY)
    assert not any("resembles nothing" in e.statement for e in independent.evidence)
    assert "Kestrel" not in result.headline


def test_log_marks_add_weak_support_to_the_partner_already_accused() -> None:
    found = tool(day("2021-02-28"), 0.8, (accused("Kestrel Systems"),))
    alone = run(found).activities[0].hypotheses[0]
    both = run(found, weblog(leaning("Kestrel Systems", 11.6))).activities[0].hypotheses[0]
    assert (both.subject, both.verdict) == ("Kestrel Systems", Verdict.LEADING)
    assert both.score == round(alone.score + HINT_WEIGHT, 3)
    statement = next(e.statement for e in both.evidence if "u_ex210228.log" in e.statement)
    assert "payload 12/12" in statement and "not enough to accuse" in statement


def test_report_shows_what_the_log_marks_say_without_naming_anyone() -> None:
    html = render_html(run(weblog(leaning("Kestrel Systems", 11.6))))
    section = html.split("<h2>Accusation</h2>", 1)[1].split("<h2>", 1)[0]
    assert "u_ex210228.log" in section and "Kestrel Systems" not in section  # no innocent lead
    assert "payload: 12/12" in section and "not enough to accuse" in section
    assert "nobody named" in section
    assert "nothing shared" not in section and "No fingerprint could be read" not in section
