"""Connecting: a database that does not answer is one clear `StoreError`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from forewarn.errors import ConflictError, StoreError
from forewarn.settings import sqlite_url
from forewarn.store import Store
from forewarn.store.database import display_url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://postgres@127.0.0.1:1/none", "does not answer"),
        ("mysql://localhost/x", "unsupported database"),
        ("not a url", "not a database URL"),
        ("sqlite:////nonexistent-dir/forewarn.db", "does not answer"),
    ],
)
def test_unreachable_databases(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        Store.connect(url, must_exist=False)


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "forewarn.db"
    with pytest.raises(StoreError, match="no forewarn database"):
        Store.connect(sqlite_url(path))
    assert not path.exists()


def test_passwords_are_hidden() -> None:
    assert "secret" not in display_url("postgresql+psycopg://u:secret@h/db")


def test_session_rolls_back_on_error(db_url: str) -> None:
    with Store.connect(db_url) as store:
        with pytest.raises(RuntimeError), store.session() as session:
            session.execute(
                text(
                    "INSERT INTO cases (id, title, product, finder, reported, "
                    "patch_planned, status, cves) VALUES ('C1', 't', 'p', '', "
                    "'2021-01-01', '2021-01-02', 'embargoed', '[]')"
                )
            )
            raise RuntimeError("boom")
        with store.session() as session:
            assert session.execute(text("SELECT count(*) FROM cases")).scalar() == 0


def test_duplicates_refused_by_the_database_are_conflicts(db_url: str) -> None:
    insert = text(
        "INSERT INTO tiers (name, rank, lead_time_seconds, artifact_kinds, position) "
        "VALUES ('t', 1, 0, '[]', 0)"
    )
    with Store.connect(db_url) as store:
        with store.session() as session:
            session.execute(insert)
        with pytest.raises(ConflictError), store.session() as session:
            session.execute(insert)


def test_times_come_back_aware_utc(db_url: str) -> None:
    from forewarn.domain import ProgramInfo
    from forewarn.store import ProgramRepository

    local = datetime(2021, 2, 23, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    with Store.connect(db_url) as store:
        with store.session() as session:
            ProgramRepository(session).create(
                ProgramInfo(name="p", key_fingerprint="f" * 64, created_at=local, rules=({"a": 1},))
            )
        with store.session() as session:
            info = ProgramRepository(session).get()
    assert info is not None
    assert info.created_at == local
    assert info.created_at.tzinfo == UTC
    assert info.rules == ({"a": 1},)
