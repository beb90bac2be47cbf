"""The witness outside the database catches what signed checkpoints cannot: a rewritten tail.

Each attack below leaves a log that verifies on its own (shown by verifying with the witness
moved away); with the witness, `audit verify` exits 3 and names the truncation or the fork.
"""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CliRun, ProgramEnv
from release_world import CASE, NOTICE, populate, sql

NOW = NOTICE.isoformat().replace("+00:00", "Z")


def _witness(env: ProgramEnv) -> Path:
    return env.settings.key_file.with_name(env.settings.key_file.stem + ".witness")


def _prepared(env: ProgramEnv, cli: CliRun) -> list[str]:
    populate(env, early=3, standard=0)
    args = env.cli_args()
    assert cli([*args, "wave", "release", CASE, "--now", NOW]).exit_code == 0
    for partner in ("Early 0000", "Early 0001"):
        done = cli([*args, "bundle", "ack", CASE, "--partner", partner, "--now", NOW])
        assert done.exit_code == 0, done.stderr
    done = cli([*args, "partner", "suspend", "Early 0002", "--reason", "leak", "--now", NOW])
    assert done.exit_code == 0, done.stderr
    return args


def _drop_tail(url: str, keep: int) -> None:
    sql(url, "DELETE FROM audit_leaves WHERE leaf_index >= :k", k=keep)
    sql(url, "DELETE FROM audit_checkpoints WHERE size > :k", k=keep)


def _last_ack_and_suspension(url: str) -> None:
    """The suspension undone with its leaf, and the last acknowledgement with its row."""
    size = sql(url, "SELECT count(*) FROM audit_leaves")[0][0]
    kinds = [k for (k,) in sql(url, "SELECT kind FROM audit_leaves ORDER BY leaf_index")]
    assert kinds[-1] == "suspension" and kinds[-2] == "ack", kinds
    sql(url, "DELETE FROM acks WHERE id = (SELECT max(id) FROM acks)")
    sql(url, "UPDATE partners SET status = 'active' WHERE name = 'Early 0002'")
    sql(
        url,
        "DELETE FROM partner_status_changes WHERE status = 'suspended' AND partner_id = "
        "(SELECT id FROM partners WHERE name = 'Early 0002')",
    )
    _drop_tail(url, size - 2)


def _suspension_undone(url: str) -> None:
    size = sql(url, "SELECT count(*) FROM audit_leaves")[0][0]
    sql(url, "UPDATE partners SET status = 'active' WHERE name = 'Early 0002'")
    sql(
        url,
        "DELETE FROM partner_status_changes WHERE status = 'suspended' AND partner_id = "
        "(SELECT id FROM partners WHERE name = 'Early 0002')",
    )
    _drop_tail(url, size - 1)


def _wiped(url: str) -> None:
    for table in ("acks", "fetches", "bundles", "release_items", "releases"):
        sql(url, f"DELETE FROM {table}")
    _drop_tail(url, 0)


ATTACKS: dict[str, Callable[[str], None]] = {
    "delete the last leaf and its checkpoint": _suspension_undone,
    "delete the last leaves with the rows they cover": _last_ack_and_suspension,
    "undo a suspension with its leaf": _suspension_undone,
    "wipe the log and the releases": _wiped,
}


@pytest.mark.parametrize("how", sorted(ATTACKS))
def test_a_rewritten_tail_is_caught_by_the_witness(
    program_env: ProgramEnv, cli: CliRun, tmp_path: Path, how: str
) -> None:
    args = _prepared(program_env, cli)
    witness = _witness(program_env)
    assert stat.S_IMODE(witness.stat().st_mode) == 0o600
    ATTACKS[how](program_env.settings.database_url)

    aside = tmp_path / "aside.witness"
    shutil.move(witness, aside)
    alone = cli([*args, "audit", "verify"])
    assert alone.exit_code == 0, (how, alone.stderr)  # the database alone cannot tell
    assert "no audit witness" in alone.stderr
    shutil.move(aside, witness)

    caught = cli([*args, "audit", "verify"])
    assert caught.exit_code == 3, (how, caught.stdout)
    assert caught.stderr.startswith("error: audit log was truncated or rolled back")
    required = cli([*args, "audit", "verify", "--witness", "--json"])
    assert required.exit_code == 3


def test_the_witness_follows_every_commit_and_verifies(
    program_env: ProgramEnv, cli: CliRun
) -> None:
    args = _prepared(program_env, cli)
    lines = _witness(program_env).read_text().splitlines()
    sizes = [json.loads(line)["size"] for line in lines]
    size = len(sql(program_env.settings.database_url, "SELECT leaf_index FROM audit_leaves"))
    assert sizes == sorted(sizes) and sizes[0] == 1 and sizes[-1] == size  # from genesis on
    done = cli([*args, "audit", "verify", "--witness", "--json"])
    assert done.exit_code == 0, done.stderr
    report = json.loads(done.stdout)["witness"]
    assert report["witnessed_size"] == report["log_size"] == size


def test_a_refused_command_never_reaches_the_witness(program_env: ProgramEnv, cli: CliRun) -> None:
    args = _prepared(program_env, cli)
    before = _witness(program_env).read_bytes()
    again = cli([*args, "partner", "suspend", "Early 0002", "--reason", "x", "--now", NOW])
    assert again.exit_code == 2
    assert _witness(program_env).read_bytes() == before


@pytest.mark.one_database  # it copies the database file
def test_an_older_copy_of_the_database_with_a_new_tail_is_a_fork(
    program_env: ProgramEnv, cli: CliRun, tmp_path: Path
) -> None:
    args = _prepared(program_env, cli)
    database = Path(program_env.settings.database_url.removeprefix("sqlite:///"))
    shutil.copy2(database, tmp_path / "old.db")
    done = cli([*args, "bundle", "ack", CASE, "--partner", "Early 0001", "--now", NOW])
    assert done.exit_code == 0, done.stderr
    shutil.copy2(tmp_path / "old.db", database)  # roll back, then write a different leaf 7
    done = cli([*args, "bundle", "ack", CASE, "--partner", "Early 0000", "--now", NOW])
    assert done.exit_code == 0, done.stderr
    forked = cli([*args, "audit", "verify"])
    assert forked.exit_code == 3 and "forked" in forked.stderr, forked.stderr


def test_a_program_without_a_witness_can_start_one(program_env: ProgramEnv, cli: CliRun) -> None:
    args = _prepared(program_env, cli)
    _witness(program_env).unlink()
    missing = cli([*args, "audit", "verify", "--witness"])
    assert missing.exit_code == 3 and "witness-start" in missing.stderr
    started = cli([*args, "audit", "witness-start", "--json"])
    assert started.exit_code == 0, started.stderr
    size = len(sql(program_env.settings.database_url, "SELECT leaf_index FROM audit_leaves"))
    assert json.loads(started.stdout)["leaves"] == size
    assert cli([*args, "audit", "witness-start"]).exit_code == 2
    assert cli([*args, "audit", "verify", "--witness"]).exit_code == 0
