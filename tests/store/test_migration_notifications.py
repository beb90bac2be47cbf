"""Revision 0010: outbox, amendments, partner edits and NDA expiry; partners survive both ways."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from forewarn.store import migrate

NEW_TABLES = {"outbox", "outbox_cursor", "amendments", "partner_changes"}


def _tables_and_partner_columns(url: str) -> tuple[set[str], set[str], list[str]]:
    engine = create_engine(url)
    try:
        found = inspect(engine)
        columns = {c["name"] for c in found.get_columns("partners")}
        with engine.connect() as connection:
            names = list(connection.scalars(text("SELECT name FROM partners ORDER BY id")))
        return set(found.get_table_names()), columns, names
    finally:
        engine.dispose()


def test_notifications_upgrade_and_downgrade_keep_partners(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url, "0007_evidence")
    engine = create_engine(empty_db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tiers (id, name, rank, lead_time_seconds, artifact_kinds, position) "
                "VALUES (1, 'standard', 1, 86400, '[\"advisory\"]', 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO partners (id, name, country, tier_id, status) "
                "VALUES (1, 'Northwind Labs', 'US', 1, 'active')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO partner_emails (id, partner_id, position, email) "
                "VALUES (1, 1, 0, 'psirt@northwind.example')"
            )
        )
        for index in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_leaves (leaf_index, kind, at, payload, subject, leaf_hash) "
                    "VALUES (:i, 'release', '2021-02-23 00:00:00', '{}', 'r', 'h')"
                ),
                {"i": index},
            )
    engine.dispose()
    migrate.upgrade(empty_db_url, "0010_notifications")
    tables, columns, names = _tables_and_partner_columns(empty_db_url)
    assert NEW_TABLES <= tables and "nda_expires" in columns and names == ["Northwind Labs"]
    engine = create_engine(empty_db_url)
    with engine.connect() as connection:
        # history before the upgrade is not announced: the outbox starts after the last leaf
        assert connection.scalar(text("SELECT next_leaf FROM outbox_cursor")) == 3
    engine.dispose()
    migrate.downgrade(empty_db_url, "0007_evidence")
    tables, columns, names = _tables_and_partner_columns(empty_db_url)
    assert not NEW_TABLES & tables and "nda_expires" not in columns
    assert names == ["Northwind Labs"]
