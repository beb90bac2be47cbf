"""Alembic migrations run from code: the schema is made only by these, on both backends.

The scripts are package data in `forewarn/store/migrations/`; no `alembic.ini` is needed. The
CLI's `forewarn init` and `forewarn program migrate` call `upgrade`; every other command calls
`require_current` so an old or empty database is a clear `StoreError`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from forewarn.errors import StoreError
from forewarn.store.database import Store

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
"""Where `env.py` and `versions/` live inside the installed package."""


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic `Config` pointing at the packaged scripts (and at `engine` when given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest revision the installed code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StoreError("no migrations are packaged with forewarn")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, `None` when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` up to `revision` (creating a SQLite file if needed)."""
    with Store.connect(url, must_exist=False) as store:
        upgrade_engine(store.engine, revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Migrate the database at `url` down to `revision` (`base` drops every table)."""
    with Store.connect(url) as store:
        command.downgrade(alembic_config(store.engine), revision)


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Migrate through an engine that is already open."""
    logger.info("migrating %s to %s", engine.url.render_as_string(), revision)
    command.upgrade(alembic_config(engine), revision)


def require_current(engine: Engine) -> None:
    """Raise `StoreError` unless the database is migrated to the code's head revision."""
    current = current_revision(engine)
    head = head_revision()
    if current is None:
        raise StoreError("the database holds no forewarn program", hint="run `forewarn init` first")
    if current != head:
        raise StoreError(
            f"the database schema is at {current}, this forewarn needs {head}",
            hint="run `forewarn program migrate`",
        )
