"""A staged partner program and a real `forewarn serve` process in front of it.

The program is staged through the use cases (and the token CLI); everything under test is then
asked over HTTP of a uvicorn process on 127.0.0.1, as a partner would. Cases cover each side of
a wave instant by the wall clock the server reads: two released in 2021 (after), one whose
early-access wave passed four days ago while its standard wave comes in a week (after for one
partner, before for another), and one planned for 2099 (before, for everyone).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pyrage
from typer.testing import CliRunner

from forewarn.cli.app import app
from forewarn.domain import ArtifactKind
from forewarn.program import artifacts, cases, partners
from forewarn.program.release import release_due
from forewarn.program.service import init_program, open_program
from forewarn.settings import Settings

FOREWARN_BIN = Path(sys.executable).with_name("forewarn")
POC = Path(__file__).parents[2] / "src/forewarn/data/scenarios/exchange-2021/poc.py"
START = datetime(2021, 1, 4, 9, 0, tzinfo=UTC)

NORTHWIND, CONTOSO, FABRIKAM = "Northwind Labs", "Contoso Security", "Fabrikam Research"
PARTNERS = (NORTHWIND, CONTOSO, FABRIKAM)

PAST, ONLY_EARLY, STAGGERED, FUTURE = "FW-2021-0001", "FW-2021-0002", "FW-2026-0001", "FW-2099-0001"
UNKNOWN = "FW-2000-0404"

ADVISORY = b"# Mail server pre-auth request chain\n\nApply the update as soon as it ships.\n"
DETECTION = b"# Detection guidance\n\nAlert on cookies that name a back-end host.\n"


@dataclass(frozen=True)
class Service:
    """A running service and what the tests need to talk to it."""

    url: str
    settings: Settings
    tokens: dict[str, str]
    """Caller label → bearer secret (`northwind`, `contoso`, `suspended`, `revoked`, `expired`)."""
    identities: dict[str, str]
    """Partner name → its age identity."""
    log: Path
    """The server's stdout and stderr."""

    def env(self) -> dict[str, str]:
        """Environment pointing a `forewarn` subprocess at the served program."""
        return {
            **os.environ,
            "FOREWARN_DATABASE_URL": self.settings.database_url,
            "FOREWARN_KEY_FILE": str(self.settings.key_file),
        }

    def client(self, **kwargs: object) -> httpx.Client:
        """An HTTP client for the service."""
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)  # type: ignore[arg-type]


def _cli(settings: Settings, *args: str) -> dict[str, object]:
    runner = CliRunner()
    where = ["--db", settings.database_url, "--key-file", str(settings.key_file), "--json"]
    result = runner.invoke(app, [*where, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def _issue(settings: Settings, partner: str, *more: str) -> tuple[str, str]:
    issued = _cli(settings, "partner", "api-token", "issue", partner, *more)
    token = issued["token"]
    assert isinstance(token, dict)
    return str(issued["secret"]), str(token["id"])


def stage(settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    """Stage the program; the tokens and identities."""
    now = datetime.now(UTC)
    init_program(settings, now=START, name="Partner Service Test Program")
    identities: dict[str, str] = {}
    program = open_program(settings)
    with program, program.session() as session:
        for name, tier in (
            (NORTHWIND, "early-access"),
            (CONTOSO, "standard"),
            (FABRIKAM, "early-access"),
        ):
            identity = pyrage.x25519.Identity.generate()
            identities[name] = str(identity)
            partners.add_partner(
                session,
                program.keys,
                name=name,
                country="US",
                tier=tier,
                now=START,
                age_recipient=str(identity.to_public()),
            )
        soon = (now + timedelta(days=10)).date()
        for case_id, patch in (
            (PAST, date(2021, 3, 9)),
            (ONLY_EARLY, date(2021, 4, 13)),
            (STAGGERED, soon),
            (FUTURE, date(2099, 6, 1)),
        ):
            cases.create_case(
                session,
                program.keys,
                now=START,
                case_id=case_id,
                title=f"Case {case_id} request chain",
                product="Mail Server 2019",
                reported=date(2021, 1, 5),
                patch_planned=patch,
            )
            contents = [("poc.py", ArtifactKind.POC, POC.read_bytes())]
            if case_id != ONLY_EARLY:
                contents += [
                    ("advisory.md", ArtifactKind.ADVISORY, ADVISORY),
                    ("detection.md", ArtifactKind.DETECTION, DETECTION),
                ]
            for name, kind, content in contents:
                artifacts.add_artifact(
                    session,
                    program.keys,
                    case_id=case_id,
                    name=name,
                    content=content,
                    kind=kind,
                    now=START,
                )
    expired, _ = _issue(settings, NORTHWIND, "--days", "1", "--now", "2021-01-05T00:00Z")
    program = open_program(settings)
    with program:
        for case_id in (PAST, ONLY_EARLY):
            release_due(
                program.session, program.keys, case_id, now=datetime(2021, 4, 12, tzinfo=UTC)
            )
        for case_id in (STAGGERED, FUTURE):
            release_due(program.session, program.keys, case_id, now=now)
    tokens = {"expired": expired}
    tokens["northwind"], _ = _issue(settings, NORTHWIND, "--label", "SOC automation")
    tokens["contoso"], _ = _issue(settings, CONTOSO)
    tokens["suspended"], _ = _issue(settings, FABRIKAM)
    tokens["revoked"], revoked_id = _issue(settings, NORTHWIND)
    _cli(settings, "partner", "api-token", "revoke", revoked_id, "--reason", "laptop lost")
    _cli(settings, "partner", "suspend", FABRIKAM, "--reason", "NDA breach under review")
    return tokens, identities


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(
    settings: Settings, log: Path, *flags: str, scheme: str = "http", verify: object = True
) -> Iterator[str]:
    """`forewarn serve` on a free loopback port until the block ends; its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "FOREWARN_DATABASE_URL": settings.database_url,
        "FOREWARN_KEY_FILE": str(settings.key_file),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(FOREWARN_BIN), "serve", "--port", str(port), *flags],
            env=env,
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"{scheme}://127.0.0.1:{port}"
    try:
        _wait_ready(url, process, log, verify)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, verify: object) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"forewarn serve exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/api/v1/program", verify=verify, timeout=2).status_code == 200:  # type: ignore[arg-type]
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"forewarn serve did not answer:\n{log.read_text()}")
