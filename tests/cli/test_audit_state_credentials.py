"""Who can fetch and how copies are marked are in the recorded state too: a token's stored hash,
a portal password, a staff account, a case's marking and the program's token domains. Each edit
below, straight in SQL, lets its maker act as a partner or changes what the copies carry and
what the hunt looks for; each leaves the log itself intact, and `audit verify` exits 3 naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CliRun, ProgramEnv
from release_world import CASE, populate, sql

RELEASED = "2021-02-23T09:00:00Z"
LATER = ["--now", "2021-02-23T10:00:00Z"]
PARTNER = "Early 0000"

EDITS: dict[str, tuple[Callable[[str], None], str]] = {
    "a token's secret hash replaced by one the attacker knows": (
        lambda url: sql(url, "UPDATE api_tokens SET secret_sha256 = :h", h="ab" * 32),
        "api_tokens",
    ),
    "a revoked token made live again": (
        lambda url: sql(url, "UPDATE api_tokens SET revoked_at = NULL"),
        "api_tokens",
    ),
    "a partner's portal password hash replaced": (
        lambda url: sql(url, "UPDATE partner_logins SET password_hash = '$argon2id$attacker'"),
        "partner_logins",
    ),
    "a staff account's role raised": (
        lambda url: sql(url, "UPDATE staff_accounts SET role = 'admin'"),
        "staff",
    ),
    "a case's token domains moved to another domain": (
        lambda url: sql(
            url,
            "UPDATE case_marking SET token_domains = :d WHERE case_id = :c",
            d='["attacker.example"]',
            c=CASE,
        ),
        "markings",
    ),
    "the program's token domains moved": (
        lambda url: sql(url, "UPDATE program SET token_domains = :d", d='["attacker.example"]'),
        "policy",
    ),
}


def _world(env: ProgramEnv, cli: CliRun, tmp_path: Path) -> list[str]:
    """A released case, a revoked API token, a partner portal login and an analyst account."""
    populate(env, early=2, standard=1)
    args = env.cli_args()
    assert cli([*args, "wave", "release", CASE, "--now", RELEASED]).exit_code == 0
    issued = cli([*args, "partner", "api-token", "issue", PARTNER, "--json", *LATER])
    assert issued.exit_code == 0, issued.stderr
    token = json.loads(issued.stdout)["token"]["id"]
    revoked = cli(
        [*args, "partner", "api-token", "revoke", token, "--reason", "left the team", *LATER]
    )
    assert revoked.exit_code == 0, revoked.stderr
    password = tmp_path / "password.txt"
    password.write_text("correct horse battery staple 42\n")
    login = cli(
        [*args, "partner", "portal-login", "set", PARTNER, "--password-file", str(password), *LATER]
    )
    assert login.exit_code == 0, login.stderr
    staff = ["staff", "add", "analyst@vendor.example", "--role", "analyst"]
    assert cli([*args, *staff, "--password-file", str(password), *LATER]).exit_code == 0
    verified = cli([*args, "audit", "verify", "--json"])
    assert verified.exit_code == 0, verified.stderr
    return args


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("what", sorted(EDITS))
def test_a_credential_or_marking_changed_in_sql_fails_verify(
    program_env: ProgramEnv, cli: CliRun, tmp_path: Path, what: str
) -> None:
    args = _world(program_env, cli, tmp_path)
    edit, section = EDITS[what]
    edit(program_env.settings.database_url)
    caught = cli([*args, "audit", "verify", "--json"])
    assert caught.exit_code == 3, (what, caught.stdout, caught.stderr)
    report = json.loads(caught.stdout)
    assert {d["section"] for d in report["differences"]} == {section}, report["differences"]
    assert json.loads(caught.stderr)["error"].startswith("audit log: ")
