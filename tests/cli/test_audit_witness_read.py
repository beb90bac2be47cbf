"""An external witness read back: `FOREWARN_WITNESS_READ_COMMAND` (a real subprocess witness
that keeps checkpoints in a store of its own) and `audit verify --witness-from` (a copy fetched
from the witness) catch a truncated tail and a fork, with the operator's own witness file gone.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import CliRun, ProgramEnv
from release_world import CASE, NOTICE, populate, sql

NOW = NOTICE.isoformat().replace("+00:00", "Z")

WITNESS = """
import sys
action, store = sys.argv[1], sys.argv[2]
if action == "append":
    line = sys.stdin.read()
    with open(store, "a") as out:
        out.write(line)
elif action == "list":
    with open(store) as kept:
        sys.stdout.write(kept.read())
else:
    sys.exit(1)
"""
"""A cosigner that keeps what it receives where the operator does not write, and lists it."""


@pytest.fixture
def witnessed(
    program_env: ProgramEnv, cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], Path]:
    script = tmp_path / "cosigner.py"
    script.write_text(WITNESS)
    store = tmp_path / "cosigner.jsonl"
    monkeypatch.setenv("FOREWARN_WITNESS_COMMAND", f"{sys.executable} {script} append {store}")
    monkeypatch.setenv("FOREWARN_WITNESS_READ_COMMAND", f"{sys.executable} {script} list {store}")
    populate(program_env, early=2, standard=0)
    args = program_env.cli_args()
    assert cli([*args, "wave", "release", CASE, "--now", NOW]).exit_code == 0
    done = cli([*args, "bundle", "ack", CASE, "--partner", "Early 0000", "--now", NOW])
    assert done.exit_code == 0, done.stderr
    done = cli([*args, "partner", "suspend", "Early 0001", "--reason", "leak", "--now", NOW])
    assert done.exit_code == 0, done.stderr
    return args, store


def _undo_suspension(env: ProgramEnv) -> None:
    """The last leaf (a suspension) and its checkpoint removed, the suspension undone."""
    url = env.settings.database_url
    size = sql(url, "SELECT count(*) FROM audit_leaves")[0][0]
    sql(url, "UPDATE partners SET status = 'active' WHERE name = 'Early 0001'")
    sql(url, "DELETE FROM partner_status_changes WHERE status = 'suspended'")
    sql(url, "DELETE FROM audit_leaves WHERE leaf_index = :k", k=size - 1)
    sql(url, "DELETE FROM audit_checkpoints WHERE size = :k", k=size)
    env.settings.key_file.with_name(env.settings.key_file.stem + ".witness").unlink()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_read_command_witness_catches_a_truncated_tail(
    program_env: ProgramEnv, cli: CliRun, witnessed: tuple[list[str], Path]
) -> None:
    args, store = witnessed
    size = sql(program_env.settings.database_url, "SELECT count(*) FROM audit_leaves")[0][0]
    verified = cli([*args, "audit", "verify", "--witness", "--json"])
    assert verified.exit_code == 0, verified.stderr
    (external,) = json.loads(verified.stdout)["external"]
    assert external["path"].startswith("witness read command") and external["log_size"] == size
    assert external["witnessed_size"] == size

    _undo_suspension(program_env)
    caught = cli([*args, "audit", "verify"])  # the cosigner remembers
    assert caught.exit_code == 3
    assert caught.stderr.startswith("error: audit log was truncated or rolled back")
    assert f"saw {size} leaves" in caught.stderr


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_copy_from_the_witness_catches_a_fork_and_an_unread_command_is_said(
    program_env: ProgramEnv,
    cli: CliRun,
    witnessed: tuple[list[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args, store = witnessed
    copy = tmp_path / "fetched-from-cosigner.jsonl"
    shutil.copy(store, copy)
    monkeypatch.delenv("FOREWARN_WITNESS_READ_COMMAND")

    unread = cli([*args, "audit", "verify"])
    assert unread.exit_code == 0 and "not read back" in unread.stderr
    required = cli([*args, "audit", "verify", "--witness"])
    assert required.exit_code == 2 and "FOREWARN_WITNESS_READ_COMMAND" in required.stderr
    assert cli([*args, "audit", "verify", "--witness", "--witness-from", str(copy)]).exit_code == 0

    _undo_suspension(program_env)  # then a different last leaf: a fork of the witnessed log
    monkeypatch.delenv("FOREWARN_WITNESS_COMMAND")
    done = cli([*args, "bundle", "ack", CASE, "--partner", "Early 0001", "--now", NOW])
    assert done.exit_code == 0, done.stderr
    assert cli([*args, "audit", "verify"]).exit_code == 0  # the log alone verifies
    forked = cli([*args, "audit", "verify", "--witness-from", str(copy)])
    assert forked.exit_code == 3 and "forked" in forked.stderr, forked.stderr

    newest = tmp_path / "newest.json"  # one checkpoint, as `audit checkpoint` prints it
    newest.write_text(json.dumps(json.loads(copy.read_text().splitlines()[-1]), indent=2))
    assert cli([*args, "audit", "verify", "--witness-from", str(newest)]).exit_code == 3
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text("not a checkpoint\n")
    broken = cli([*args, "audit", "verify", "--witness-from", str(damaged)])
    assert broken.exit_code == 3 and "not a checkpoint" in broken.stderr


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_failing_read_command_fails_verification(
    program_env: ProgramEnv,
    cli: CliRun,
    witnessed: tuple[list[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args, _ = witnessed
    script = tmp_path / "cosigner.py"
    monkeypatch.setenv("FOREWARN_WITNESS_READ_COMMAND", f"{sys.executable} {script} nothing x")
    failed = cli([*args, "audit", "verify"])
    assert failed.exit_code == 3 and "failed (exit 1)" in failed.stderr
