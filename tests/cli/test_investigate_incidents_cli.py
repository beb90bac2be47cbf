"""Incidents `investigate` had not seen, run through the CLI as a PSIRT lead would.

One program (tests/investigate/incidents/program.yaml: a collaboration-server case, 12 fictional
partners in three waves before the 2025-07-08 patch) is imported and released once per module;
each test copies it, adds its own timeline and evidence, and checks the conclusion a competent
analyst would draw: who is blamed, who is not, and what is recommended.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from forewarn.cli.app import app

INCIDENTS = Path(__file__).parents[1] / "investigate" / "incidents"
sys.path.insert(0, str(INCIDENTS))
import material  # noqa: E402  (the fixtures' helper module, beside them)

pytestmark = pytest.mark.one_database

CASE = "FW-2025-0007"
PROGRAM_KEY = Path(__file__).resolve().parents[1] / "marks" / "redteam_pocs" / "program.key"
"""The red team's test-only program key (see its README), reused."""
EARLY = ("Aldermoor Security", "Brightwater Labs", "Corvid Threat Intel", "Dappled Shield")


def _run(args: Sequence[str], cwd: Path) -> str:
    runner = CliRunner()
    full = ["--db", f"sqlite:///{cwd / 'forewarn.db'}", "--key-file", str(cwd / "forewarn.key")]
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, [*full, *args], catch_exceptions=False)
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The program after its three waves (06-24, 07-03, 07-07), with some fetches."""
    folder = tmp_path_factory.mktemp("incident")
    for name in ("program.yaml", "poc.py", "advisory.md", "detection.md"):
        shutil.copy(INCIDENTS / name, folder / name)
    # One fixed test-only key: a web log shows 15-20 symbols, and whether so few accuse at the
    # program's epsilon depends on the codewords; under a fresh key each run the same test
    # passed or failed by chance (the attribution benches measure that rate, not these tests).
    shutil.copyfile(PROGRAM_KEY, folder / "forewarn.key")
    os.chmod(folder / "forewarn.key", 0o600)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOREWARN_KNOWN_KEYS", str(folder / "known.json"))
        _run(["init", "--replay", "--now", "2025-05-16T08:00Z"], folder)
        _run(["program", "import", "program.yaml", "--now", "2025-05-16T09:00Z"], folder)
        for now, fetcher, at in (
            ("2025-06-24T09:00Z", "Aldermoor Security", "2025-06-24T10:05Z"),
            ("2025-07-03T06:00Z", "Eastmere Networks", "2025-07-03T07:00Z"),
            ("2025-07-07T07:00Z", "Ibisfield Analytics", "2025-07-07T08:00Z"),
        ):
            _run(["wave", "release", CASE, "--now", now, "--workers", "1"], folder)
            _run(["bundle", "fetch", CASE, "--partner", fetcher, "--out", "b", "--now", at], folder)
            if fetcher == "Aldermoor Security":
                shutil.copytree(folder, folder.parent / "first-wave")
        _run(["bundle", "fetch", CASE, "--partner", "Brightwater Labs", "--out", "b2",
              "--now", "2025-06-24T11:30Z"], folder)  # fmt: skip
    return folder


@pytest.fixture
def first_wave(released: Path, tmp_path: Path) -> Path:
    """A copy of the same program as it stood after the first wave (06-24) alone, for
    timelines that change what happens next (a reschedule, a late partner)."""
    target = tmp_path / "program"
    shutil.copytree(released.parent / "first-wave", target)
    return target


@pytest.fixture
def program(released: Path, tmp_path: Path) -> Path:
    """A copy of the released program of this test's own."""
    target = tmp_path / "program"
    shutil.copytree(released, target)
    return target


def _investigate(folder: Path, now: str) -> dict[str, Any]:
    out = _run(["--json", "investigate", CASE, "--now", now], folder)
    result: dict[str, Any] = json.loads(out)
    return result


