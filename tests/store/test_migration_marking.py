"""Revision 0003 records how already released cases were marked (scheme 1, c = 3, ε = 1e-3)."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text

from forewarn.marks.schemes import channel_set, registry_for
from forewarn.store import migrate

NOW = "2021-02-23 09:00:00"


def test_released_cases_are_recorded_as_scheme_1_and_back(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url, "0002_releases")
    engine = create_engine(empty_db_url)
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO cases (id, title, product, finder, reported, patch_planned, status, "
                "cves) VALUES ('FW-1', 't', 'p', 'f', '2021-01-05', '2021-03-09', 'open', '[]')"
            )
        )
        db.execute(
            text(
                "INSERT INTO tiers (id, name, rank, lead_time_seconds, artifact_kinds, position) "
                "VALUES (1, 'early-access', 0, 1209600, '[]', 0)"
            )
        )
        db.execute(
            text(
                "INSERT INTO partners (id, name, country, tier_id, status) "
                "VALUES (1, 'Kestrel', 'US', 1, 'active')"
            )
        )
        for rid, state, n in (("r1", "complete", 128), ("r2", "pending", None)):
            db.execute(
                text(
                    "INSERT INTO releases (id, case_id, partner_id, tier, available_at, "
                    "embargo_end, state, planned_artifacts, planned_at, completed_at, "
                    "code_partners) VALUES (:id, 'FW-1', 1, 'early-access', :at, :at, :state, "
                    "'[]', :now, :now, :n)"
                ),
                {
                    "id": rid,
                    "at": NOW if rid == "r1" else "2021-02-24 00:00:00",
                    "state": state,
                    "now": NOW,
                    "n": n,
                },
            )
    migrate.upgrade(empty_db_url)
    with engine.connect() as db:
        row = db.execute(text("SELECT * FROM case_marking")).one()._mapping
    assert (row["case_id"], row["scheme"], row["n_partners"]) == ("FW-1", 1, 128)
    assert (row["max_colluders"], row["epsilon"]) == (3, 1e-3)
    assert json.loads(row["channels"]) == list(channel_set(registry_for(1)))
    migrate.downgrade(empty_db_url, "0002_releases")
    with engine.connect() as db:
        values = dict(db.execute(text("SELECT id, code_partners FROM releases")).all())
    assert values == {"r1": 128, "r2": None}
    engine.dispose()
