"""`forewarn demo` end to end: the conclusions come from the evidence, and they are right."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from forewarn.cli.app import app
from forewarn.demo.scenario import DemoOutcome, load_attack, run_demo, scenario_dir
from forewarn.domain.investigation import HypothesisKind, RecommendationKind, Verdict
from forewarn.investigate.commands import command_line

pytestmark = pytest.mark.slow  # an end-to-end journey: `make test`, not `make check`


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoOutcome, float]:
    started = time.monotonic()
    outcome = run_demo(tmp_path_factory.mktemp("demo"))
    return outcome, time.monotonic() - started


def _invoke(outcome: DemoOutcome, *args: str) -> Result:
    """Run the CLI against the demo's database and key."""
    key = outcome.database.parent / "forewarn.key"
    argv = ["--db", f"sqlite:///{outcome.database}", "--key-file", str(key), *args]
    return CliRunner().invoke(app, argv)


def test_the_demo_builds_a_replay_program(demo: tuple[DemoOutcome, float]) -> None:
    outcome, _ = demo
    verified = _invoke(outcome, "audit", "verify", "--witness", "--json")
    assert verified.exit_code == 0, verified.stderr
    assert json.loads(verified.stdout)["mode"] == "replay"
    assert json.loads(outcome.json.read_text())["replay_program"] is True
    assert "Replay program" in outcome.report.read_text()


def test_the_demo_writes_its_report(demo: tuple[DemoOutcome, float]) -> None:
    outcome, _ = demo
    assert outcome.report.read_text().startswith("<!DOCTYPE html>")
    assert json.loads(outcome.json.read_text())["case"]["id"] == "FW-2021-0001"


def test_wave_1_predates_every_notice_and_no_partner_explains_it(
    demo: tuple[DemoOutcome, float],
) -> None:
    wave1 = demo[0].result.activities[0]
    assert str(wave1.start) == "2021-01-03"
    assert wave1.exposed_partners == () and wave1.timing is None
    for hypothesis in wave1.hypotheses:
        if hypothesis.kind is HypothesisKind.PARTNER_LEAK:
            assert hypothesis.verdict is Verdict.RULED_OUT


def test_wave_2_is_a_leak_by_the_partner_whose_copy_escaped(
    demo: tuple[DemoOutcome, float],
) -> None:
    outcome = demo[0]
    with scenario_dir() as folder:
        leaker = load_attack(folder / "attack.yaml").leak.partner
    wave2 = outcome.result.activities[1]
    assert str(wave2.start) == "2021-02-27"
    assert wave2.timing is not None and wave2.timing.delta_days == 4  # Feb 23 → Feb 27
    assert "4 days after the notice" in outcome.result.headline
    assert "onset 4 days after the notice of 2021-02-23" in outcome.report.read_text()
    assert json.loads(outcome.json.read_text())["activities"][1]["timing"]["delta_days"] == 4
    assert len(wave2.exposed_partners) == 16  # the early-access tier only
    top = wave2.hypotheses[0]
    assert (top.kind, top.subject, top.verdict) == (
        HypothesisKind.PARTNER_LEAK,
        leaker,
        Verdict.LEADING,
    )
    tool = next(f for f in wave2.findings if f.kind == "python")
    assert [m.artifact for m in tool.matches] == ["poc.py"]  # it derives from the shared PoC…
    assert [s.partner for s in tool.suspects if s.accused] == [leaker]  # …and carries its marks
    accused = [s for f in wave2.findings for s in f.suspects if s.accused]
    assert {s.partner for s in accused} == {leaker}
    assert all(s.false_accusation_bound <= 1e-3 for s in accused)
    assert leaker in outcome.result.headline and "false-accusation bound" in outcome.result.headline


def test_the_web_log_of_the_tools_runs_alone_names_the_leaker(
    demo: tuple[DemoOutcome, float],
) -> None:
    """Scheme 3 puts enough marks on the wire that one server's log of the tool's runs names
    the leaker by itself, and nobody else."""
    outcome = demo[0]
    with scenario_dir() as folder:
        leaker = load_attack(folder / "attack.yaml").leak.partner
    wave2 = outcome.result.activities[1]
    log = next(f for f in wave2.findings if f.label.endswith("u_ex210228.log"))
    assert {s.partner for s in log.suspects if s.accused} == {leaker}
    assert all(c.channel == "wire" for s in log.suspects for c in s.evidence)
    leading = wave2.hypotheses[0]
    assert any(log.label in e.statement and e.supports for e in leading.evidence)


def test_the_patch_should_move_earlier_and_the_leaker_be_suspended(
    demo: tuple[DemoOutcome, float],
) -> None:
    result = demo[0].result
    by_kind = {r.kind: r for r in result.recommendations}
    move = by_kind[RecommendationKind.MOVE_PATCH]
    assert move.target_date is not None and move.target_date < result.case.patch_planned
    assert "--now 2021-03-01T12:00:00Z" in command_line(move)
    assert by_kind[RecommendationKind.SUSPEND_PARTNER].partner in result.headline


def test_investigate_command_on_the_demo_database(demo: tuple[DemoOutcome, float]) -> None:
    outcome = demo[0]
    html = outcome.report.parent / "again.html"
    run = _invoke(
        outcome,
        "investigate",
        "FW-2021-0001",
        "--now",
        "2021-03-01T12:00:00Z",
        "--evidence",
        str(outcome.evidence),
        "--html",
        str(html),
        "--json",
    )
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["headline"] == outcome.result.headline
    assert html.read_text().count("<h3>Wave") == 2