def _hypotheses(result: dict[str, Any]) -> list[dict[str, Any]]:
    hypotheses: list[dict[str, Any]] = result["activities"][0]["hypotheses"]
    return hypotheses


def _leading(result: dict[str, Any]) -> dict[str, Any] | None:
    return next((h for h in _hypotheses(result) if h["verdict"] == "leading"), None)


def _names_only(result: dict[str, Any], partner: str) -> None:
    """The log was read and its marks point to `partner` alone: every symbol read matches its
    copy, it ranks first, and nobody else is accused or leads. A web log shows 15-20 symbols,
    which reach the program's epsilon under some keys and fall just short under others, so
    whether `partner` itself is accused is the attribution benches' to measure, not this."""
    finding = result["activities"][0]["findings"][0]
    top = finding["suspects"][0]
    read = sum(e["symbols_read"] for e in top["evidence"])
    assert top["partner"] == partner and read >= 12, finding["suspects"][:2]
    assert read == sum(e["symbols_matching"] for e in top["evidence"])
    assert all(not s["accused"] for s in finding["suspects"][1:])
    lead = _leading(result)
    assert lead is None or lead["subject"] in ("", partner), result["headline"]
    if top["accused"]:
        assert lead is not None and lead["subject"] == partner, result["headline"]


def _evidence(folder: Path, name: str, text: str, seen: str, source: str, now: str) -> None:
    (folder / name).write_text(text)
    _run(["evidence", "add", CASE, name, "--seen", seen, "--source", source, "--now", now], folder)


def test_the_unmarked_original_mid_embargo_points_to_its_holders_not_a_partner_wave(
    program: Path,
) -> None:
    """The vendor's unmarked PoC on a paste site a week into the embargo: every partner's copy
    differs from it at about half its marks, so no partner wave explains it; the vendor (and
    the finder, who wrote it) held it, and nobody is accused or suspended."""
    original = (program / "poc.py").read_text()
    _evidence(program, "toolpane_poc.py", original, "2025-07-01T09:30:00-04:00",
              "paste site post", "2025-07-01T16:00Z")  # fmt: skip
    result = _investigate(program, "2025-07-01T18:00Z")
    lead = _leading(result)
    assert lead is not None and lead["kind"] == "vendor-insider", result["headline"]
    finder = next(h for h in _hypotheses(result) if h["kind"] == "finder-compromise")
    assert finder["verdict"] == "plausible"
    assert any("unmarked original" in e["statement"] and e["supports"] for e in finder["evidence"])
    for hypothesis in _hypotheses(result):
        if hypothesis["kind"] == "partner-leak":
            assert hypothesis["verdict"] != "leading"
            assert not hypothesis["subject"]
    kinds = {r["kind"] for r in result["recommendations"]}
    assert "suspend-partner" not in kinds and "move-patch" in kinds
    assert not any(p in result["headline"] for p in EARLY)


def test_the_finders_original_before_any_wave_is_not_read_as_leaning_to_a_partner(
    program: Path,
) -> None:
    """Exploitation with the finder's own PoC before any partner held anything: the finder or
    the vendor, undecided between them; no statement may lean to an 'exposed partner'."""
    tool = (program / "poc.py").read_text().replace("lab.invalid", "target.invalid")
    _run(["case", "event", CASE, "--at", "2025-06-10", "--kind", "exploitation",
          "--note", "targeted exploitation", "--source", "IR firm"], program)  # fmt: skip
    _evidence(program, "chain.py", tool, "2025-06-11", "IR firm: tool from a server",
              "2025-06-12T09:00Z")  # fmt: skip
    result = _investigate(program, "2025-06-12T12:00Z")
    assert _leading(result) is None, result["headline"]
    verdicts = {h["kind"]: h["verdict"] for h in _hypotheses(result)}
    assert verdicts["finder-compromise"] == "plausible"
    assert verdicts["vendor-insider"] == "plausible"
    assert verdicts["partner-leak"] == "ruled out"
    statements = [e["statement"] for h in _hypotheses(result) for e in h["evidence"]]
    assert not any("exposed partner" in s for s in statements)
    kinds = [r["kind"] for r in result["recommendations"]]
    assert kinds[0] == "move-patch" and "suspend-partner" not in kinds


