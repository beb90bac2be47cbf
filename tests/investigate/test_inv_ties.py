"""A tie at the top of the marks names nobody: in `trace`, in the hypotheses and in the report."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from inv_records import day, innocent, tool
from test_inv_weblog_marks import run

from forewarn.cli import common
from forewarn.cli.trace import render
from forewarn.domain.evidence import ChannelEvidence, Suspect, tie_statement, top_suspects
from forewarn.hunt import TraceResult
from forewarn.investigate.attribution import mark_hints
from forewarn.investigate.report import render_html, suspect_rows
from forewarn.investigate.summary import brief

TIED = ("Partner 001", "Partner 002", "Partner 003", "Partner 004")


def tied(partner: str, score: float = 3.2) -> Suspect:
    """A partner whose read symbols match exactly as well as three others'."""
    return Suspect(
        partner=partner,
        score=score,
        accused=False,
        false_accusation_bound=0.2,
        evidence=(ChannelEvidence("wire", 4, 4, score),),
    )


FOUR_WAY = tuple(tied(p) for p in TIED)


def test_trace_prints_a_four_way_tie_without_a_name(capsys, monkeypatch) -> None:
    monkeypatch.setattr(common.console, "width", 250)
    render([TraceResult("found/x.log", "weblog", suspects=FOUR_WAY)])
    out = capsys.readouterr().out
    assert "4 partners tied" in " ".join(out.split())
    assert not any(p in out for p in TIED) and "?" not in out


def test_trace_still_shows_a_lone_top_score_as_too_little(capsys, monkeypatch) -> None:
    monkeypatch.setattr(common.console, "width", 250)
    render([TraceResult("found/x.log", "weblog", suspects=(tied("Partner 001"), tied("B", 1.0)))])
    out = " ".join(capsys.readouterr().out.split())
    assert "Partner 001?" in out and "too little to accuse" in out and "tied" not in out


def test_the_report_and_the_hypotheses_name_nobody_on_a_tie() -> None:
    found = tool(day("2021-02-28"), 0.8, FOUR_WAY, label="renamed.py")
    result = run(found)
    (hint,) = mark_hints(result.activities[0])
    assert hint.leaders == TIED
    for h in result.activities[0].hypotheses:
        assert not h.subject
        assert not any(p in e.statement for e in h.evidence for p in TIED)
    (row,) = suspect_rows(found, 1e-3)
    assert row.partner == "" and row.decision == tie_statement(4, 3.2)
    html = render_html(result)
    assert not any(p in html for p in TIED)
    assert "4 partners tied (score 3.2)" in html and "nobody named" in html
    assert any("tied between 4 partners" in q for q in brief(result).unknown)


def test_a_lone_top_score_is_named_only_beside_an_accusation_of_the_same_partner() -> None:
    alone = tool(day("2021-02-28"), 0.8, (tied("Partner 001"), innocent("Partner 002")))
    (row,) = suspect_rows(alone, 1e-3)
    assert row.partner == "" and "name nobody" in row.decision
    (row,) = suspect_rows(alone, 1e-3, frozenset({"Partner 001"}))
    assert row.partner == "Partner 001" and "corroborates" in row.decision


scores = st.lists(  # scores as the decoder gives them: tenths, from negative to large
    st.integers(min_value=-50, max_value=500).map(lambda v: v / 10), min_size=1, max_size=8
)


@given(scores)
def test_top_suspects_are_exactly_the_best_positive_scores(values: list[float]) -> None:
    suspects = [tied(f"P{i}", v) for i, v in enumerate(values)]
    top = top_suspects(suspects)
    positive = [v for v in values if v > 0]
    if not positive:
        assert top == ()
        return
    assert {s.score for s in top} == {max(positive)}
    assert len(top) == sum(1 for v in values if v == max(positive))
    assert [s.partner for s in top] == sorted(s.partner for s in top)
