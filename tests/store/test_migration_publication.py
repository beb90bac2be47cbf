"""Revision 0004: a recorded patch date becomes a day-precision time, and back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from forewarn.domain import TimePoint, TimePrecision
from forewarn.store import Store, migrate
from forewarn.store.case_repo import CaseRepository


def _insert(db: object, case_id: str, patch_actual: str | None) -> None:
    db.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO cases (id, title, product, finder, reported, patch_planned, "
            "patch_actual, status, cves) VALUES (:id, 't', 'p', 'f', '2012-01-05', '2012-03-13', "
            ":actual, 'published', '[]')"
        ),
        {"id": case_id, "actual": patch_actual},
    )


def test_a_patch_date_becomes_a_day_and_comes_back(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url, "0003_case_marking")
    engine = create_engine(empty_db_url)
    with engine.begin() as db:
        _insert(db, "FW-1", "2012-03-13")
        _insert(db, "FW-2", None)
    engine.dispose()
    migrate.upgrade(empty_db_url)
    with Store.connect(empty_db_url) as store, store.session() as session:
        repo = CaseRepository(session)
        one, two = repo.get("FW-1"), repo.get("FW-2")
        assert one is not None and two is not None
        assert one.patch_actual == TimePoint(datetime(2012, 3, 13, tzinfo=UTC), TimePrecision.DAY)
        assert two.patch_actual is None and one.related is None
    migrate.downgrade(empty_db_url, "0003_case_marking")
    engine = create_engine(empty_db_url)
    with engine.connect() as db:
        values = dict(db.execute(text("SELECT id, patch_actual FROM cases ORDER BY id")).all())
    engine.dispose()
    assert {k: str(v) if v else None for k, v in values.items()} == {
        "FW-1": "2012-03-13",
        "FW-2": None,
    }
