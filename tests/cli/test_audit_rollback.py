"""Any partner can prove a rollback: its bundle carries a signed checkpoint, and the program's
later checkpoints and consistency proofs are checked against it with the public key alone."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from conftest import CliRun, ProgramEnv
from release_world import CASE, NOTICE, populate, sql

NOW = NOTICE.isoformat().replace("+00:00", "Z")
PARTNER = "Early 0000"


def _held_checkpoint(env: ProgramEnv, cli: CliRun, tmp_path: Path) -> tuple[list[str], Path, str]:
    """A partner fetched and verified its bundle and kept the checkpoint it carries."""
    world = populate(env, early=2, standard=0)
    args = env.cli_args()
    assert cli([*args, "wave", "release", CASE, "--now", NOW]).exit_code == 0
    fetched = cli([*args, "bundle", "fetch", CASE, "--partner", PARTNER, "--out", str(tmp_path)])
    assert fetched.exit_code == 0, fetched.stderr
    identity = tmp_path / "partner.key"
    identity.write_text(world.identities[PARTNER] + "\n")
    key = cli([*args, "audit", "public-key"]).stdout.strip()
    held = tmp_path / "held.json"
    verified = cli(
        [
            "bundle",
            "verify",
            str(tmp_path / f"{CASE}.bundle.age"),
            "-i",
            str(identity),
            "--public-key",
            key,
            "--save-checkpoint",
            str(held),
            "--json",
        ]
    )
    assert verified.exit_code == 0, verified.stderr
    carried = json.loads(verified.stdout)["audit_checkpoint"]
    assert json.loads(held.read_text()) == carried
    first_release = sql(
        env.settings.database_url, "SELECT min(leaf_index) FROM audit_leaves WHERE kind = 'release'"
    )[0][0]
    assert carried["size"] == first_release  # the log as it was when the wave went out
    return args, held, key


def test_a_partner_checks_the_log_still_extends_its_checkpoint(
    program_env: ProgramEnv, cli: CliRun, tmp_path: Path
) -> None:
    args, held, key = _held_checkpoint(program_env, cli, tmp_path)
    size = json.loads(held.read_text())["size"]
    proof = tmp_path / "proof.json"
    made = cli([*args, "audit", "consistency", str(size)])
    assert made.exit_code == 0, made.stderr
    proof.write_text(made.stdout)
    checked = cli(
        ["audit", "prove-rollback", str(held), "--against", str(proof), "--public-key", key]
    )
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.startswith("no rollback: the signed log of")

    # a bare newer checkpoint is not enough either way
    newer = tmp_path / "newer.json"
    newer.write_text(cli([*args, "audit", "checkpoint"]).stdout)
    vague = cli(
        ["audit", "prove-rollback", str(held), "--against", str(newer), "--public-key", key]
    )
    assert vague.exit_code == 2 and "audit consistency" in vague.stderr
    # the bundle's regeneration still matches (the checkpoint it carries is recorded)
    assert cli([*args, "audit", "verify", "--regenerate"]).exit_code == 0


def test_a_rolled_back_log_is_proven_by_the_partners_checkpoint(
    program_env: ProgramEnv, cli: CliRun, tmp_path: Path
) -> None:
    args, held, key = _held_checkpoint(program_env, cli, tmp_path)
    size = json.loads(held.read_text())["size"]
    url = program_env.settings.database_url
    for table in ("fetches", "bundles", "release_items"):
        sql(url, f"DELETE FROM {table}")
    sql(url, "UPDATE releases SET state = 'pending', manifest_sha256 = NULL, bundle_sha256 = NULL")
    sql(url, "DELETE FROM audit_leaves WHERE leaf_index >= :k", k=size - 1)
    sql(url, "DELETE FROM audit_checkpoints WHERE size >= :k", k=size)
    rolled = tmp_path / "rolled.json"
    rolled.write_text(cli([*args, "audit", "checkpoint"]).stdout)
    assert json.loads(rolled.read_text())["size"] == size - 1

    proven = cli(
        ["audit", "prove-rollback", str(held), "--against", str(rolled), "--public-key", key]
    )
    assert proven.exit_code == 3
    assert proven.stderr.startswith(f"error: rollback proven: the program signed {size} leaves")
    assert cli([*args, "audit", "consistency", str(size)]).exit_code == 2  # it cannot show one

    forged = json.loads(held.read_text())
    forged["size"] += 1
    held.write_text(json.dumps(forged))
    unsigned = cli(
        ["audit", "prove-rollback", str(held), "--against", str(rolled), "--public-key", key]
    )
    assert unsigned.exit_code == 3 and "not signed by this program key" in unsigned.stderr


def test_the_api_hands_out_the_newest_checkpoint(program_env: ProgramEnv, cli: CliRun) -> None:
    with warnings.catch_warnings():  # starlette's note on its own httpx use
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from forewarn.api.app import create_app
    from forewarn.api.settings import API_PREFIX, ServiceSettings

    populate(program_env, early=1, standard=0)
    args = program_env.cli_args()
    issued = cli([*args, "partner", "api-token", "issue", "Early 0000", "--json", "--now", NOW])
    assert issued.exit_code == 0, issued.stderr
    secret = json.loads(issued.stdout)["secret"]
    expected = json.loads(cli([*args, "audit", "checkpoint"]).stdout)
    app = create_app(ServiceSettings(program=program_env.settings), clock=lambda: NOTICE)
    with TestClient(app) as client:
        answer = client.get(
            f"{API_PREFIX}/checkpoint", headers={"Authorization": f"Bearer {secret}"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json() == expected
        assert client.get(f"{API_PREFIX}/checkpoint").status_code == 401