def test_a_rewrite_that_matches_one_copy_on_the_wire_is_not_called_unlike_our_material(
    program: Path,
) -> None:
    """ToolShell-like: exploitation on the day of the last wave with a rewritten tool (no
    tokens, no shared text) that sends what one early-access copy sends. The marks name that
    partner; no hypothesis may say the material resembles nothing the program shared."""
    _run(["wave", "preview", CASE, "--partner", "Corvid Threat Intel", "--artifact", "poc.py",
          "--out", "copy"], program)  # fmt: skip
    requests = material.requests_of((program / "copy" / "poc.py").read_text())
    _run(["case", "event", CASE, "--at", "2025-07-07", "--kind", "exploitation",
          "--note", "first exploitation (vendor blog)", "--source", "blog"], program)  # fmt: skip
    _evidence(program, "qp_toolpane.py", material.rewrite_tool(requests),
              "2025-07-07T20:15:00+02:00", "paste site post", "2025-07-07T19:00Z")  # fmt: skip
    start = datetime(2025, 7, 7, 2, 0, tzinfo=UTC)
    _evidence(program, "u_ex250707.log", material.w3c_log(requests, start), "2025-07-07",
              "customer IIS log", "2025-07-07T19:10Z")  # fmt: skip
    result = _investigate(program, "2025-07-07T20:00Z")
    lead = _leading(result)
    assert lead is not None and lead["subject"] == "Corvid Threat Intel", result["headline"]
    statements = [e["statement"] for h in _hypotheses(result) for e in h["evidence"]]
    assert not any("resembles nothing the program shared" in s for s in statements)
    suspended = [r.get("partner") for r in result["recommendations"]
                 if r["kind"] == "suspend-partner"]  # fmt: skip
    assert suspended == ["Corvid Threat Intel"]


def test_the_timing_of_poc_derived_material_is_measured_from_the_wave_that_held_the_poc(
    program: Path,
) -> None:
    """Exploitation on the day of the last (advisory-only) wave with a tool made from a PoC
    copy: the onset is 13 days after the PoC reached the early-access wave, not "on the day of
    the notice" of partners who never held the PoC."""
    _run(["wave", "preview", CASE, "--partner", "Aldermoor Security", "--artifact", "poc.py",
          "--out", "copy"], program)  # fmt: skip
    requests = material.requests_of((program / "copy" / "poc.py").read_text())
    _run(["case", "event", CASE, "--at", "2025-07-07", "--kind", "exploitation",
          "--note", "first exploitation (vendor blog)", "--source", "blog"], program)  # fmt: skip
    _evidence(program, "qp.py", material.rewrite_tool(requests), "2025-07-07",
              "paste site post", "2025-07-07T19:00Z")  # fmt: skip
    result = _investigate(program, "2025-07-07T20:00Z")
    timing = result["activities"][0]["timing"]
    assert timing["notice_at"] == "2025-06-24T09:00:00Z", timing
    assert "on the day of the notice" not in result["headline"]
    assert "13 days after the notice of 2025-06-24" in result["headline"]


def _copy_requests(program: Path, partner: str) -> list[material.HttpRequest]:
    _run(["wave", "preview", CASE, "--partner", partner, "--artifact", "poc.py", "--out", "copy"],
         program)  # fmt: skip
    return material.requests_of((program / "copy" / "poc.py").read_text())


def test_an_iis_log_with_a_nul_padded_crash_still_names_the_copy(program: Path) -> None:
    """IIS leaves NUL runs in a log after a crash; the log is still a log: its damaged lines are
    skipped, the rest read, and the copy whose requests it shows is named."""
    requests = _copy_requests(program, "Brightwater Labs")
    log = material.w3c_log(requests, datetime(2025, 6, 30, 1, 0, tzinfo=UTC), malformed=True)
    assert "\x00" in log
    _evidence(program, "u_ex250630.log", log, "2025-06-30", "customer IIS log",
              "2025-07-01T09:00Z")  # fmt: skip
    result = _investigate(program, "2025-07-01T10:00Z")
    _names_only(result, "Brightwater Labs")


