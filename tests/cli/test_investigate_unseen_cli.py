"""Timelines of incidents `investigate` had not been shown, run through the CLI as an evaluator
would: the finder's own disclosure, a detection-guidance copy in public, a partner already out
leaking again, a 0-day before any notice, a patch-diff exploit the day after the patch, two
partners of one wave, an insider's internal-only build.

One program (tests/investigate/incidents/program.yaml, the same as
test_investigate_incidents_cli.py's) is built once per module; each test copies it, adds its
timeline and evidence through the CLI and checks what the report must conclude: the leading
explanation, who is and is not accused, and the recommendations. Marks are read from whole
copies (a pasted PoC, a copied guidance file), so the accusations do not hinge on a few
symbols of a web log.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

INCIDENTS = Path(__file__).parents[1] / "investigate" / "incidents"
sys.path.insert(0, str(INCIDENTS))
import cli_steps  # noqa: E402  (the fixtures' helper modules, beside them)
from cli_steps import copy_of, event, evidence, investigate, run  # noqa: E402

pytestmark = pytest.mark.one_database

INDEPENDENT_LOG = (INCIDENTS / "independent_iis.log.txt").read_text()
"""Another exploit of the same flaw: its own paths, parameters and client, nothing of ours."""
PARTNERS = (
    "Aldermoor Security", "Brightwater Labs", "Corvid Threat Intel", "Dappled Shield",
    "Eastmere Networks", "Foxhollow Cyber", "Gannet Systems", "Hawthorn Defense",
    "Ibisfield Analytics", "Juniperdale Signals", "Kingfisher Antivirus", "Lapwing Secure",
)  # fmt: skip


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cli_steps.build(tmp_path_factory.mktemp("unseen"))


@pytest.fixture
def program(released: Path, tmp_path: Path) -> Path:
    target = tmp_path / "program"
    shutil.copytree(released, target)
    return target


def _hypotheses(result: dict[str, Any], index: int = 0) -> list[dict[str, Any]]:
    hypotheses: list[dict[str, Any]] = result["activities"][index]["hypotheses"]
    return hypotheses


def _leading(result: dict[str, Any], index: int = 0) -> dict[str, Any] | None:
    return next((h for h in _hypotheses(result, index) if h["verdict"] == "leading"), None)


def _kinds(result: dict[str, Any]) -> list[str]:
    return [r["kind"] for r in result["recommendations"]]


def _nobody_accused(result: dict[str, Any]) -> None:
    """No hypothesis names a partner, nobody is suspended, no partner is in the headline."""
    for activity in result["activities"]:
        assert all(not h["subject"] for h in activity["hypotheses"]), result["headline"]
    assert "suspend-partner" not in _kinds(result)
    assert not any(p in result["headline"] for p in PARTNERS), result["headline"]


def test_a_finder_write_up_before_the_patch_is_the_leading_explanation(program: Path) -> None:
    """The finder blogs a technical write-up (no PoC) on 07-02; exploitation on 07-04 with an
    exploit of its own. The disclosure made the flaw public: it leads, no partner leak leads
    (their timing says nothing after it), nobody is accused, and the patch moves earlier."""
    event(program, "2025-07-02T14:00Z", "finder-disclosure",
          "technical write-up on the finder's blog, no code", "finder's blog")  # fmt: skip
    event(program, "2025-07-04", "exploitation", "exploitation at two customers", "IR firm")
    log = INDEPENDENT_LOG.format(day="2025-07-04", agent="python-requests/2.32.3")
    evidence(program, "u_ex250704.log", log, "2025-07-04", "IR firm: IIS log",
             "2025-07-05T09:00Z")  # fmt: skip
    result = investigate(program, "2025-07-05T12:00Z")
    lead = _leading(result)
    assert lead is not None and lead["kind"] == "finder-disclosure", result["headline"]
    assert "finder's disclosure" in result["headline"]
    for hypothesis in _hypotheses(result):
        if hypothesis["kind"] == "partner-leak" and hypothesis["verdict"] != "ruled out":
            assert any("its timing says nothing about a leak" in e["statement"]
                       for e in hypothesis["evidence"]), hypothesis  # fmt: skip
    _nobody_accused(result)
    assert _kinds(result)[0] == "move-patch"


def test_a_finder_disclosure_in_the_program_file_is_weighed_too(tmp_path: Path) -> None:
    """The same disclosure, recorded in the program file's events (as a case import of a
    program brings it) rather than by `case event`: imported with its kind, and weighed."""
    line = (
        '{at: "2025-07-02T14:00:00Z", kind: finder-disclosure, '
        "note: talk slides with the request chain, source: conference site}"
    )
    program = cli_steps.build(tmp_path, events=[line])
    event(program, "2025-07-04", "exploitation", "exploitation at two customers", "IR firm")
    result = investigate(program, "2025-07-05T12:00Z")
    assert "finder-disclosure" in [e["kind"] for e in result["events"]]
    lead = _leading(result)
    assert lead is not None and lead["kind"] == "finder-disclosure", result["headline"]
    _nobody_accused(result)


def test_the_finders_poc_in_its_own_repository_is_not_an_insider(program: Path) -> None:
    """The finder pushes its PoC (the unmarked original) to a public repository on 07-02 at
    15:00 and records it; mass exploitation follows. The disclosure explains the original
    better than a compromise of the finder or a vendor insider; nobody is accused."""
    original = (program / "poc.py").read_text()
    event(program, "2025-07-02T15:00Z", "finder-disclosure", "PoC pushed to a public repository",
          "finder's repository")  # fmt: skip
    evidence(program, "repo_poc.py", original, "2025-07-02T15:00Z", "finder's public repository",
             "2025-07-02T16:00Z")  # fmt: skip
    event(program, "2025-07-03", "exploitation", "mass exploitation", "honeypots")
    result = investigate(program, "2025-07-03T18:00Z")
    lead = _leading(result)
    assert lead is not None and lead["kind"] == "finder-disclosure", result["headline"]
    verdicts = {h["kind"]: h["verdict"] for h in _hypotheses(result) if not h["subject"]}
    assert verdicts["vendor-insider"] != "leading"
    assert verdicts["finder-compromise"] != "leading"
    _nobody_accused(result)
    assert _kinds(result)[0] == "move-patch"


def test_a_partners_copy_after_a_finder_write_up_still_names_the_partner(program: Path) -> None:
    """The finder's write-up on 07-02 does not clear the partners wholesale: a pasted PoC copy
    of Dappled Shield's on 07-03 carries its marks, so its leak leads over the disclosure and
    it is the one to suspend."""
    event(program, "2025-07-02T14:00Z", "finder-disclosure", "write-up on the finder's blog",
          "finder's blog")  # fmt: skip
    copy = copy_of(program, "Dappled Shield", "poc.py")
    evidence(program, "paste_qp.py", copy, "2025-07-03T09:00Z", "paste site post",
             "2025-07-03T12:00Z")  # fmt: skip
    result = investigate(program, "2025-07-03T14:00Z")
    lead = _leading(result)
    assert lead is not None and lead["subject"] == "Dappled Shield", result["headline"]
    disclosure = next(h for h in _hypotheses(result) if h["kind"] == "finder-disclosure")
    assert disclosure["verdict"] in ("unlikely", "ruled out")
    suspended = [r["partner"] for r in result["recommendations"] if r["kind"] == "suspend-partner"]
    assert suspended == ["Dappled Shield"]


def test_a_disclosure_after_the_onset_explains_nothing(program: Path) -> None:
    """Exploitation on 06-28 with another exploit, the finder's write-up only on 07-05: the
    disclosure came after the onset and is ruled out, not counted for it."""
    event(program, "2025-06-28", "exploitation", "exploitation at one customer", "IR firm")
    event(program, "2025-07-05", "finder-disclosure", "talk at a conference", "conference")
    result = investigate(program, "2025-07-06T12:00Z")
    disclosure = next(h for h in _hypotheses(result) if h["kind"] == "finder-disclosure")
    assert disclosure["verdict"] == "ruled out"
    _nobody_accused(result)


def test_a_partners_detection_guidance_in_public_is_a_question_not_a_suspension(
    program: Path,
) -> None:
    """A standard partner's copy of the detection guidance (text only, no PoC) turns up in a
    public rule repository on 07-05, with no exploitation. Its marks or tokens say whose copy
    it is, but it is worded as that copy going public, said to be weaker than a leak, and the
    partner is asked, not suspended; the patch does not move on it."""
    text = copy_of(program, "Foxhollow Cyber", "detection.md")
    evidence(program, "rules_qp.md", text, "2025-07-05T10:00Z", "public rule repository",
             "2025-07-05T12:00Z")  # fmt: skip
    result = investigate(program, "2025-07-05T14:00Z")
    lead = _leading(result)
    assert lead is not None and lead["subject"] == "Foxhollow Cyber", result["headline"]
    assert "detection guidance" in lead["title"].lower() and not lead["title"].startswith("Leak by")
    assert any("weaker than a leak" in e["statement"] for e in lead["evidence"])
    kinds = _kinds(result)
    assert "suspend-partner" not in kinds and "move-patch" not in kinds
    asks = [r for r in result["recommendations"] if r["kind"] == "review-partners"]
    assert [r["partner"] for r in asks] == ["Foxhollow Cyber"]
    assert "Leak by partner" not in result["headline"]


def test_exploitation_with_a_guidance_copy_still_moves_the_patch(program: Path) -> None:
    """The same guidance copy, and exploitation the same day: the guidance still suspends
    nobody, but exploitation before the patch moves it."""
    text = copy_of(program, "Gannet Systems", "detection.md")
    evidence(program, "rules_qp.md", text, "2025-07-05T10:00Z", "public rule repository",
             "2025-07-05T12:00Z")  # fmt: skip
    event(program, "2025-07-05", "exploitation", "exploitation at one customer", "IR firm")
    result = investigate(program, "2025-07-05T14:00Z")
    kinds = _kinds(result)
    assert "suspend-partner" not in kinds and kinds[0] == "move-patch"


@pytest.mark.parametrize(("command", "status"), [("suspend", "suspended"), ("remove", "removed")])
def test_a_partner_already_out_that_leaks_again_is_said_to_be_out(
    program: Path, command: str, status: str
) -> None:
    """Corvid is suspended (or removed) on 06-27 after an earlier incident; on 07-01 its PoC
    copy is posted on a paste site. The marks accuse it, and the report says it is already
    out instead of recommending its suspension again; the patch still moves earlier."""
    run(["partner", command, "Corvid Threat Intel", "--reason", "hash of its copy on a forum",
         "--now", "2025-06-27T09:00Z"], program)  # fmt: skip
    copy = copy_of(program, "Corvid Threat Intel", "poc.py")
    evidence(program, "paste_qp.py", copy, "2025-07-01T09:00Z", "paste site post",
             "2025-07-01T12:00Z")  # fmt: skip
    result = investigate(program, "2025-07-01T14:00Z")
    lead = _leading(result)
    assert lead is not None and lead["subject"] == "Corvid Threat Intel", result["headline"]
    recommendations = result["recommendations"]
    assert not any(r["kind"] == "suspend-partner" for r in recommendations)
    out = [r for r in recommendations if r.get("partner") == "Corvid Threat Intel"]
    assert out and f"already {status}" in out[0]["title"], recommendations
    assert f"already {status}" in result["headline"]
    assert _kinds(result)[0] == "move-patch"


def test_a_replay_before_the_suspension_still_suspends(program: Path) -> None:
    """The same partner suspended on 06-27, but the replay is as of 06-26, when its copy was
    already out and it was still active: then its suspension is what to recommend."""
    run(["partner", "suspend", "Corvid Threat Intel", "--reason", "hash of its copy on a forum",
         "--now", "2025-06-27T09:00Z"], program)  # fmt: skip
    copy = copy_of(program, "Corvid Threat Intel", "poc.py")
    evidence(program, "paste_qp.py", copy, "2025-06-25T09:00Z", "paste site post",
             "2025-06-25T12:00Z")  # fmt: skip
    result = investigate(program, "2025-06-26T09:00Z")
    suspended = [r["partner"] for r in result["recommendations"] if r["kind"] == "suspend-partner"]
    assert suspended == ["Corvid Threat Intel"], result["headline"]
    assert "already" not in result["headline"]


def test_exploitation_before_any_partner_notice_blames_no_partner(program: Path) -> None:
    """0-day in the wild on 06-12, twelve days before the first wave, with an exploit of its
    own: no partner could have leaked; independent discovery stays open; nobody accused."""
    event(program, "2025-06-12", "exploitation", "targeted exploitation", "IR firm")
    log = INDEPENDENT_LOG.format(day="2025-06-12", agent="Mozilla/5.0+(compatible)")
    evidence(program, "u_ex250612.log", log, "2025-06-12", "IR firm: IIS log",
             "2025-06-13T09:00Z")  # fmt: skip
    result = investigate(program, "2025-06-13T12:00Z")
    verdicts = {h["kind"]: h["verdict"] for h in _hypotheses(result)}
    assert verdicts["partner-leak"] == "ruled out"
    assert verdicts["independent-discovery"] in ("plausible", "leading")
    assert "predates every partner notice" in result["headline"]
    _nobody_accused(result)
    assert _kinds(result)[0] == "move-patch"


def test_a_patch_diff_exploit_the_day_after_the_patch_is_the_public_patch(program: Path) -> None:
    """The patch goes public on 07-08 17:00; a patch-diff exploit hits honeypots on 07-09. The
    public patch explains it; no partner is accused; a bypass case, not a reschedule."""
    run(["case", "publish", cli_steps.CASE, "--at", "2025-07-08T17:00Z",
         "--now", "2025-07-08T17:05Z"], program)  # fmt: skip
    event(program, "2025-07-09", "exploitation", "patch-diff exploit on honeypots", "honeypots")
    log = INDEPENDENT_LOG.format(day="2025-07-09", agent="Go-http-client/1.1")
    evidence(program, "u_ex250709.log", log, "2025-07-09", "honeypot IIS log",
             "2025-07-10T09:00Z")  # fmt: skip
    result = investigate(program, "2025-07-10T12:00Z")
    lead = _leading(result)
    assert lead is not None and lead["kind"] == "public-patch", result["headline"]
    _nobody_accused(result)
    kinds = _kinds(result)
    assert "open-linked-case" in kinds and "move-patch" not in kinds


def test_two_partners_of_one_wave_both_plausible_names_neither(program: Path) -> None:
    """A paste on 06-30 carries the tracking tokens of two early-access copies (two partners'
    canaries side by side): each is a lead, neither is accused or suspended."""
    lines = []
    for partner in ("Aldermoor Security", "Dappled Shield"):
        copy = copy_of(program, partner, "poc.py")
        lines += [line for line in copy.splitlines() if "=" in line and '"' in line][:40]
    evidence(program, "paste.txt", "\n".join(lines) + "\n", "2025-06-30T08:00Z", "paste site",
             "2025-06-30T10:00Z")  # fmt: skip
    result = investigate(program, "2025-06-30T12:00Z")
    subjects = {h["subject"] for h in _hypotheses(result) if h["subject"]}
    assert subjects <= {"Aldermoor Security", "Dappled Shield"}, result["headline"]
    accused = [s for f in result["activities"][0]["findings"] for s in f["suspects"]
               if s["accused"]]  # fmt: skip
    if len({s["partner"] for s in accused}) != 1:
        assert "suspend-partner" not in _kinds(result)
    lead = _leading(result)
    if lead is not None and lead["kind"] == "partner-leak" and not accused:
        assert not lead["subject"], result["headline"]


def test_an_internal_only_advisory_draft_points_to_the_vendor(program: Path) -> None:
    """On 06-20, before any wave, the vendor's unmarked advisory draft (never sent unmarked to
    anyone, and never held by the finder) is on a paste site: no partner held anything, the
    finder never had the advisory, so a vendor insider leads; nobody is accused."""
    draft = (program / "advisory.md").read_text()
    evidence(program, "draft.md", draft, "2025-06-20T09:00Z", "paste site",
             "2025-06-20T12:00Z")  # fmt: skip
    result = investigate(program, "2025-06-20T14:00Z")
    verdicts = {h["kind"]: h["verdict"] for h in _hypotheses(result)}
    assert verdicts["partner-leak"] == "ruled out"
    assert verdicts["finder-compromise"] != "leading"
    lead = _leading(result)
    assert lead is not None and lead["kind"] == "vendor-insider", result["headline"]
    _nobody_accused(result)
    assert "move-patch" in _kinds(result)
