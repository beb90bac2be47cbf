"""One frozen settings object, built once from flags and `FOREWARN_*` variables.

No other module reads the environment; the CLI and the server build `Settings` and pass it in.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from forewarn.errors import ConfigError

DEFAULT_DATABASE_FILE = "forewarn.db"
"""SQLite file in the working directory used when no URL is given."""

DEFAULT_KEY_FILE = "forewarn.key"
"""Program key file in the working directory used when no path is given."""


DEFAULT_SMTP_PORT = 25
"""SMTP port when `FOREWARN_SMTP_PORT` is not set."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where partner notifications are handed over (`forewarn mail send`)."""

    host: str = "127.0.0.1"
    """SMTP server host (`FOREWARN_SMTP_HOST`)."""
    port: int = DEFAULT_SMTP_PORT
    """SMTP server port (`FOREWARN_SMTP_PORT`)."""
    security: str = "starttls"
    """`starttls`, `tls` (implicit TLS, usually port 465) or `none` (`FOREWARN_SMTP_SECURITY`);
    `none` is accepted for a server on this machine only."""
    username: str | None = None
    """Login name (`FOREWARN_SMTP_USERNAME`); no login without it."""
    password: str | None = field(default=None, repr=False)
    """Password (`FOREWARN_SMTP_PASSWORD`); never logged or printed."""
    sender: str = "forewarn@localhost"
    """The `From:` address (`FOREWARN_SMTP_FROM`)."""
    timeout: float = 30.0
    """Seconds to wait for the server (`FOREWARN_SMTP_TIMEOUT`)."""
    ca_file: Path | None = None
    """CA certificates to verify the server's TLS certificate with instead of the system's
    (`FOREWARN_SMTP_CA_FILE`), e.g. a relay with the organisation's own CA."""
    age_bodies: bool = False
    """Encrypt notices to the partner's age key when it has one (`FOREWARN_MAIL_ENCRYPT=age`)."""
    problem: str | None = None
    """What was wrong with the variables, raised by `checked()` when mail is sent (a bad mail
    setting must not stop commands that send none)."""

    def checked(self) -> SmtpSettings:
        """These settings, or `ConfigError` when a variable was malformed or a choice unknown."""
        if self.problem is not None:
            raise ConfigError(self.problem)
        if self.security not in ("starttls", "tls", "none"):
            raise ConfigError(
                f"FOREWARN_SMTP_SECURITY must be starttls, tls or none, not {self.security!r}"
            )
        return self

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> SmtpSettings:
        """`FOREWARN_SMTP_*` variables over the defaults."""
        port = env.get("FOREWARN_SMTP_PORT") or str(DEFAULT_SMTP_PORT)
        timeout = env.get("FOREWARN_SMTP_TIMEOUT") or "30"
        problem = None
        if not port.isdigit() or not 0 < int(port) < 65536:
            problem, port = f"FOREWARN_SMTP_PORT is not a port number: {port!r}", "0"
        try:
            seconds = float(timeout)
        except ValueError:
            problem, seconds = f"FOREWARN_SMTP_TIMEOUT is not a number: {timeout!r}", 30.0
        return cls(
            host=env.get("FOREWARN_SMTP_HOST") or "127.0.0.1",
            port=int(port),
            problem=problem,
            security=(env.get("FOREWARN_SMTP_SECURITY") or "starttls").lower(),
            username=env.get("FOREWARN_SMTP_USERNAME") or None,
            password=env.get("FOREWARN_SMTP_PASSWORD") or None,
            sender=env.get("FOREWARN_SMTP_FROM") or "forewarn@localhost",
            timeout=seconds,
            ca_file=Path(env["FOREWARN_SMTP_CA_FILE"])
            if env.get("FOREWARN_SMTP_CA_FILE")
            else None,
            age_bodies=(env.get("FOREWARN_MAIL_ENCRYPT") or "").lower() == "age",
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the program lives and how loudly it talks."""

    database_url: str
    """SQLAlchemy URL of the program store (SQLite file or PostgreSQL)."""
    key_file: Path
    """Path of the program key file (secret key and signing key), kept outside the database."""
    log_level: str = "WARNING"
    """Level for the `logging` root, set only by the CLI and the server."""
    publisher_url: str | None = None
    """The publisher's URL in standards documents (CSAF `publisher.namespace`)."""
    cna_org_id: str | None = None
    """The CNA's organisation UUID from the CVE Program, for CVE records."""
    witness_file: Path | None = None
    """The audit log's witness file; `None` is `forewarn.witness` beside the key file."""
    witness_command: tuple[str, ...] = ()
    """An external witness: a program receiving each signed checkpoint on stdin, which must
    exit 0 (`FOREWARN_WITNESS_COMMAND`, split like a shell line but run without one)."""
    witness_dir: Path | None = None
    """An external witness: an append-only folder, one file per checkpoint
    (`FOREWARN_WITNESS_DIR`)."""
    witness_read_command: tuple[str, ...] = ()
    """How `audit verify` reads an external witness back: a program printing the checkpoints
    it holds as JSON lines (`FOREWARN_WITNESS_READ_COMMAND`, split like the witness command)."""
    known_keys_file: Path = Path("known-program-keys.json")
    """Where a partner's `bundle verify` pins each program's signing key (trust on first use)."""
    portal_url: str | None = None
    """Base URL of the partner portal, for the deep links in notifications
    (`FOREWARN_PORTAL_URL`)."""
    smtp: SmtpSettings = SmtpSettings()
    """The SMTP server notifications go through (`FOREWARN_SMTP_*`)."""

    @classmethod
    def from_environment(
        cls,
        *,
        database_url: str | None = None,
        key_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Settings:
        """Flags win over `FOREWARN_DATABASE_URL`, `FOREWARN_KEY_FILE`, `FOREWARN_LOGLEVEL`,
        `FOREWARN_WITNESS_FILE`, `FOREWARN_WITNESS_COMMAND`, `FOREWARN_WITNESS_DIR`,
        `FOREWARN_WITNESS_READ_COMMAND` and
        `FOREWARN_KNOWN_KEYS`; `FOREWARN_PUBLISHER_URL` and
        `FOREWARN_CNA_ORG_ID` describe the publisher; `FOREWARN_PORTAL_URL` and
        `FOREWARN_SMTP_*` the notifications."""
        env = os.environ if environ is None else environ
        base = Path.cwd() if cwd is None else cwd
        url = database_url or env.get("FOREWARN_DATABASE_URL")
        url = url or sqlite_url(base / DEFAULT_DATABASE_FILE)
        key = key_file or (Path(env["FOREWARN_KEY_FILE"]) if env.get("FOREWARN_KEY_FILE") else None)
        return cls(
            database_url=url,
            key_file=key or base / DEFAULT_KEY_FILE,
            log_level=env.get("FOREWARN_LOGLEVEL", "WARNING").upper(),
            publisher_url=env.get("FOREWARN_PUBLISHER_URL") or None,
            cna_org_id=env.get("FOREWARN_CNA_ORG_ID") or None,
            known_keys_file=known_keys_path(env),
            portal_url=env.get("FOREWARN_PORTAL_URL") or None,
            smtp=SmtpSettings.from_environment(env),
            witness_file=Path(env["FOREWARN_WITNESS_FILE"])
            if env.get("FOREWARN_WITNESS_FILE")
            else None,
            witness_command=_command(env, "FOREWARN_WITNESS_COMMAND"),
            witness_read_command=_command(env, "FOREWARN_WITNESS_READ_COMMAND"),
            witness_dir=Path(env["FOREWARN_WITNESS_DIR"])
            if env.get("FOREWARN_WITNESS_DIR")
            else None,
        )


def _command(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """The command line in variable `name` split into its words (no shell ever runs it)."""
    try:
        return tuple(shlex.split(env.get(name) or ""))
    except ValueError as exc:
        raise ConfigError(f"{name} cannot be split: {exc}") from None


def known_keys_path(env: Mapping[str, str]) -> Path:
    """`FOREWARN_KNOWN_KEYS`, else `known-program-keys.json` in the XDG config folder."""
    if env.get("FOREWARN_KNOWN_KEYS"):
        return Path(env["FOREWARN_KNOWN_KEYS"])
    config = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", ".")) / ".config")
    return Path(config) / "forewarn" / "known-program-keys.json"


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite database file."""
    return f"sqlite:///{path}"
