"""One frozen settings object, built once from flags and `FOREWARN_*` variables.

No other module reads the environment; the CLI and the server build `Settings` and pass it in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_FILE = "forewarn.db"
"""SQLite file in the working directory used when no URL is given."""

DEFAULT_KEY_FILE = "forewarn.key"
"""Program key file in the working directory used when no path is given."""


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

    @classmethod
    def from_environment(
        cls,
        *,
        database_url: str | None = None,
        key_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Settings:
        """Flags win over `FOREWARN_DATABASE_URL`, `FOREWARN_KEY_FILE`, `FOREWARN_LOGLEVEL`;
        `FOREWARN_PUBLISHER_URL` and `FOREWARN_CNA_ORG_ID` describe the publisher."""
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
        )


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite database file."""
    return f"sqlite:///{path}"
