"""Revision 0007: the `evidence` table comes after the rules revision, and goes back cleanly."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from forewarn.store import migrate


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_evidence_comes_after_the_rules_revision_and_downgrades(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url, "0006_rules_kind")
    assert "evidence" not in _tables(empty_db_url)
    migrate.upgrade(empty_db_url, "0007_evidence")
    assert "evidence" in _tables(empty_db_url)
    migrate.downgrade(empty_db_url, "0006_rules_kind")
    assert "evidence" not in _tables(empty_db_url)
    assert {"cases", "artifacts", "tiers"} <= _tables(empty_db_url)
