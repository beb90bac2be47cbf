"""`forewarn demo --scenario mapp-2012` end to end: a leak after the patch, traced to one
partner by a verbatim copy, from the evidence alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CliResult
from forewarn.demo.scenario import load_attack, scenario_dir
from forewarn.domain.investigation import HypothesisKind, Phase, RecommendationKind, Verdict

pytestmark = pytest.mark.slow  # an end-to-end journey: `make test`, not `make check`


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliResult, Path]:
    from typer.testing import CliRunner

    from forewarn.cli.app import app

    out = tmp_path_factory.mktemp("mapp")
    args = ["demo", "--scenario", "mapp-2012", "--out", str(out), "--json"]
    done = CliRunner().invoke(app, args)
    return CliResult(done.exit_code, done.stdout, done.stderr), out


def _leaker() -> str:
    with scenario_dir("mapp-2012") as folder:
        return load_attack(folder / "attack.yaml").leak.partner


def test_the_demo_names_the_partner_whose_verbatim_copy_was_posted(
    demo: tuple[CliResult, Path],
) -> None:
    done, out = demo
    assert done.exit_code == 0, done.stderr
    # `--json`: the progress goes to stderr, stdout is one document naming what was written
    assert "facts from" in done.stderr and "The Inquirer, 2012-03-16" in done.stderr
    printed = json.loads(done.stdout)
    assert printed["report"] == str(out / "report.html") and printed["case"] in printed["explore"]
    data = json.loads((out / "report.json").read_text())
    assert printed["headline"] == data["headline"]
    (activity,) = data["activities"]
    assert activity["phase"] == Phase.PUBLIC.value
    top = activity["hypotheses"][0]
    assert (top["kind"], top["subject"], top["verdict"]) == (
        HypothesisKind.PARTNER_LEAK.value,
        _leaker(),
        Verdict.LEADING.value,
    )
    assert _leaker() in data["headline"] and "after the patch" in data["headline"]
    assert data["public_since"] == {"at": "2012-03-13T17:00:00Z", "precision": "instant"}


def test_timing_after_the_patch_blames_no_one_and_the_public_patch_is_ruled_out(
    demo: tuple[CliResult, Path],
) -> None:
    data = json.loads((demo[1] / "report.json").read_text())
    (activity,) = data["activities"]
    by_kind = {}
    for hypothesis in activity["hypotheses"]:
        by_kind.setdefault(hypothesis["kind"], []).append(hypothesis)
    (public,) = by_kind[HypothesisKind.PUBLIC_PATCH.value]
    assert public["verdict"] == Verdict.RULED_OUT.value
    for leak in by_kind[HypothesisKind.PARTNER_LEAK.value]:
        timing = [e for e in leak["evidence"] if e["kind"] == "timing"]
        assert all(e["weight"] == 0 for e in timing)
    withheld = next(h for h in activity["hypotheses"] if "without poc.py" in h["title"])
    assert withheld["verdict"] == Verdict.RULED_OUT.value  # its PoC was withheld by policy
    assert len(activity["exposed_partners"]) == 29
    kinds = [r["kind"] for r in data["recommendations"]]
    assert kinds == [
        RecommendationKind.SUSPEND_PARTNER.value,
        RecommendationKind.REVIEW_PARTNERS.value,
    ]
    assert data["recommendations"][0]["partner"] == _leaker()


def test_the_posted_copy_is_registered_and_dated_by_its_seen_time(
    demo: tuple[CliResult, Path],
) -> None:
    """The same loader registers every scenario's evidence: the copy is dated by when the
    analyst saw it (its file's modification time is today's), with its custody."""
    data = json.loads((demo[1] / "report.json").read_text())
    (finding,) = [f for a in data["activities"] for f in a["findings"]]
    assert finding["dating"]["basis"] == "registered"
    assert finding["dating"]["custody"]["source"].startswith("public forum post")
    assert finding["seen"]["at"].startswith("2012-03-16")
    assert data["warnings"] == []
