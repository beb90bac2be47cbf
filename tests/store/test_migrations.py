"""The schema is made only by migrations, identically on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from forewarn.errors import StoreError
from forewarn.store import Store, migrate
from forewarn.store.base import Base

FOUNDATION_TABLES = {
    "program",
    "tiers",
    "partners",
    "partner_emails",
    "partner_status_changes",
    "cases",
    "artifacts",
    "events",
}


def test_upgrade_to_head_and_back_down(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    with Store.connect(empty_db_url) as store:
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        assert FOUNDATION_TABLES <= set(inspect(store.engine).get_table_names())
        migrate.require_current(store.engine)
    migrate.downgrade(empty_db_url, "base")
    with Store.connect(empty_db_url) as store:
        assert migrate.current_revision(store.engine) is None
        assert not FOUNDATION_TABLES & set(inspect(store.engine).get_table_names())
        with pytest.raises(StoreError, match="no forewarn program"):
            migrate.require_current(store.engine)
    migrate.upgrade(empty_db_url)


def test_migrations_match_the_models(db_url: str) -> None:
    with Store.connect(db_url) as store, store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_first_revision_is_named_for_other_migrations_to_follow() -> None:
    config = migrate.alembic_config()
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(config).get_revision("0001_foundation").down_revision is None


def test_an_old_schema_is_reported(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url, "0001_foundation")
    with Store.connect(empty_db_url) as store:
        if migrate.head_revision() != "0001_foundation":
            with pytest.raises(StoreError, match="schema is at"):
                migrate.require_current(store.engine)
        else:
            migrate.require_current(store.engine)
