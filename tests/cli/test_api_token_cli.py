"""`forewarn partner api-token …` through the CLI: shown once, hashed at rest, audited, refused
for a partner that is not active, revoked once."""

from __future__ import annotations

import hashlib
import json

from conftest import CliRun, ProgramEnv
from release_world import sql


def _leaves(cli: CliRun, env: ProgramEnv) -> int:
    done = cli([*env.cli_args(), "--json", "audit", "verify"])
    assert done.exit_code == 0, done.stderr
    leaves: int = json.loads(done.stdout)["leaves"]
    return leaves


def test_a_token_is_shown_once_stored_as_a_hash_and_audited(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    args = program_env.cli_args()
    added = cli(
        [
            *args,
            "partner",
            "add",
            "Northwind Labs",
            "--country",
            "US",
            "--tier",
            "standard",
            "--now",
            "2021-01-05T00:00Z",
        ]
    )
    assert added.exit_code == 0, added.stderr
    before = _leaves(cli, program_env)
    issued = cli(
        [
            *args,
            "--json",
            "partner",
            "api-token",
            "issue",
            "Northwind Labs",
            "--scope",
            "cases:read",
            "--days",
            "30",
        ]
    )
    assert issued.exit_code == 0, issued.stderr
    body = json.loads(issued.stdout)
    secret, token = body["secret"], body["token"]
    assert secret.startswith("fwp_") and len(secret) == 47
    assert token["scopes"] == ["cases:read"]
    stored = sql(program_env.settings.database_url, "SELECT secret_sha256 FROM api_tokens")
    assert stored == [(hashlib.sha256(secret.encode()).hexdigest(),)]
    listed = cli([*args, "--json", "partner", "api-token", "list"])
    assert secret not in listed.stdout and token["id"] in listed.stdout
    assert _leaves(cli, program_env) == before + 1
    revoked = cli([*args, "partner", "api-token", "revoke", token["id"], "--reason", "rotated"])
    assert revoked.exit_code == 0, revoked.stderr
    assert _leaves(cli, program_env) == before + 2
    again = cli([*args, "partner", "api-token", "revoke", token["id"], "--reason", "again"])
    assert again.exit_code == 2 and "revoked already" in again.stderr
    assert _leaves(cli, program_env) == before + 2


def test_no_token_for_a_suspended_partner_or_a_bad_scope(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    args = program_env.cli_args()
    for step in (
        [
            "partner",
            "add",
            "Contoso Security",
            "--country",
            "DE",
            "--tier",
            "standard",
            "--now",
            "2021-01-05T00:00Z",
        ],
        [
            "partner",
            "suspend",
            "Contoso Security",
            "--reason",
            "review",
            "--now",
            "2021-01-06T00:00Z",
        ],
    ):
        assert cli([*args, *step]).exit_code == 0
    suspended = cli([*args, "partner", "api-token", "issue", "Contoso Security"])
    assert suspended.exit_code == 2 and "suspended" in suspended.stderr
    scope = cli([*args, "partner", "api-token", "issue", "Contoso Security", "--scope", "admin"])
    assert scope.exit_code == 2 and "unknown scope" in scope.stderr
    too_long = cli([*args, "partner", "api-token", "issue", "Contoso Security", "--days", "999"])
    assert too_long.exit_code == 2
    assert sql(program_env.settings.database_url, "SELECT count(*) FROM api_tokens") == [(0,)]