def test_an_apache_log_in_local_time_is_dated_by_its_utc_day(program: Path) -> None:
    """A log written at 23:30 on 7 July in UTC-7 records requests made on 8 July UTC: the
    onset is that day, as every other time of the investigation is in UTC."""
    requests = _copy_requests(program, "Dappled Shield")
    local = timezone(timedelta(hours=-7))
    log = material.apache_log(requests, datetime(2025, 7, 7, 23, 30, tzinfo=local))
    (program / "access.log").write_text(log)
    out = _run(["--json", "investigate", CASE, "--evidence", "access.log",
                "--now", "2025-07-08T12:00Z"], program)  # fmt: skip
    result = json.loads(out)
    assert result["activities"][0]["start"] == {"at": "2025-07-08", "precision": "day"}
    _names_only(result, "Dappled Shield")


def test_material_that_cannot_be_read_is_not_called_unlike_our_material(program: Path) -> None:
    """A compiled implant (binary, never run) found on the onset's day: nothing is known of what
    it derives from, so no hypothesis may say it resembles nothing the program shared."""
    (program / "implant.bin").write_bytes(bytes(range(256)) * 8)
    _run(["evidence", "add", CASE, "implant.bin", "--seen", "2025-06-30",
          "--source", "IR firm: implant", "--now", "2025-07-01T09:00Z"], program)  # fmt: skip
    result = _investigate(program, "2025-07-01T10:00Z")
    statements = [e["statement"] for h in _hypotheses(result) for e in h["evidence"]]
    assert not any("resembles nothing" in s for s in statements), result["headline"]
    lead = _leading(result)
    assert lead is None or lead["kind"] != "not-derived", result["headline"]


def test_a_web_log_of_the_unmarked_original_does_not_lean_to_a_partner(program: Path) -> None:
    """Only a victim's IIS log survives, and it shows the original PoC's requests, mid-embargo:
    the few symbols it shows are the original's, so it leans to no partner and no wave leads."""
    requests = material.requests_of((program / "poc.py").read_text())
    log = material.w3c_log(requests, datetime(2025, 7, 1, 2, 0, tzinfo=UTC))
    _evidence(program, "u_ex250701.log", log, "2025-07-01", "customer IIS log",
              "2025-07-01T16:00Z")  # fmt: skip
    result = _investigate(program, "2025-07-01T18:00Z")
    for hypothesis in _hypotheses(result):
        if hypothesis["kind"] == "partner-leak":
            assert hypothesis["verdict"] != "leading", result["headline"]
    statements = [e["statement"] for h in _hypotheses(result) for e in h["evidence"]]
    assert not any("lean to an exposed partner" in s for s in statements)
    assert any("unmarked original" in s for s in statements)


INDEPENDENT_LOG = (INCIDENTS / "independent_iis.log.txt").read_text()
"""Another exploit of the same flaw: its own paths, parameters and client, nothing of ours."""


def test_another_exploit_of_the_flaw_between_the_waves_accuses_nobody(program: Path) -> None:
    """Exploitation four days after the first wave with a technically different exploit: no
    partner is named or suspended, no partner wave leads; the patch moves earlier."""
    _run(["case", "event", CASE, "--at", "2025-06-28", "--kind", "exploitation",
          "--note", "exploitation at one customer", "--source", "IR firm"], program)  # fmt: skip
    log = INDEPENDENT_LOG.format(day="2025-06-28", agent="python-requests/2.32.3")
    _evidence(program, "u_ex250628.log", log, "2025-06-28", "IR firm: IIS log",
              "2025-06-30T10:00Z")  # fmt: skip
    result = _investigate(program, "2025-06-30T12:00Z")
    assert all(not h["subject"] for h in _hypotheses(result))
    lead = _leading(result)
    assert lead is None or lead["kind"] != "partner-leak", result["headline"]
    kinds = [r["kind"] for r in result["recommendations"]]
    assert "move-patch" in kinds and "suspend-partner" not in kinds


