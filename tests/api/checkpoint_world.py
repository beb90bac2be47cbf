"""A small served program for the audit checkpoint over the partner API: two partners with one
released case, API tokens (one revoked, one of another program for a partner of the same name),
a staff admin, and a cosigner witness outside the database that the service can read back.

Light on purpose (one advisory, no PoC to mark): what is under test is the audit log, which
every request of a partner extends, not the marks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from forewarn.domain import ArtifactKind, StaffRole
from forewarn.program import partners
from forewarn.program.release import release_due
from forewarn.program.service import init_program, open_program
from forewarn.settings import Settings, sqlite_url
from release_world import add_case, add_partners, sql

from .portal_world import add_staff
from .service_world import (
    ADVISORY,
    CONTOSO,
    FOREWARN_BIN,
    NORTHWIND,
    PAST,
    START,
    _cli,
    _issue,
    serving,
)

STAFF = "auditor@program.example"

COSIGNER = """
import sys
action, store = sys.argv[1], sys.argv[2]
if action == "append":
    with open(store, "a") as out:
        out.write(sys.stdin.read())
else:
    with open(store) as kept:
        sys.stdout.write(kept.read())
"""
"""A witness keeping every checkpoint where the program's operator does not write."""


@dataclass(frozen=True)
class World:
    """The running service and what the tests hold of it."""

    url: str
    settings: Settings
    tokens: dict[str, str]
    """`northwind`, `contoso`, `revoked`, `other-program` → bearer secret."""
    totp: str
    """The staff admin's TOTP secret."""
    folder: Path
    read_command: str
    """`FOREWARN_WITNESS_READ_COMMAND`: how the cosigner's checkpoints are read back."""

    def client(self) -> httpx.Client:
        """A client that follows no redirects."""
        return httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)

    def bearer(self, who: str) -> dict[str, str]:
        """The `Authorization` header of a token."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    @property
    def witness_file(self) -> Path:
        """The program's own witness file, beside the key file."""
        key = self.settings.key_file
        return key.with_name(key.stem + ".witness")

    def drop_tail(self, keep: int) -> None:
        """Remove every leaf from index `keep` on, with their checkpoints, by SQL."""
        url = self.settings.database_url
        sql(url, "DELETE FROM audit_leaves WHERE leaf_index >= :k", k=keep)
        sql(url, "DELETE FROM audit_checkpoints WHERE size > :k", k=keep)


def partner_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`forewarn ARGS…` as a partner runs it: its own machine, no program database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOREWARN_")}
    env["FOREWARN_KNOWN_KEYS"] = str(cwd / "known-keys.json")
    return subprocess.run(
        [str(FOREWARN_BIN), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _stage(settings: Settings) -> None:
    init_program(settings, now=START, name="Checkpoint Test Program")
    program = open_program(settings)
    with program, program.session() as session:
        add_partners(
            session, program.keys, [(n, "early-access") for n in (NORTHWIND, CONTOSO)], now=START
        )
        add_case(
            session,
            program.keys,
            now=START,
            case_id=PAST,
            artifact_contents=[("advisory.md", ArtifactKind.ADVISORY, ADVISORY)],
        )
    program = open_program(settings)
    with program:
        release_due(program.session, program.keys, PAST, now=datetime(2021, 4, 12, tzinfo=UTC))


@contextmanager
def world(folder: Path) -> Iterator[World]:
    """Stage, witness and serve the program in `folder` until the block ends."""
    script = folder / "cosigner.py"
    script.write_text(COSIGNER)
    store = folder / "cosigner.jsonl"
    read_command = f"{sys.executable} {script} list {store}"
    other = _other_program_token(folder / "other")  # before the cosigner is named: not its log
    with ExitStack() as stack:
        env = stack.enter_context(pytest.MonkeyPatch.context())
        # the CLI, the use cases and `forewarn serve` hand checkpoints to the cosigner; the
        # variables are set while the program is staged and the server starts, no longer
        env.setenv("FOREWARN_WITNESS_COMMAND", f"{sys.executable} {script} append {store}")
        env.setenv("FOREWARN_WITNESS_READ_COMMAND", read_command)
        settings = Settings.from_environment(
            database_url=sqlite_url(folder / "forewarn.db"), key_file=folder / "forewarn.key"
        )
        _stage(settings)
        tokens = {"northwind": _issue(settings, NORTHWIND)[0]}
        tokens["contoso"] = _issue(settings, CONTOSO)[0]
        tokens["other-program"] = other
        tokens["revoked"], revoked = _issue(settings, NORTHWIND)
        _cli(settings, "partner", "api-token", "revoke", revoked, "--reason", "laptop lost")
        totp = add_staff(settings, STAFF, StaffRole.ADMIN)
        url = stack.enter_context(serving(settings, folder / "serve.log"))
        env.undo()
        yield World(url, settings, tokens, totp, folder, read_command)


def _other_program_token(folder: Path) -> str:
    """A live token of a partner of the same name, issued by another program."""
    folder.mkdir()
    other = Settings(database_url=sqlite_url(folder / "other.db"), key_file=folder / "other.key")
    init_program(other, now=START, name="Another Program")
    program = open_program(other)
    with program, program.session() as session:
        partners.add_partner(
            session, program.keys, name=NORTHWIND, country="US", tier="standard", now=START
        )
    return _issue(other, NORTHWIND)[0]
