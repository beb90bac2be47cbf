"""Revision 0006 gives `rules` to tiers that receive detection guidance, and back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from forewarn.store import migrate


def _kinds(engine) -> dict[str, list[str]]:
    with engine.connect() as db:
        rows = db.execute(text("SELECT name, artifact_kinds FROM tiers")).all()
    return {name: kinds if isinstance(kinds, list) else json.loads(kinds) for name, kinds in rows}


def test_tiers_that_receive_detection_receive_rules_and_back(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url, "0003_case_marking")
    engine = create_engine(empty_db_url)
    with engine.begin() as db:
        for tid, name, kinds in (
            (1, "early", ["advisory", "detection", "poc"]),
            (2, "standard", ["advisory", "detection"]),
            (3, "responder", ["advisory"]),
        ):
            db.execute(
                text(
                    "INSERT INTO tiers (id, name, rank, lead_time_seconds, artifact_kinds, "
                    "position) VALUES (:id, :name, :id, 0, :kinds, :id)"
                ),
                {"id": tid, "name": name, "kinds": json.dumps(kinds)},
            )
    migrate.upgrade(empty_db_url)
    assert _kinds(engine) == {
        "early": ["advisory", "detection", "poc", "rules"],
        "standard": ["advisory", "detection", "rules"],
        "responder": ["advisory"],
    }
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO cases (id, title, product, finder, reported, patch_planned, "
                "status, cves) VALUES ('FW-1', 't', 'p', 'f', '2021-01-05', '2021-03-09', "
                "'embargoed', '[]')"
            )
        )
        db.execute(
            text(
                "INSERT INTO artifacts (case_id, name, kind, min_tier_id, sha256, size, nonce, "
                "ciphertext) VALUES ('FW-1', 'r.yar', 'rules', 2, 'x', 1, :b, :b)"
            ),
            {"b": b"\x00"},
        )
    # down to 0006 first: later revisions (0007_evidence) are not what this test is about, and
    # SQLite runs DDL outside the failed downgrade's transaction
    migrate.downgrade(empty_db_url, "0006_rules_kind")
    with pytest.raises(RuntimeError, match="artifacts of kind `rules` exist"):
        migrate.downgrade(empty_db_url, "0003_case_marking")
    with engine.begin() as db:
        db.execute(text("DELETE FROM artifacts"))
    migrate.downgrade(empty_db_url, "0003_case_marking")
    assert _kinds(engine)["standard"] == ["advisory", "detection"]
    engine.dispose()