def test_n_day_exploitation_after_the_patch_is_explained_by_the_patch(program: Path) -> None:
    """Four days after the patch went public, a patch-diff exploit: public since the patch
    leads, nobody is accused or suspended, and a bypass case is proposed, not a reschedule."""
    _run(["case", "publish", CASE, "--at", "2025-07-08T17:00Z", "--now", "2025-07-08T17:05Z"],
         program)  # fmt: skip
    _run(["case", "event", CASE, "--at", "2025-07-12", "--kind", "exploitation",
          "--note", "n-day exploitation", "--source", "honeypots"], program)  # fmt: skip
    log = INDEPENDENT_LOG.format(day="2025-07-12", agent="Go-http-client/1.1")
    _evidence(program, "u_ex250712.log", log, "2025-07-12", "customer IIS log",
              "2025-07-13T10:00Z")  # fmt: skip
    result = _investigate(program, "2025-07-13T12:00Z")
    lead = _leading(result)
    assert lead is not None and lead["kind"] == "public-patch", result["headline"]
    assert all(not h["subject"] for h in _hypotheses(result))
    kinds = [r["kind"] for r in result["recommendations"]]
    assert "open-linked-case" in kinds
    assert "suspend-partner" not in kinds and "move-patch" not in kinds


def test_two_partners_merging_their_copies_accuses_no_innocent(program: Path) -> None:
    """Two early-access partners merge their copies' requests into one rewrite: whoever is
    accused is one of the two, never an innocent."""
    one = _copy_requests(program, "Aldermoor Security")
    (program / "copy" / "poc.py").unlink()
    two = _copy_requests(program, "Brightwater Labs")
    merged = [
        dataclasses.replace(one[0], query=two[0].query),
        *two[1:2],
        *[dataclasses.replace(r, body=t.body) for r, t in zip(one[2:], two[2:], strict=True)],
    ]
    _run(["case", "event", CASE, "--at", "2025-06-29", "--kind", "exploitation",
          "--note", "exploitation at three customers", "--source", "IR firm"], program)  # fmt: skip
    _evidence(program, "merged.py", material.rewrite_tool(merged), "2025-06-29", "IR firm: tool",
              "2025-06-30T10:00Z")  # fmt: skip
    result = _investigate(program, "2025-06-30T12:00Z")
    named = {h["subject"] for h in _hypotheses(result) if h["subject"]}
    assert named <= {"Aldermoor Security", "Brightwater Labs"}, result["headline"]
    suspended = {r.get("partner") for r in result["recommendations"]
                 if r["kind"] == "suspend-partner"}  # fmt: skip
    assert suspended <= {"Aldermoor Security", "Brightwater Labs"}


def test_an_investigation_as_of_a_past_moment_leaves_out_evidence_registered_later(
    program: Path,
) -> None:
    """A replay as of the morning of 07-01 is not told of the paste the analyst registered that
    afternoon: nothing points to the vendor yet, and the output says what was left out."""
    original = (program / "poc.py").read_text()
    _evidence(program, "toolpane_poc.py", original, "2025-07-01T09:30:00-04:00",
              "paste site post", "2025-07-01T16:00Z")  # fmt: skip
    before = _investigate(program, "2025-07-01T15:00Z")
    assert any("added after 2025-07-01 15:00 UTC left out (E1)" in w for w in before["warnings"])
    assert "vendor-insider" not in json.dumps(before)
    after = _investigate(program, "2025-07-01T18:00Z")
    assert not any("left out" in w for w in after["warnings"])
    lead = _leading(after)
    assert lead is not None and lead["kind"] == "vendor-insider", after["headline"]


