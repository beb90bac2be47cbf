"""Waves from the CLI on both databases: plan, release, fetch, embargo, authorisation, ack."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pyrage
import pytest

from forewarn.program.bundles import unseal
from forewarn.store import ProgramRepository
from release_world import CASE, LATER, NOTICE, open_bundle, populate, sql


def _iso(at: object) -> str:
    return at.isoformat().replace("+00:00", "Z")  # type: ignore[attr-defined]


def test_plan_explains_every_wave_and_exclusion(program_env, cli) -> None:
    populate(program_env)
    result = cli([*program_env.cli_args(), "wave", "plan", CASE, "--json"])
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)["waves"]
    assert [(w["tier"], w["at"], len(w["partners"])) for w in plan] == [
        ("early-access", "2021-02-23T00:00:00Z", 2),
        ("standard", "2021-03-06T00:00:00Z", 1),
    ]
    assert plan[0]["artifacts"]["Early 0000"] == ["advisory.md", "detection.md", "poc.py"]
    assert plan[1]["artifacts"]["Standard 0000"] == ["advisory.md", "detection.md"]
    assert plan[1]["excluded"] == [{"partner": "Keyless Ltd", "reason": "no age recipient key"}]
    table = cli([*program_env.cli_args(), "wave", "plan", CASE])
    assert "no age recipient key" in table.stdout


def test_release_fetch_verify_ack(program_env, cli, tmp_path: Path) -> None:
    world = populate(program_env)
    args = program_env.cli_args()
    released = cli([*args, "wave", "release", CASE, "--now", _iso(NOTICE), "--json"])
    assert released.exit_code == 0, released.stderr
    report = json.loads(released.stdout)
    assert (len(report["released"]), report["already"], report["later"]) == (2, 0, 1)

    out = tmp_path / "northwind"
    fetched = cli(
        [
            *args,
            "bundle",
            "fetch",
            CASE,
            "--partner",
            "Early 0000",
            "--out",
            str(out),
            "--now",
            _iso(NOTICE),
        ]
    )
    assert fetched.exit_code == 0, fetched.stderr
    sealed = (out / f"{CASE}.bundle.age").read_bytes()
    bundle = unseal(sealed, world.identities["Early 0000"])
    verified = open_bundle(bundle)
    assert verified.release.partner == "Early 0000"
    assert sorted(verified.contents) == ["advisory.md", "detection.md", "poc.py"]
    assert _iso(verified.release.embargo_end) == "2021-03-09T00:00:00Z"
    (tmp_path / "nw.bundle").write_bytes(bundle)
    plain = cli(["bundle", "verify", str(tmp_path / "nw.bundle")])
    assert plain.exit_code == 3 and "not an encrypted bundle" in plain.stderr
    key = cli([*args, "audit", "public-key"]).stdout.strip()
    identity = tmp_path / "nw.key"
    identity.write_text(world.identities["Early 0000"] + "\n")
    sealed_path = str(out / f"{CASE}.bundle.age")
    ok = cli(["bundle", "verify", sealed_path, "-i", str(identity), "--public-key", key])
    assert ok.exit_code == 0 and "bundle OK" in ok.stdout, ok.stderr
    again = cli(["bundle", "verify", sealed_path, "-i", str(identity)])
    assert again.exit_code == 0, again.stderr

    acked = cli([*args, "bundle", "ack", CASE, "--partner", "Early 0000", "--now", _iso(NOTICE)])
    assert acked.exit_code == 0, acked.stderr
    audit = cli([*args, "audit", "verify", "--regenerate", "--json"])
    assert audit.exit_code == 0, audit.stderr
    first = sql(
        program_env.settings.database_url,
        "SELECT min(leaf_index) FROM audit_leaves WHERE kind = 'release'",
    )[0][0]
    assert json.loads(audit.stdout)["leaves"] == first + 4  # two releases, a fetch and an ack


def test_each_partner_gets_a_different_copy(program_env, cli, tmp_path: Path) -> None:
    world = populate(program_env)
    args = program_env.cli_args()
    assert cli([*args, "wave", "release", CASE, "--now", _iso(NOTICE)]).exit_code == 0
    copies = []
    for name in ("Early 0000", "Early 0001"):
        out = tmp_path / name
        cli(
            [
                *args,
                "bundle",
                "fetch",
                CASE,
                "--partner",
                name,
                "--out",
                str(out),
                "--now",
                _iso(NOTICE),
            ]
        )
        copies.append(
            open_bundle(unseal((out / f"{CASE}.bundle.age").read_bytes(), world.identities[name]))
        )
    assert copies[0].contents["advisory.md"] != copies[1].contents["advisory.md"]
    with pytest.raises(Exception, match="decrypt"):
        unseal(
            (tmp_path / "Early 0000" / f"{CASE}.bundle.age").read_bytes(),
            world.identities["Early 0001"],
        )


def test_embargo_and_authorisation_from_the_outside(program_env, cli, tmp_path: Path) -> None:
    populate(program_env)
    args = program_env.cli_args()

    def fetch(partner: str, now: object, *extra: str) -> tuple[int, str]:
        done = cli(
            [
                *args,
                "bundle",
                "fetch",
                CASE,
                "--partner",
                partner,
                "--out",
                str(tmp_path / partner),
                "--now",
                _iso(now),
                *extra,
            ]
        )
        return done.exit_code, done.stderr

    code, err = fetch("Early 0000", NOTICE)
    assert code == 2 and "nothing of FW-2021-0001 was released" in err
    assert cli([*args, "wave", "release", CASE, "--now", _iso(NOTICE)]).exit_code == 0
    code, err = fetch("Standard 0000", NOTICE)
    assert code == 2 and "may not have FW-2021-0001 before 2021-03-06" in err
    code, err = fetch("Early 0000", NOTICE.replace(day=22))
    assert code == 2 and "before 2021-02-23" in err
    other = sql(
        program_env.settings.database_url,
        "SELECT r.id FROM releases r JOIN partners p ON p.id = r.partner_id "
        "WHERE p.name = 'Early 0001'",
    )[0][0]
    code, err = fetch("Early 0000", NOTICE, "--release", str(other))
    assert code == 2 and "is not 'Early 0000''s copy" in err
    assert not list(tmp_path.glob("*/*.age"))
    suspended = cli(
        [*args, "partner", "suspend", "Early 0000", "--reason", "NDA breach", "--now", _iso(NOTICE)]
    )
    assert suspended.exit_code == 0, suspended.stderr
    code, err = fetch("Early 0000", NOTICE)
    assert code == 2 and "suspended" in err
    assert sql(program_env.settings.database_url, "SELECT count(*) FROM fetches") == [(0,)]


def test_suspension_cancels_pending_and_reschedule_reports_lead_time(program_env, cli) -> None:
    populate(program_env, early=1, standard=2)
    args = program_env.cli_args()
    assert cli([*args, "wave", "release", CASE, "--now", _iso(NOTICE)]).exit_code == 0
    assert (
        cli(
            [
                *args,
                "partner",
                "suspend",
                "Standard 0001",
                "--reason",
                "NDA breach",
                "--now",
                _iso(NOTICE),
            ]
        ).exit_code
        == 0
    )
    states = sql(
        program_env.settings.database_url,
        "SELECT p.name, r.state, r.cancel_reason FROM releases r "
        "JOIN partners p ON p.id = r.partner_id ORDER BY p.name",
    )
    assert states[2][:2] == ("Standard 0001", "cancelled")
    assert "NDA breach" in str(states[2][2])
    moved = cli(
        [
            *args,
            "case",
            "reschedule",
            CASE,
            "--patch-planned",
            "2021-03-02",
            "--reason",
            "exploitation of the flaw seen",
            "--now",
            _iso(NOTICE),
            "--json",
        ]
    )
    assert moved.exit_code == 0, moved.stderr
    result = json.loads(moved.stdout)
    assert result["case"]["patch_planned"] == "2021-03-02"
    standard = next(w for w in result["waves"] if w["tier"] == "standard")
    assert standard["at"] == "2021-02-27T00:00:00Z"
    assert [(c["partner"], c["before"], c["after"]) for c in result["less_lead_time"]] == [
        ("Early 0000", "14d", "7d")
    ]
    released = cli([*args, "wave", "release", CASE, "--now", "2021-02-27T00:00:00Z", "--json"])
    assert len(json.loads(released.stdout)["released"]) == 1
    audit = cli([*args, "audit", "verify", "--json"])
    assert audit.exit_code == 0, audit.stderr


def test_standard_age_and_tar_open_a_fetched_bundle(program_env, cli, tmp_path: Path) -> None:
    assert shutil.which("age"), "the age binary is missing: run `make system-deps`"
    world = populate(program_env, early=1, standard=0)
    args = program_env.cli_args()
    cli([*args, "wave", "release", CASE, "--now", _iso(NOTICE)])
    cli(
        [
            *args,
            "bundle",
            "fetch",
            CASE,
            "--partner",
            "Early 0000",
            "--out",
            str(tmp_path),
            "--now",
            _iso(LATER),
        ]
    )
    key = tmp_path / "k"
    key.write_text(world.identities["Early 0000"] + "\n")
    plain = subprocess.run(
        ["age", "-d", "-i", str(key), str(tmp_path / f"{CASE}.bundle.age")],
        check=True,
        capture_output=True,
    ).stdout
    listing = subprocess.run(["tar", "-t"], input=plain, check=True, capture_output=True).stdout
    assert listing.decode().split() == [
        "manifest.json",
        "manifest.json.sig",
        "artifacts/advisory.md",
        "artifacts/detection.md",
        "artifacts/poc.py",
    ]


def test_release_says_who_it_left_out_and_why(program_env, cli) -> None:
    populate(program_env)
    args = program_env.cli_args()
    key = str(pyrage.x25519.Identity.generate().to_public())
    added = cli(
        [*args, "partner", "add", "Rhine Labs", "--country", "DE", "--tier", "early-access"]
        + ["--age-recipient", key, "--now", "2021-01-03T00:00:00Z"]
    )
    assert added.exit_code == 0, added.stderr
    with program_env.open() as program, program.session() as session:
        rule = {"name": "no-poc-in-de", "countries": ["DE"], "withhold": ["poc"]}
        ProgramRepository(session).update(rules=[rule])
    suspended = cli(
        [*args, "partner", "suspend", "Early 0001", "--reason", "NDA breach"]
        + ["--now", "2021-02-01T00:00:00Z"]
    )
    assert suspended.exit_code == 0, suspended.stderr

    early = cli([*args, "wave", "release", CASE, "--now", "2021-02-01T00:00:00Z"])
    assert early.exit_code == 0, early.stderr
    assert "0 released now" in early.stdout
    assert (
        "nothing was due at 2021-02-01 00:00Z; the next wave is due at 2021-02-23 00:00Z"
        in early.stdout
    )

    first = cli([*args, "wave", "release", CASE, "--now", _iso(NOTICE), "--json"])
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert len(report["released"]) == 2
    assert sorted((o["partner"], o["kind"], o["reason"]) for o in report["left_out"]) == [
        ("Early 0001", "excluded", "suspended since 2021-02-01: NDA breach"),
        ("Keyless Ltd", "excluded", "no age recipient key"),
        ("Rhine Labs", "adjusted", "poc withheld by no-poc-in-de"),
        ("Standard 0000", "not-due", "not yet due until 2021-03-06T00:00:00Z"),
    ]
    (later,) = [o for o in report["left_out"] if o["kind"] == "not-due"]
    assert later["at"] == "2021-03-06T00:00:00Z"

    again = cli([*args, "wave", "release", CASE, "--now", _iso(NOTICE)])
    assert again.exit_code == 0, again.stderr
    assert "0 released now, 2 released earlier, 1 waiting for a later wave" in again.stdout
    assert "the next wave is due at 2021-03-06 00:00Z" in again.stdout
    for line in (
        "Early 0000",
        "already released at 2021-02-23T00:00:00Z",
        "suspended since 2021-02-01: NDA breach",
        "no age recipient key",
        "not yet due until 2021-03-06T00:00:00Z",
    ):
        assert line in again.stdout
