"""One PSIRT's whole loop through the installed `forewarn` command, on PostgreSQL.

A real program's backend: SQLite runs every step of this loop in the CLI tests and the demo, so a
second whole journey on it would repeat them (and cost CI two minutes).

Everything is typed as a person would: init, import a program file, open a case, plan and
release the wave, fetch before and after the embargo, decrypt with the real `age` binary,
verify and acknowledge, trace a disguised leak, move the patch date, check the audit log and a
proof with the public key alone, and investigate. Only what the user sees is asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyrage
import pytest
import yaml

from forewarn.demo import disguises

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).parents[1] / "src/forewarn/data/scenarios/exchange-2021"
AGE = "/usr/bin/age"
CASE = "FW-2021-0001"
LEAKER = "Alder Ridge Security"
EARLY = (LEAKER, "Bramblecote Labs", "Cobalt Heron Analytics")
WITHHELD = "Cobalt Heron Analytics"
"""An early-access partner in a country whose partners do not get the PoC."""
STANDARD = "Dunmore Signals"
SUSPENDED = "Ember Quay"
RULE = "no-poc-to-BR"
WAVE = "2021-02-23T00:00:00Z"
"""The early-access wave: the planned patch (2021-03-09) less 14 days."""
DAY_ONE = "2021-02-23T09:00:00Z"
NOW = "2021-02-28T12:00:00Z"
"""When scanning has been seen and the PSIRT acts."""


def _partners() -> tuple[list[dict[str, object]], dict[str, str]]:
    """Five fictional partners with fresh age keys; returns the entries and the identities."""
    layout = [
        (LEAKER, "US", "early-access"),
        ("Bramblecote Labs", "DE", "early-access"),
        (WITHHELD, "BR", "early-access"),
        (STANDARD, "GB", "standard"),
        (SUSPENDED, "FR", "early-access"),
    ]
    entries: list[dict[str, object]] = []
    identities: dict[str, str] = {}
    for name, country, tier in layout:
        identity = pyrage.x25519.Identity.generate()
        identities[name] = str(identity)
        history = [{"at": "2019-03-01T00:00:00Z", "status": "active", "reason": "joined"}]
        if name == SUSPENDED:
            history.append(
                {"at": "2020-11-02T00:00:00Z", "status": "suspended", "reason": "NDA under review"}
            )
        entries.append(
            {
                "name": name,
                "country": country,
                "tier": tier,
                "emails": [f"psirt@{name.split()[0].lower()}.example"],
                "age_recipient": str(identity.to_public()),
                "history": history,
            }
        )
    return entries, identities


def _program_file(folder: Path) -> tuple[Path, dict[str, str]]:
    partners, identities = _partners()
    document = {
        "program": {
            "name": "Journey Protections Program",
            "tiers": [
                {
                    "name": "early-access",
                    "rank": 2,
                    "lead_time": "14d",
                    "artifact_kinds": ["advisory", "detection", "poc"],
                },
                {
                    "name": "standard",
                    "rank": 1,
                    "lead_time": "1d",
                    "artifact_kinds": ["advisory", "detection"],
                },
            ],
            "rules": [{"name": RULE, "countries": ["BR"], "withhold": ["poc"]}],
        },
        "partners": partners,
        "cases": [],
    }
    path = folder / "program.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path, identities


def _disguise(source: str) -> str:
    """What a leaker does before posting: rename what the file binds (black reformats after)."""
    return disguises.rename(source)


class Psirt:
    """The person at the terminal: runs `forewarn` in a working folder, shows failures whole."""

    def __init__(self, run, folder: Path, db_url: str) -> None:
        self.run = run
        self.folder = folder
        self.env = {
            **os.environ,
            "FOREWARN_DATABASE_URL": db_url,
            "FOREWARN_KEY_FILE": str(folder / "forewarn.key"),
            "COLUMNS": "160",
        }

    def __call__(self, *args: str, code: int = 0) -> str:
        """stdout of `forewarn ARGS`; stderr when `code` is not 0."""
        done = self.run(list(args), cwd=self.folder, env=self.env)
        assert done.exit_code == code, (args, done.exit_code, done.stdout, done.stderr)
        if code:
            assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
            return str(done.stderr)
        return str(done.stdout)

    def json(self, *args: str) -> object:
        return json.loads(self(*args, "--json"))


def _decrypt(sealed: Path, identity: str, folder: Path) -> list[str]:
    """`age -d -i KEY bundle.age | tar -t`, as a partner would, then unpack it."""
    key = folder / "partner.key"
    key.write_text(f"# partner identity\n{identity}\n")
    plain = folder / "bundle.tar"
    subprocess.run([AGE, "-d", "-i", str(key), "-o", str(plain), str(sealed)], check=True)
    listing = subprocess.run(
        ["tar", "-tf", str(plain)], check=True, capture_output=True, text=True
    ).stdout.split()
    subprocess.run(["tar", "-xf", str(plain), "-C", str(folder)], check=True)
    return listing


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_psirt_runs_the_whole_loop(db_url: str, tmp_path: Path, cli_subprocess) -> None:
    assert Path(AGE).exists(), "the age binary is missing: run `make system-deps`"
    forewarn = Psirt(cli_subprocess, tmp_path, db_url)
    program_file, identities = _program_file(tmp_path)

    # Set up: program, partners from the file, the case with the shipped advisory and PoC.
    assert "keep the key file safe" in forewarn("init", "--replay", "--now", "2021-01-04T09:00:00Z")
    imported = forewarn("program", "import", str(program_file), "--now", "2021-01-04T09:05:00Z")
    assert "2 tiers, 5 partners" in imported
    forewarn(
        "case", "create", CASE, "--title", "Mail server pre-auth request chain",
        "--product", "Harbor Mail Server 2019", "--cve", "CVE-2021-26855",
        "--cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "--reported", "2021-01-05", "--patch-planned", "2021-03-09",
    )  # fmt: skip
    forewarn("case", "add-artifact", CASE, str(SCENARIO / "advisory.md"), "--kind", "advisory")
    forewarn(
        "case", "add-artifact", CASE, str(SCENARIO / "poc.py"), "--kind", "poc",
        "--min-tier", "early-access",
    )  # fmt: skip

    # Plan: who learns what, when, and why some are left out or get less.
    plan = forewarn.json("wave", "plan", CASE)["waves"]
    assert isinstance(plan, list)
    assert [(w["tier"], w["at"], sorted(w["partners"])) for w in plan] == [
        ("early-access", WAVE, sorted(EARLY)),
        ("standard", "2021-03-08T00:00:00Z", [STANDARD]),
    ]
    early = plan[0]
    assert early["artifacts"][LEAKER] == ["advisory.md", "poc.py"]
    assert early["artifacts"][WITHHELD] == ["advisory.md"]
    assert early["adjusted"] == [{"partner": WITHHELD, "reason": f"poc withheld by {RULE}"}]
    (left_out,) = early["excluded"]
    assert left_out["partner"] == SUSPENDED
    assert "suspended" in left_out["reason"] and "NDA under review" in left_out["reason"]

    # The wave goes out at its time; nobody gets anything before their own wave time.
    fetch = ("bundle", "fetch", CASE, "--out")
    released = forewarn.json("wave", "release", CASE, "--now", WAVE)
    assert isinstance(released, dict)
    assert (len(released["released"]), released["already"], released["later"]) == (3, 0, 1)
    too_soon = forewarn(
        *fetch, "early", "--partner", LEAKER, "--now", "2021-02-22T23:59:00Z", code=2
    )
    assert f"may not have {CASE} before 2021-02-23" in too_soon
    standard_try = forewarn(*fetch, "std", "--partner", STANDARD, "--now", DAY_ONE, code=2)
    assert f"may not have {CASE} before 2021-03-08" in standard_try
    assert not (tmp_path / "early").exists() and not (tmp_path / "std").exists()

    # The leaker's copy: fetched, decrypted with the real `age`, verified, acknowledged.
    got = forewarn.json(*fetch, "alder", "--partner", LEAKER, "--now", DAY_ONE)
    assert isinstance(got, dict)
    release_id = got["release"]["id"]
    sealed = tmp_path / "alder" / f"{CASE}.bundle.age"
    assert sealed.read_bytes().startswith(b"age-encryption.org/v1")
    listing = _decrypt(sealed, identities[LEAKER], tmp_path / "alder")
    assert sorted(listing) == sorted(
        ["manifest.json", "manifest.json.sig", "artifacts/advisory.md", "artifacts/poc.py"]
    )
    public_key = forewarn("audit", "public-key").strip()
    key_file = tmp_path / "alder" / "partner.key"
    checked = forewarn(
        "bundle", "verify", str(sealed), "-i", str(key_file), "--public-key", public_key
    )
    assert f"bundle OK: {CASE} for {LEAKER}, release {release_id}" in checked
    acked = forewarn(
        "bundle", "ack", CASE, "--partner", LEAKER, "--note", "received", "--now", DAY_ONE
    )
    assert f"{LEAKER} acknowledged release {release_id}" in acked

    # The partner in the PoC-withholding country gets the advisory only.
    forewarn(*fetch, "cobalt", "--partner", WITHHELD, "--now", DAY_ONE)
    cobalt_sealed = tmp_path / "cobalt" / f"{CASE}.bundle.age"
    cobalt_listing = _decrypt(cobalt_sealed, identities[WITHHELD], tmp_path / "cobalt")
    assert "artifacts/advisory.md" in cobalt_listing and "artifacts/poc.py" not in cobalt_listing

    # The PoC turns up in the wild, renamed and reformatted: it names its partner alone.
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    leaked = evidence / "harbor_scanner_v2.py"
    leaked.write_text(_disguise((tmp_path / "alder" / "artifacts" / "poc.py").read_text()))
    subprocess.run([sys.executable, "-m", "black", "-q", str(leaked)], check=True)
    assert leaked.read_bytes() != (tmp_path / "alder" / "artifacts" / "poc.py").read_bytes()
    seen = datetime(2021, 2, 27, 8, 0, tzinfo=UTC).timestamp()
    os.utime(leaked, (seen, seen))
    traced = forewarn.json("trace", str(leaked))
    assert isinstance(traced, list)
    (item,) = traced
    assert (item["matches"][0]["case"], item["matches"][0]["artifact"]) == (CASE, "poc.py")
    accused = [s for s in item["suspects"] if s["accused"]]
    assert [s["partner"] for s in accused] == [LEAKER]
    assert accused[0]["false_accusation_bound"] < 1e-6

    # Scanning is seen; the patch moves a week earlier; who loses lead time is listed.
    forewarn("case", "event", CASE, "--at", "2021-02-27", "--kind", "scanning", "--note", "scans")
    moved = forewarn(
        "case", "reschedule", CASE, "--patch-planned", "2021-03-02",
        "--reason", "exploitation seen in the wild", "--now", NOW,
    )  # fmt: skip
    assert "patch now planned for 2021-03-02" in moved
    less = moved.split("partners now getting less lead time", 1)[1]
    for name in EARLY:
        assert name in less
    assert STANDARD not in less and SUSPENDED not in less

    # The audit log holds, and a release's proof checks with the public key alone.
    audit = forewarn("audit", "verify")
    assert "audit log OK" in audit and "3 releases matched" in audit
    proof = tmp_path / "proof.json"
    proof.write_text(forewarn("audit", "prove", release_id))
    auditor = tmp_path / "auditor"
    auditor.mkdir()
    shutil.copy(proof, auditor / "proof.json")
    outsider = Psirt(cli_subprocess, auditor, "sqlite:///" + str(auditor / "none.db"))
    del outsider.env["FOREWARN_KEY_FILE"]
    ok = outsider("audit", "verify-proof", "proof.json", "--public-key", public_key)
    assert "proof OK" in ok and release_id in ok
    forged = json.loads(proof.read_text())
    forged["leaf"]["payload"]["partner"] = "Someone Else"
    (auditor / "proof.json").write_text(json.dumps(forged))
    outsider("audit", "verify-proof", "proof.json", "--public-key", public_key, code=3)
    assert not (auditor / "none.db").exists()

    # The investigation names the partner whose copy leaked, and writes the report.
    report = tmp_path / "report.html"
    found = forewarn.json(
        "investigate", CASE, "--evidence", str(evidence), "--html", str(report), "--now", NOW
    )
    assert isinstance(found, dict)
    assert LEAKER in found["headline"]
    names = {
        s["partner"]
        for a in found["activities"]
        for f in a["findings"]
        for s in f["suspects"]
        if s["accused"]
    }
    assert names == {LEAKER}
    suspend = [r for r in found["recommendations"] if r["kind"] == "suspend-partner"]
    assert [r["partner"] for r in suspend] == [LEAKER]
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>") and LEAKER in html