MARRAM_KEY = "age1tgvku9daetjgg8ymzqqav4g4m3jnt25mwp4tdjcphn3em9dgzd6q2vnk59"
"""A late joiner's recipient key (any valid one: nobody decrypts in these tests)."""


def test_a_late_delivery_of_the_poc_wave_is_ruled_out_by_its_own_time(first_wave: Path) -> None:
    """Exploitation on 06-28 between two deliveries of the PoC: the early-access wave of 06-24
    and a partner who joined the tier later and got the same wave on 07-01. Only the first
    delivery's four partners held the PoC at the onset; the late one is out by its own time."""
    _run(["partner", "add", "Marram Security", "--country", "NZ", "--tier", "early-access",
          "--age-recipient", MARRAM_KEY, "--now", "2025-06-30T09:00Z"], first_wave)  # fmt: skip
    _run(["wave", "release", CASE, "--now", "2025-07-01T09:00Z", "--workers", "1"], first_wave)
    _run(["case", "event", CASE, "--at", "2025-06-28", "--kind", "exploitation",
          "--note", "exploitation at one customer", "--source", "IR firm"], first_wave)  # fmt: skip
    result = _investigate(first_wave, "2025-07-01T12:00Z")
    groups = {g["group"]: g for g in result["activities"][0]["groups"]}
    late = groups["early-access wave of 2025-06-24 00:00 UTC, delivered 2025-07-01 09:00 UTC"]
    assert late["relation"] == "after" and late["partners"] == 0
    first = groups["early-access wave of 2025-06-24 00:00 UTC"]
    assert first["partners"] == 4 and first["relation"] == "before"
    assert "Marram Security" not in result["activities"][0]["exposed_partners"]
    assert "Marram Security" not in json.dumps(_hypotheses(result))


def test_a_partners_detection_text_in_the_wild_names_it_but_not_an_unrelated_exploit(
    program: Path,
) -> None:
    """A standard partner's copy of the detection guidance turns up in a public rule repo on
    07-04, and the next day a different exploit hits a customer. The guidance's marks name
    that partner as its source; the exploit, tied to nothing shared, is weighed on its own and
    no partner explains it."""
    _run(["wave", "preview", CASE, "--partner", "Eastmere Networks", "--artifact",
          "detection.md", "--out", "copy"], program)  # fmt: skip
    _evidence(program, "qp_rules.md", (program / "copy" / "detection.md").read_text(),
              "2025-07-04T18:00Z", "public rule repository", "2025-07-05T10:00Z")  # fmt: skip
    _run(["case", "event", CASE, "--at", "2025-07-05", "--kind", "exploitation",
          "--note", "exploitation at one customer", "--source", "IR firm"], program)  # fmt: skip
    log = INDEPENDENT_LOG.format(day="2025-07-05", agent="python-requests/2.32.3")
    _evidence(program, "u_ex250705.log", log, "2025-07-05", "IR firm: IIS log",
              "2025-07-05T11:00Z")  # fmt: skip
    result = _investigate(program, "2025-07-05T12:00Z")
    rule, exploit = result["activities"]
    assert [f["label"] for f in rule["findings"]] == ["qp_rules.md"]
    lead = next(h for h in rule["hypotheses"] if h["verdict"] == "leading")
    assert lead["subject"] == "Eastmere Networks", result["headline"]
    assert [f["label"] for f in exploit["findings"]] == ["u_ex250705.log"]
    assert [e["kind"] for e in exploit["events"]] == ["exploitation"]
    assert all(not h["subject"] for h in exploit["hypotheses"])
    assert all(
        h["verdict"] != "leading" for h in exploit["hypotheses"] if h["kind"] == "partner-leak"
    )