def test_investigate_without_evidence_names_nobody(demo: tuple[DemoOutcome, float]) -> None:
    outcome = demo[0]
    run = _invoke(
        outcome, "investigate", "FW-2021-0001", "--now", "2021-03-01T12:00:00Z", "--no-registered"
    )
    assert run.exit_code == 0, run.output
    assert "Kittiwake" not in run.output.split("recommendations")[0]


def test_investigate_reads_the_registered_evidence_by_default(
    demo: tuple[DemoOutcome, float],
) -> None:
    outcome = demo[0]
    run = _invoke(outcome, "investigate", "FW-2021-0001", "--now", "2021-03-01T12:00:00Z", "--json")
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["headline"] == outcome.result.headline  # the same as with the files given
    found = [f for a in data["activities"] for f in a["findings"]]
    assert {f["dating"]["basis"] for f in found} == {"registered", "log lines"}
    assert all(f["dating"]["custody"]["collector"] for f in found)
    assert data["warnings"] == []


def test_investigate_unknown_case_is_one_line_and_exit_2(demo: tuple[DemoOutcome, float]) -> None:
    outcome = demo[0]
    run = _invoke(outcome, "investigate", "FW-1999-0001")
    assert run.exit_code == 2
    assert "Traceback" not in run.output


def test_missing_evidence_is_a_clear_error(demo: tuple[DemoOutcome, float], tmp_path: Path) -> None:
    outcome = demo[0]
    run = _invoke(outcome, "investigate", "FW-2021-0001", "--evidence", str(tmp_path / "nope"))
    assert run.exit_code == 2
    assert "does not exist" in run.output


def test_the_accusation_is_recorded_in_a_verifying_audit_log(
    demo: tuple[DemoOutcome, float],
) -> None:
    outcome = demo[0]
    run = _invoke(outcome, "audit", "verify")
    assert run.exit_code == 0, run.output
    assert "audit log OK" in run.output


def _busy_day(leak: Path, out: Path, other: int) -> None:
    """`other` requests of a busy server's ordinary traffic, then the leak's day: its header
    layout and every line, as one log."""
    lines = leak.read_text().splitlines(keepends=True)
    head = [line for line in lines if line.startswith("#")]
    sample = next(line for line in lines if not line.startswith("#")).split(" ")
    with out.open("w") as handle:
        handle.writelines(head)
        for i in range(other):
            sample[1] = f"{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}"
            sample[3], sample[4], sample[5] = "GET", f"/owa/auth/{i % 977}/img.png", "-"
            handle.write(" ".join(sample))
        handle.writelines(lines)


def test_a_leak_at_the_end_of_a_busy_days_log_is_read_and_its_partner_accused(
    demo: tuple[DemoOutcome, float], tmp_path: Path
) -> None:
    """Only requests on the PoC's routes count against the request limit (100,000 a log), so
    the tool's requests after 120,000 ordinary ones are read as if the log held them alone."""
    outcome, _ = demo
    leak = next(outcome.evidence.glob("*u_ex210228.log"))
    busy = tmp_path / "u_ex210228.log"
    _busy_day(leak, busy, 120_000)
    alone = _invoke(outcome, "--json", "trace", str(leak))
    within = _invoke(outcome, "--json", "trace", str(busy))
    assert alone.exit_code == 0 and within.exit_code == 0, within.stderr
    (expected,) = json.loads(alone.stdout)
    (found,) = json.loads(within.stdout)
    accused = [s["partner"] for s in found["suspects"] if s["accused"]]
    assert accused == [s["partner"] for s in expected["suspects"] if s["accused"]] != []
    assert [s["evidence"] for s in found["suspects"]] == [
        s["evidence"] for s in expected["suspects"]
    ]
    assert not any("requests; the rest is not read" in note for note in found["notes"])


def test_a_dask_hunt_of_busy_logs_accuses_the_leaker_where_trace_does(
    demo: tuple[DemoOutcome, float], tmp_path: Path
) -> None:
    """`forewarn hunt` on a Dask cluster, over days of ordinary traffic on the PoC's own server
    (its routes among them) and the day the leaked tool ran: the workers read the logs (asking
    the route filter before building requests), the client accuses, as `trace` does in one
    process; nobody is accused in the ordinary days."""
    outcome, _ = demo
    leak = next(outcome.evidence.glob("*u_ex210228.log"))
    corpus = tmp_path / "logs"
    corpus.mkdir()
    _busy_day(leak, corpus / "u_ex210228.log", 20_000)
    ordinary = [line for line in leak.read_text().splitlines(keepends=True) if line[0] == "#"]
    sample = next(line for line in leak.read_text().splitlines() if line[0] != "#").split(" ")
    for day in range(3):
        rows = list(ordinary)
        for i in range(5_000):
            sample[3] = ("GET", "POST")[i % 2]
            sample[4] = ("/owa/auth/logon.aspx", "/ecp/DDI/DDIService.svc/GetList", "/")[i % 3]
            rows.append(" ".join(sample) + "\n")
        (corpus / f"u_ex21022{day}.log").write_text("".join(rows))
    traced = _invoke(outcome, "--json", "trace", str(corpus))
    hunted = _invoke(outcome, "--json", "hunt", str(corpus), "--engine", "dask", "--workers", "2")
    assert traced.exit_code == 0 and hunted.exit_code == 0, hunted.stderr
    assert json.loads(hunted.stdout) == json.loads(traced.stdout)
    accused = {
        Path(i["path"]).name: [s["partner"] for s in i["suspects"] if s["accused"]]
        for i in json.loads(hunted.stdout)
    }
    alone = json.loads(_invoke(outcome, "--json", "trace", str(leak)).stdout)[0]
    leaker = [s["partner"] for s in alone["suspects"] if s["accused"]]
    assert leaker and accused.pop("u_ex210228.log") == leaker
    assert accused == dict.fromkeys(accused, []) and len(accused) == 3
