"""A bundle the scheduler sealed ahead carries the audit checkpoint of the moment it was sealed:
signed inside its manifest, recorded by its release leaf, and good for `audit prove-rollback`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import CliRun, ProgramEnv
from release_world import CASE, populate, sql

WAVE = datetime.fromisoformat("2021-02-23T00:00:00+00:00")
"""The early-access wave's instant."""
PARTNER = "Early 0001"


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_held_bundle_carries_the_checkpoint_it_was_sealed_with(
    program_env: ProgramEnv, cli: CliRun, tmp_path: Path
) -> None:
    world = populate(program_env, early=2, standard=0)
    args, url = program_env.cli_args(), program_env.settings.database_url
    ahead = WAVE - timedelta(minutes=30)
    prepared = cli([*args, "scheduler", "--once", "--now", _iso(ahead), "--json"])
    assert len(json.loads(prepared.stdout)["prepared"]) == 2, prepared.stderr
    sealed_with = sql(url, "SELECT max(size) FROM audit_checkpoints")[0][0]
    assert sql(url, "SELECT checkpoint_size FROM held_bundles") == [(sealed_with,)] * 2

    # the log grows between sealing and the instant: the bundle keeps what it was signed with
    logged = cli([*args, "partner", "api-token", "issue", PARTNER, "--now", _iso(ahead)])
    assert logged.exit_code == 0, logged.stderr
    released = cli([*args, "scheduler", "--once", "--now", _iso(WAVE), "--json"])
    assert len(json.loads(released.stdout)["released"]) == 2, released.stderr
    leaves = sql(url, "SELECT payload FROM audit_leaves WHERE kind = 'release'")
    assert [json.loads(p)["checkpoint_size"] for (p,) in leaves] == [sealed_with] * 2

    out = tmp_path / "out"
    fetched = cli([*args, "bundle", "fetch", CASE, "--partner", PARTNER, "--out", str(out)])
    assert fetched.exit_code == 0, fetched.stderr
    identity = tmp_path / "partner.key"
    identity.write_text(world.identities[PARTNER] + "\n")
    key = cli([*args, "audit", "public-key"]).stdout.strip()
    kept = tmp_path / "kept.json"
    verified = cli(
        ["bundle", "verify", str(out / f"{CASE}.bundle.age"), "-i", str(identity)]
        + ["--public-key", key, "--save-checkpoint", str(kept)]
    )
    assert verified.exit_code == 0, verified.stderr
    assert f"checkpoint of {sealed_with} leaves" in verified.stdout
    carried = json.loads(kept.read_text())
    assert carried["size"] == sealed_with and carried["at"] <= _iso(ahead).replace("Z", ".000000Z")

    proof = tmp_path / "proof.json"
    proof.write_text(cli([*args, "audit", "consistency", str(sealed_with)]).stdout)
    checked = cli(
        ["audit", "prove-rollback", str(kept), "--against", str(proof)] + ["--public-key", key]
    )
    assert checked.exit_code == 0, checked.stderr
    regenerated = cli([*args, "audit", "verify", "--regenerate"])
    assert regenerated.exit_code == 0, regenerated.stderr