def test_the_finders_own_disclosure_before_the_patch_suspends_nobody(program: Path) -> None:
    """The finder posts its PoC (the unmarked original) on its blog on 07-02, mass exploitation
    follows: the original's holders explain it, no partner leak leads or is suspended, and the
    patch moves earlier."""
    _evidence(program, "blog_poc.py", (program / "poc.py").read_text(), "2025-07-02T15:00Z",
              "finder's blog (full disclosure)", "2025-07-02T16:00Z")  # fmt: skip
    _run(["case", "event", CASE, "--at", "2025-07-03", "--kind", "exploitation",
          "--note", "mass exploitation", "--source", "honeypots"], program)  # fmt: skip
    result = _investigate(program, "2025-07-03T18:00Z")
    blog = result["activities"][0]["hypotheses"]
    verdicts = {h["kind"]: h["verdict"] for h in blog if not h["subject"]}
    assert verdicts["finder-compromise"] in ("plausible", "leading")
    assert all(h["verdict"] != "leading" for h in blog if h["kind"] == "partner-leak")
    kinds = [r["kind"] for r in result["recommendations"]]
    assert "suspend-partner" not in kinds and kinds[0] == "move-patch"


def test_two_exploits_in_one_week_are_weighed_apart(program: Path) -> None:
    """Customer A's log shows a partner's copy on 06-29; customer B's, on 06-30, another exploit
    (its own paths and client). The copy's partner explains A; B is its own activity, which
    names nobody and leans to no partner wave."""
    requests = _copy_requests(program, "Brightwater Labs")
    log = material.w3c_log(requests, datetime(2025, 6, 29, 2, 0, tzinfo=UTC))
    _evidence(program, "a_u_ex250629.log", log, "2025-06-29", "customer A: IIS log",
              "2025-07-01T09:00Z")  # fmt: skip
    other = INDEPENDENT_LOG.format(day="2025-06-30", agent="python-requests/2.32.3")
    _evidence(program, "b_u_ex250630.log", other, "2025-06-30", "customer B: IIS log",
              "2025-07-01T09:30Z")  # fmt: skip
    result = _investigate(program, "2025-07-01T12:00Z")
    first, second = result["activities"]
    assert [f["label"] for f in first["findings"]] == ["a_u_ex250629.log"]
    assert [f["label"] for f in second["findings"]] == ["b_u_ex250630.log"]
    assert all(not h["subject"] for h in second["hypotheses"])
    assert all(
        h["verdict"] != "leading" for h in second["hypotheses"] if h["kind"] == "partner-leak"
    )
    assert first["findings"][0]["suspects"][0]["partner"] == "Brightwater Labs"


def test_a_copy_dated_before_its_release_by_a_log_zone_is_flagged(program: Path) -> None:
    """A log written in UTC+9 at 08:30 on 06-24 is 23:30 UTC on 06-23, before the PoC wave was
    delivered (06-24 09:00 UTC); yet it shows a partner's copy. The partner cannot be blamed on
    those dates, and the headline says the dates and the marks disagree: check the zone."""
    requests = _copy_requests(program, "Corvid Threat Intel")
    log = material.apache_log(
        requests, datetime(2025, 6, 24, 8, 30, tzinfo=timezone(timedelta(hours=9)))
    )
    _evidence(program, "access.log", log, "2025-06-24T08:30:00+09:00", "customer Apache log",
              "2025-06-25T09:00Z")  # fmt: skip
    result = _investigate(program, "2025-06-25T12:00Z")
    assert result["activities"][0]["start"] == {"at": "2025-06-23", "precision": "day"}
    assert "suspend-partner" not in {r["kind"] for r in result["recommendations"]}
    if result["activities"][0]["findings"][0]["suspects"][0]["accused"]:
        assert "check the material's dates and time zone" in result["headline"]


