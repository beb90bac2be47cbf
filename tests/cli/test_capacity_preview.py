"""Before release, from the CLI: what each artifact's marks buy
(`case add-artifact`, `wave plan`) and a partner's marked copies (`wave preview`)."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from forewarn.program.bundles import unseal
from release_world import CASE, NOTICE, open_bundle, populate, sql

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

JS_POC = Path(__file__).parents[1] / "marks/literal_pocs/poc.js"


def _iso(at: object) -> str:
    return at.isoformat().replace("+00:00", "Z")  # type: ignore[attr-defined]


def test_add_artifact_says_what_a_non_python_poc_carries_and_when_it_ships_unmarked(  # type: ignore[no-untyped-def]
    program_env, cli, tmp_path
) -> None:
    populate(program_env)
    args = [*program_env.cli_args(), "case", "add-artifact", CASE, str(JS_POC), "--kind", "poc"]
    added = cli([*args, "--name", "probe.js", "--json"])
    assert added.exit_code == 0, added.stderr
    record = json.loads(added.stdout)
    assert record["name"] == "probe.js"  # the artifact's own fields are kept
    (item,) = record["capacity"]["artifacts"]
    assert (item["artifact"], item["identical"]) == ("probe.js", False)
    assert item["symbols"]["literals"] > 0 and item["symbols"]["wire"] == 0
    plain = tmp_path / "hello.sh"
    plain.write_text("#!/bin/sh\necho hello\n")
    args = [*program_env.cli_args(), "case", "add-artifact", CASE, str(plain), "--kind", "poc"]
    unmarked = cli([*args, "--json"])
    assert unmarked.exit_code == 0, unmarked.stderr
    (item,) = json.loads(unmarked.stdout)["capacity"]["artifacts"]
    assert (item["identical"], sum(item["symbols"].values())) == (True, 0)
    assert item["verdict"].startswith("ships unmarked")
    assert [o["names"] for o in item["outcomes"]] == [0, 0, 0, 0]
    text = cli([*args, "--name", "again.sh"])
    assert text.exit_code == 0, text.stderr
    assert "again.sh: ships unmarked" in text.stdout
    assert "cannot be attributed" in text.stdout


def test_wave_plan_says_what_each_artifact_buys(program_env, cli) -> None:  # type: ignore[no-untyped-def]
    populate(program_env)
    planned = cli([*program_env.cli_args(), "wave", "plan", CASE, "--json"])
    assert planned.exit_code == 0, planned.stderr
    data = json.loads(planned.stdout)
    assert [w["tier"] for w in data["waves"]] == ["early-access", "standard"]
    report = data["capacity"]
    needs = report["needs"]
    assert report["marking"]["n_partners"] == needs["n_partners"] == 64
    assert 0 < needs["single"] < needs["pair"] < needs["triple"] <= needs["length"]
    items = {a["artifact"]: a for a in report["artifacts"]}
    assert sorted(items) == ["advisory.md", "detection.md", "poc.py"]
    assert items["poc.py"]["recipients"] == 2 and items["advisory.md"]["recipients"] == 3
    poc = items["poc.py"]
    assert poc["symbols"]["wire"] > 0 and poc["symbols"]["python_source"] > 0
    attacks = {o["attack"]: o for o in poc["outcomes"]}
    assert attacks["rewritten"]["symbols"] == poc["symbols"]["wire"] == 64  # scheme 6
    assert attacks["capture"]["symbols"] == 60  # its 4 behaviour constants never go on the wire
    assert attacks["verbatim"]["symbols"] == sum(poc["symbols"].values())
    for item in items.values():
        for outcome in item["outcomes"]:
            assert (outcome["names"] >= 1) == (outcome["positions"] >= needs["single"])
    advisory = {o["attack"]: o for o in items["advisory.md"]["outcomes"]}
    assert advisory["rewritten"]["symbols"] == advisory["capture"]["symbols"] == 0
    assert "once edited it cannot be told apart among its 3 recipients" in (
        items["advisory.md"]["verdict"]
    ) or items["advisory.md"]["verdict"].startswith("cannot be told apart among its 3")
    table = cli([*program_env.cli_args(), "wave", "plan", CASE])
    assert table.exit_code == 0, table.stderr
    assert "no age recipient key" in table.stdout
    assert f"{needs['single']} for a single leaker" in table.stdout
    assert f"poc.py: {poc['verdict']}" in " ".join(table.stdout.split())


def test_preview_diffs_a_partners_copies_and_records_nothing(  # type: ignore[no-untyped-def]
    program_env, cli, tmp_path: Path
) -> None:
    world = populate(program_env)
    args = program_env.cli_args()
    url = program_env.settings.database_url
    leaves = sql(url, "select count(*) from audit_leaves")
    shown = cli([*args, "wave", "preview", CASE, "--partner", "Early 0000"])
    assert shown.exit_code == 0, shown.stderr
    assert "--- a/poc.py\n+++ b/poc.py (Early 0000)\n@@ " in shown.stdout
    assert "+++ b/advisory.md (Early 0000)" in shown.stdout
    assert any(line.startswith("+AWS_ACCESS_KEY_ID") for line in shown.stdout.splitlines())
    out = tmp_path / "review"
    written = cli(
        [*args, "wave", "preview", CASE, "--partner", "Early 0000", "--out", str(out), "--json"]
    )
    assert written.exit_code == 0, written.stderr
    copies = {c["artifact"]: c for c in json.loads(written.stdout)["copies"]}
    assert sorted(copies) == ["advisory.md", "detection.md", "poc.py"]
    for name, copy in copies.items():
        path = out / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert hashlib.sha256(path.read_bytes()).hexdigest() == copy["sha256"]
    other = cli([*args, "wave", "preview", CASE, "--partner", "Early 0001", "--json"])
    other_sha = {c["artifact"]: c["sha256"] for c in json.loads(other.stdout)["copies"]}
    assert other_sha["poc.py"] != copies["poc.py"]["sha256"]
    assert sql(url, "select count(*) from audit_leaves") == leaves
    assert sql(url, "select count(*) from releases") == [(0,)]

    # The preview is exactly what the release delivers.
    released = cli([*args, "wave", "release", CASE, "--now", _iso(NOTICE)])
    assert released.exit_code == 0, released.stderr
    fetched = tmp_path / "fetched"
    got = cli(
        [*args, "bundle", "fetch", CASE, "--partner", "Early 0000", "--out", str(fetched)]
        + ["--now", _iso(NOTICE)]
    )
    assert got.exit_code == 0, got.stderr
    sealed = (fetched / f"{CASE}.bundle.age").read_bytes()
    bundle = open_bundle(unseal(sealed, world.identities["Early 0000"]))
    assert bundle.contents["poc.py"] == (out / "poc.py").read_bytes()


def test_preview_refuses_partners_the_plan_does_not_serve(program_env, cli) -> None:  # type: ignore[no-untyped-def]
    populate(program_env)
    args = [*program_env.cli_args(), "wave", "preview", CASE]
    keyless = cli([*args, "--partner", "Keyless Ltd"])
    assert keyless.exit_code == 2
    assert "not in the plan" in keyless.stderr and "no age recipient key" in keyless.stderr
    withheld = cli([*args, "--partner", "Standard 0000", "--artifact", "poc.py"])
    assert withheld.exit_code == 2
    assert "does not give 'poc.py' to 'Standard 0000'" in withheld.stderr
    assert "advisory.md, detection.md" in withheld.stderr
    unknown = cli([*args, "--partner", "Nobody GmbH"])
    assert unknown.exit_code != 0 and "Nobody GmbH" in unknown.stderr
    assert keyless.stdout == withheld.stdout == ""
