"""Everything that decides who gets what is in the log, and `audit verify` compares it with the
database: a row changed behind the log's back fails verification, and `--json` names it.

Each edit below is one an attacker with database access would make to redirect or stop a
delivery; each leaves every leaf, root and signature intact (the log alone verifies), yet
`audit verify` exits 3 and lists the row.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conftest import CliRun, ProgramEnv
from release_world import CASE, NOTICE, populate, sql

NOW = NOTICE.isoformat().replace("+00:00", "Z")
ATTACKER_KEY = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"


def _released(env: ProgramEnv, cli: CliRun) -> list[str]:
    populate(env, early=2, standard=1)
    args = env.cli_args()
    done = cli([*args, "wave", "release", CASE, "--now", "2021-02-23T09:00:00Z"])
    assert done.exit_code == 0, done.stderr
    verified = cli([*args, "audit", "verify", "--json"])
    assert verified.exit_code == 0, verified.stderr
    assert json.loads(verified.stdout)["differences"] == []
    return args


def _one_release(url: str, state: str) -> str:
    return str(sql(url, "SELECT id FROM releases WHERE state = :s ORDER BY id", s=state)[0][0])


def _cancel_pending(url: str) -> None:
    release = _one_release(url, "pending")
    sql(url, "UPDATE releases SET state = 'cancelled' WHERE id = :r", r=release)


def _swap_sealed(url: str) -> None:
    release = _one_release(url, "complete")
    sql(
        url,
        "UPDATE bundles SET sealed = :b, sealed_sha256 = :h WHERE release_id = :r",
        b=b"attacker",
        h="ab" * 32,
        r=release,
    )


EDITS: dict[str, tuple[Callable[[str], None], str]] = {
    "a partner's age recipient": (
        lambda url: sql(
            url, "UPDATE partners SET age_recipient = :k WHERE name = 'Early 0000'", k=ATTACKER_KEY
        ),
        "partners",
    ),
    "a partner's tier": (
        lambda url: sql(
            url,
            "UPDATE partners SET tier_id = (SELECT id FROM tiers WHERE name = 'early-access') "
            "WHERE name = 'Standard 0000'",
        ),
        "partners",
    ),
    "a pending release cancelled": (_cancel_pending, "releases"),
    "the planned patch date": (
        lambda url: sql(url, "UPDATE cases SET patch_planned = '2021-06-01' WHERE id = :c", c=CASE),
        "cases",
    ),
    "a sealed bundle and its hash": (_swap_sealed, "releases"),
    "a delivered release reset to pending": (
        lambda url: sql(url, "UPDATE releases SET state = 'pending' WHERE state = 'complete'"),
        "releases",
    ),
    "an artifact's hash": (
        lambda url: sql(url, "UPDATE artifacts SET sha256 = :h WHERE name = 'poc.py'", h="0" * 64),
        "artifacts",
    ),
    "an artifact's minimum tier": (
        lambda url: sql(
            url,
            "UPDATE artifacts SET min_tier_id = (SELECT id FROM tiers WHERE name = 'standard') "
            "WHERE name = 'poc.py'",
        ),
        "artifacts",
    ),
    "the policy rules": (
        lambda url: sql(url, "UPDATE program SET rules = :r", r='[{"exclude": true}]'),
        "policy",
    ),
    "a partner inserted": (
        lambda url: sql(
            url,
            "INSERT INTO partners (name, country, tier_id, age_recipient, status) "
            "SELECT 'Mallory', 'US', id, :k, 'active' FROM tiers WHERE name = 'early-access'",
            k=ATTACKER_KEY,
        ),
        "partners",
    ),
}


@pytest.mark.parametrize("what", sorted(EDITS))
def test_a_row_changed_behind_the_logs_back_fails_verify_and_is_listed(
    program_env: ProgramEnv, cli: CliRun, what: str
) -> None:
    args = _released(program_env, cli)
    edit, section = EDITS[what]
    edit(program_env.settings.database_url)

    caught = cli([*args, "audit", "verify"])
    assert caught.exit_code == 3, (what, caught.stdout, caught.stderr)
    assert caught.stderr.startswith("error: audit log: ") and "differ" in caught.stderr
    assert "differs: " + section in caught.stdout

    listed = cli([*args, "audit", "verify", "--json"])
    assert listed.exit_code == 3
    report = json.loads(listed.stdout)
    assert {d["section"] for d in report["differences"]} == {section}, report["differences"]
    assert json.loads(listed.stderr)["error"].startswith("audit log: ")


def test_an_age_key_change_through_the_cli_is_logged_and_verifies(
    program_env: ProgramEnv, cli: CliRun
) -> None:
    args = _released(program_env, cli)
    changed = cli(
        [
            *args,
            "partner",
            "edit",
            "Early 0000",
            "--age-recipient",
            ATTACKER_KEY,
            "--reason",
            "key rotation",
            "--now",
            "2021-02-24T09:00:00Z",
        ]
    )
    assert changed.exit_code == 0, changed.stderr
    verified = cli([*args, "audit", "verify", "--json"])
    assert verified.exit_code == 0, verified.stderr  # re-sealed bundles recorded with the edit
    (leaf,) = sql(
        program_env.settings.database_url,
        "SELECT payload FROM audit_leaves WHERE kind = 'partner-change'",
    )
    state = json.loads(str(leaf[0]))["state"]
    assert state["partners"]["Early 0000"]["age_recipient"] == ATTACKER_KEY
    assert state["releases"]  # the re-sealed copies' new hashes


def test_every_decision_writes_its_leaf(program_env: ProgramEnv, cli: CliRun) -> None:
    args = _released(program_env, cli)
    later = ["--now", "2021-02-25T09:00:00Z"]
    for command in (
        ["partner", "suspend", "Early 0001", "--reason", "leak"],
        ["partner", "reinstate", "Early 0001", "--reason", "cleared"],
        ["partner", "remove", "Standard 0000", "--reason", "left"],
        ["partner", "add", "Fabrikam", "--country", "DE", "--tier", "standard"],
        ["case", "reschedule", CASE, "--patch-planned", "2021-03-16", "--reason", "QA"],
    ):
        done = cli([*args, *command, *later])
        assert done.exit_code == 0, (command, done.stderr)
    kinds = [
        str(k) for (k,) in sql(program_env.settings.database_url, "SELECT kind FROM audit_leaves")
    ]
    for kind in (
        "genesis",
        "partner-added",
        "case-created",
        "artifact",
        "release",
        "suspension",
        "reinstatement",
        "removal",
        "reschedule",
    ):
        assert kind in kinds, kind
    verified = cli([*args, "audit", "verify", "--json"])
    assert verified.exit_code == 0, verified.stderr
    assert json.loads(verified.stdout)["genesis"] == 0
