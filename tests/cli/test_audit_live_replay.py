"""Live and replay programs, the genesis leaf of a migrated program, external witnesses.

A live program's log is in time order: a `--now` before its last leaf is refused, so nobody who
holds the key dates an entry in the past. A replay program (the demo, scenarios, `init
--replay`) may go back, and every leaf and report says it is a replay.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import T0, CliRun, ProgramEnv
from forewarn.domain import LeafKind
from forewarn.program.audit import REPLAY_KEY, append_audit
from forewarn.store import migrate
from release_world import sql

LATER = "2021-02-01T09:00:00Z"
EARLIER = "2021-01-20T09:00:00Z"
ADD = ["partner", "add", "Contoso", "--country", "DE", "--tier", "standard"]
OTHER = ["partner", "add", "Fabrikam", "--country", "FR", "--tier", "standard"]


def test_a_live_program_refuses_a_now_before_its_last_leaf(
    live_env: ProgramEnv, cli: CliRun
) -> None:
    args = live_env.cli_args()
    assert cli([*args, *ADD, "--now", LATER]).exit_code == 0
    before = sql(live_env.settings.database_url, "SELECT count(*) FROM audit_leaves")
    back = cli([*args, *OTHER, "--now", EARLIER])
    assert back.exit_code == 2
    assert back.stderr.startswith("error: 2021-01-20T09:00:00.000000Z is before the audit log")
    assert len(back.stderr.strip().splitlines()) == 1 and "Traceback" not in back.stderr
    assert sql(live_env.settings.database_url, "SELECT count(*) FROM audit_leaves") == before
    assert sql(live_env.settings.database_url, "SELECT name FROM partners") == [("Contoso",)]
    payloads = sql(live_env.settings.database_url, "SELECT payload FROM audit_leaves")
    assert all("replay" not in json.loads(str(p)) for (p,) in payloads)
    verified = cli([*args, "audit", "verify", "--json"])
    assert json.loads(verified.stdout)["mode"] == "live"


def test_a_replay_program_goes_back_and_says_so_in_every_leaf_and_report(
    db_url: str, tmp_path: Path, cli: CliRun
) -> None:
    key = tmp_path / "replay.key"
    args = ["--db", db_url, "--key-file", str(key)]
    made = cli([*args, "init", "--replay", "--now", "2021-01-04T09:00:00Z", "--json"])
    assert made.exit_code == 0, made.stderr
    assert json.loads(made.stdout)["mode"] == "replay"
    assert cli([*args, *ADD, "--now", LATER]).exit_code == 0
    back = cli([*args, *OTHER, "--now", EARLIER])
    assert back.exit_code == 0, back.stderr
    payloads = sql(db_url, "SELECT payload FROM audit_leaves ORDER BY leaf_index")
    assert len(payloads) == 3
    assert all(json.loads(str(p))["replay"] is True for (p,) in payloads)
    verified = cli([*args, "audit", "verify"])
    assert verified.exit_code == 0, verified.stderr
    assert "(replay program)" in verified.stdout
    assert "replay of past history" in verified.stderr
    assert json.loads(cli([*args, "audit", "verify", "--json"]).stdout)["mode"] == "replay"


def _legacy_log(env: ProgramEnv) -> None:
    """The log of a program made before the genesis leaf: no genesis, leaves out of order."""
    sql(env.settings.database_url, "DELETE FROM audit_checkpoints")
    sql(env.settings.database_url, "DELETE FROM audit_leaves")
    env.settings.key_file.with_name("forewarn.witness").unlink()
    with env.open() as program, program.session() as session:
        session.info[REPLAY_KEY] = True  # as old code did: any --now was accepted
        for day in (9, 3):
            at = T0.replace(day=day)
            append_audit(session, LeafKind.REMINDER, {"case": "X"}, at, keys=program.keys)
    env.settings.key_file.with_name("forewarn.witness").unlink()


def test_a_migrated_program_gets_a_genesis_leaf_and_its_witness_starts_there(
    live_env: ProgramEnv, cli: CliRun, backend: str
) -> None:
    _legacy_log(live_env)
    migrate.downgrade(live_env.settings.database_url, "0011_staff")
    args = live_env.cli_args()
    migrated = cli([*args, "program", "migrate", "--json"])
    assert migrated.exit_code == 0, migrated.stderr
    assert json.loads(migrated.stdout) == {"revision": migrate.head_revision(), "genesis": 2}

    genesis = json.loads(
        str(
            sql(
                live_env.settings.database_url,
                "SELECT payload FROM audit_leaves WHERE kind = 'genesis'",
            )[0][0]
        )
    )
    assert genesis["reason"] == "migration" and genesis["mode"] == "live"
    assert set(genesis["state"]) >= {"partners", "cases", "releases", "artifacts", "policy"}
    witness = live_env.settings.key_file.with_name("forewarn.witness")
    assert [json.loads(line)["size"] for line in witness.read_text().splitlines()] == [3]

    verified = cli([*args, "audit", "verify", "--witness", "--json"])
    assert verified.exit_code == 0, verified.stderr
    report = json.loads(verified.stdout)
    assert report["genesis"] == 2
    assert len(report["warnings"]) == 1 and "leaf 1" in report["warnings"][0]
    again = cli([*args, "program", "migrate", "--json"])
    assert json.loads(again.stdout)["genesis"] is None  # once per program


WITNESS_SCRIPT = """
import sys
from datetime import UTC, datetime, timedelta
line = sys.stdin.read()
with open(sys.argv[1], "a") as out:
    out.write(line)
