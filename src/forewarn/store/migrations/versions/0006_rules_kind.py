"""Detection rules become an artifact kind: tiers that receive detection guidance receive rules.

Revision ID: 0006_rules_kind
Revises: 0003_case_marking
Create Date: 2026-12-08

An artifact's kind is a plain string column, so the new kind needs no schema change; but a
program's tiers are fixed once partners or cases exist, and a tier receives only the kinds its
`artifact_kinds` names. Without this revision an existing program could never release rules. A
tier that receives detection guidance is the one whose partners ship protections, so it is the
one given rules. Downgrading refuses while any artifact of kind `rules` exists: an older forewarn
cannot read one.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0006_rules_kind"
down_revision = "0004_case_publication"
branch_labels = None
depends_on = None

KIND_ORDER = ("advisory", "detection", "poc", "rules")
"""`ArtifactKind` order as of this revision, frozen here: tiers store their kinds in it."""


def _rewrite(add: bool) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, artifact_kinds FROM tiers")).all()
    for tier_id, stored in rows:
        kinds = set(json.loads(stored) if isinstance(stored, str) else stored)
        if add and "detection" in kinds:
            kinds.add("rules")
        elif not add:
            kinds.discard("rules")
        ordered = [kind for kind in KIND_ORDER if kind in kinds]
        bind.execute(
            sa.text("UPDATE tiers SET artifact_kinds = :kinds WHERE id = :id"),
            {"kinds": json.dumps(ordered), "id": tier_id},
        )


def upgrade() -> None:
    _rewrite(add=True)


def downgrade() -> None:
    count = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM artifacts WHERE kind = 'rules'"))
    if count.scalar_one():
        raise RuntimeError(
            "cannot downgrade below 0006_rules_kind: artifacts of kind `rules` exist "
            "(an older forewarn cannot read them)"
        )
    _rewrite(add=False)