def test_a_rescheduled_wave_counts_from_its_real_release(first_wave: Path) -> None:
    """The patch moves from 07-08 to 07-15 after the first wave, so the standard wave goes out
    on 07-10, not 07-03: exploitation on 07-04 can be a leak of the early-access wave only."""
    _run(["case", "reschedule", CASE, "--patch-planned", "2025-07-15", "--reason",
          "regression found in QA", "--now", "2025-06-26T09:00Z"], first_wave)  # fmt: skip
    _run(["wave", "release", CASE, "--now", "2025-07-03T09:00Z", "--workers", "1"], first_wave)
    _run(["wave", "release", CASE, "--now", "2025-07-10T09:00Z", "--workers", "1"], first_wave)
    _run(["case", "event", CASE, "--at", "2025-07-04", "--kind", "exploitation",
          "--note", "exploitation at one customer", "--source", "IR firm"], first_wave)  # fmt: skip
    result = _investigate(first_wave, "2025-07-10T12:00Z")
    groups = {g["group"]: g for g in result["activities"][0]["groups"]}
    assert groups["standard wave of 2025-07-10 00:00 UTC"]["relation"] == "after"
    assert not any("07-03" in g for g in groups), groups
    assert set(result["activities"][0]["exposed_partners"]) <= set(EARLY)
    titles = [r["title"] for r in result["recommendations"]]
    assert any(t.startswith("Move the patch from 2025-07-15 to") for t in titles), titles


def test_a_partner_removed_later_is_still_weighed_for_what_it_held(program: Path) -> None:
    """Brightwater leaves the program on 06-27, three days after it received the PoC; a log of
    its copy on 07-01 still points to it (exposure before removal counts), and a removed
    partner is not suspended again."""
    _run(["partner", "remove", "Brightwater Labs", "--reason", "contract ended",
          "--now", "2025-06-27T09:00Z"], program)  # fmt: skip
    requests = _copy_requests(program, "Brightwater Labs")
    log = material.w3c_log(requests, datetime(2025, 7, 1, 2, 0, tzinfo=UTC))
    _evidence(program, "u_ex250701.log", log, "2025-07-01", "customer IIS log",
              "2025-07-02T09:00Z")  # fmt: skip
    result = _investigate(program, "2025-07-02T12:00Z")
    _names_only(result, "Brightwater Labs")
    assert "Brightwater Labs" in result["activities"][0]["exposed_partners"]
    suspended = [r.get("partner") for r in result["recommendations"]
                 if r["kind"] == "suspend-partner"]  # fmt: skip
    assert "Brightwater Labs" not in suspended


def test_a_copy_used_weeks_after_the_patch_is_a_leak_to_review(program: Path) -> None:
    """43 days after the patch, a log of an early-access copy whose few marks accuse nobody but
    are far likelier from some copy than from the original: the PoC left through the
    early-access wave (advisory-only waves are out), a review of its partners is recommended,
    and nobody is suspended or the patch moved."""
    _run(["case", "publish", CASE, "--at", "2025-07-08T17:00Z", "--now", "2025-07-08T17:05Z"],
         program)  # fmt: skip
    requests = _copy_requests(program, "Dappled Shield")
    _run(["case", "event", CASE, "--at", "2025-08-20", "--kind", "exploitation",
          "--note", "exploitation at one customer", "--source", "IR firm"], program)  # fmt: skip
    log = material.w3c_log(requests, datetime(2025, 8, 20, 2, 0, tzinfo=UTC))
    _evidence(program, "u_ex250820.log", log, "2025-08-20", "customer IIS log",
              "2025-08-21T09:00Z")  # fmt: skip
    result = _investigate(program, "2025-08-21T12:00Z")
    hypotheses = _hypotheses(result)
    for hypothesis in hypotheses:
        if hypothesis["kind"] == "partner-leak" and "early-access" not in hypothesis["title"]:
            assert hypothesis["verdict"] == "ruled out", hypothesis["title"]
    finder = next(h for h in hypotheses if h["kind"] == "finder-compromise")
    assert finder["verdict"] in ("unlikely", "ruled out")
    kinds = [r["kind"] for r in result["recommendations"]]
    assert "move-patch" not in kinds
    top = result["activities"][0]["findings"][0]["suspects"][0]
    if not top["accused"]:
        assert "suspend-partner" not in kinds and "review-partners" in kinds
        assert any("made from a partner's copy" in e["statement"]
                   for h in hypotheses for e in h["evidence"])  # fmt: skip