sys.exit(int(sys.argv[2]))
"""


def test_an_external_witness_command_receives_every_checkpoint(
    program_env: ProgramEnv, cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "witness.py"
    script.write_text(WITNESS_SCRIPT)
    kept = tmp_path / "kept.jsonl"
    monkeypatch.setenv("FOREWARN_WITNESS_COMMAND", f"{sys.executable} {script} {kept} 0")
    args = program_env.cli_args()
    assert cli([*args, *ADD, "--now", LATER]).exit_code == 0
    assert (
        cli([*args, "partner", "suspend", "Contoso", "--reason", "x", "--now", LATER]).exit_code
        == 0
    )
    received = [json.loads(line) for line in kept.read_text().splitlines()]
    witness = program_env.settings.key_file.with_name("forewarn.witness")
    assert received == [json.loads(line) for line in witness.read_text().splitlines()][1:]
    assert [c["size"] for c in received] == [2, 3]

    monkeypatch.setenv("FOREWARN_WITNESS_COMMAND", f"{sys.executable} {script} {kept} 1")
    refused = cli([*args, "partner", "reinstate", "Contoso", "--reason", "y", "--now", LATER])
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: the witness command") and "refused" in refused.stderr


def test_a_witness_folder_catches_a_truncated_tail(
    program_env: ProgramEnv, cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "witness.d"
    folder.mkdir()
    monkeypatch.setenv("FOREWARN_WITNESS_DIR", str(folder))
    args = program_env.cli_args()
    assert cli([*args, *ADD, "--now", LATER]).exit_code == 0
    assert (
        cli([*args, "partner", "suspend", "Contoso", "--reason", "x", "--now", LATER]).exit_code
        == 0
    )
    assert len(list(folder.glob("*.json"))) == 2
    verified = cli([*args, "audit", "verify", "--json"])
    assert verified.exit_code == 0, verified.stderr
    assert [w["witnessed_size"] for w in json.loads(verified.stdout)["external"]] == [3]

    url = program_env.settings.database_url
    sql(url, "UPDATE partners SET status = 'active'")
    sql(url, "DELETE FROM partner_status_changes WHERE status = 'suspended'")
    sql(url, "DELETE FROM audit_leaves WHERE leaf_index = 2")
    sql(url, "DELETE FROM audit_checkpoints WHERE size = 3")
    program_env.settings.key_file.with_name("forewarn.witness").unlink()  # the local one too
    caught = cli([*args, "audit", "verify"])
    assert caught.exit_code == 3
    assert caught.stderr.startswith("error: audit log was truncated or rolled back")


def test_a_live_program_refuses_a_now_in_the_future_and_goes_on_at_the_present(
    live_env: ProgramEnv, cli: CliRun
) -> None:
    """A typo such as 2062 for 2026 must not date a leaf ahead: every later command of a live
    program would be "before the last leaf" until then."""
    args = live_env.cli_args()
    ahead = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    before = sql(live_env.settings.database_url, "SELECT count(*) FROM audit_leaves")
    refused = cli([*args, *ADD, "--now", ahead])
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: ") and "is in the future" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
    assert sql(live_env.settings.database_url, "SELECT count(*) FROM audit_leaves") == before
    assert sql(live_env.settings.database_url, "SELECT name FROM partners") == []
    assert cli([*args, *ADD]).exit_code == 0  # the present is still open
    assert cli([*args, *OTHER]).exit_code == 0
