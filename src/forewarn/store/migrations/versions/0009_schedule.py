"""Held bundles: sealed ahead of a wave's instant by the scheduler, fetchable only once released.

Revision ID: 0009_schedule
Revises: 0007_evidence
Create Date: 2026-12-01

`forewarn scheduler` prepares each partner's bundle ahead of its wave and holds it in
`held_bundles` (age-encrypted, outside `bundles`, so nothing can fetch it); at the instant the
row moves into `bundles` with the release's audit leaf.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forewarn.store.base import UtcDateTime

revision = "0009_schedule"
down_revision = "0008_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "held_bundles",
        sa.Column("release_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("available_at", UtcDateTime(), nullable=False),
        sa.Column("embargo_end", UtcDateTime(), nullable=False),
        sa.Column("tier", sa.String(length=64), nullable=False),
        sa.Column("artifacts", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("marking", sa.Text(), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_sha256", sa.String(length=64), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("bundle_sha256", sa.String(length=64), nullable=False),
        sa.Column("prepared_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_held_bundles_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_held_bundles_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("release_id", name=op.f("pk_held_bundles")),
    )
    op.create_index(op.f("ix_held_bundles_case_id"), "held_bundles", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_held_bundles_case_id"), table_name="held_bundles")
    op.drop_table("held_bundles")
