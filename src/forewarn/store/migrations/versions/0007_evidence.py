"""Registered evidence: sealed content, SHA-256, seen time with precision, source, collector.

Revision ID: 0007_evidence
Revises: 0006_rules_kind
Create Date: 2026-12-02

Evidence used to be dated by its file's modification time. From this revision it can be
registered for a case (`forewarn evidence add`), stored encrypted like an artifact, with when,
where and by whom it was seen; each row has an `evidence` audit leaf.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forewarn.store.base import UtcDateTime

revision = "0007_evidence"
down_revision = "0006_rules_kind"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("seen_start", UtcDateTime(), nullable=False),
        sa.Column("seen_precision", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("collector", sa.String(length=200), nullable=False),
        sa.Column("added_at", UtcDateTime(), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_evidence_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("case_id", "number", name=op.f("uq_evidence_case_id_number")),
        sa.UniqueConstraint("case_id", "sha256", name=op.f("uq_evidence_case_id_sha256")),
    )
    op.create_index(op.f("ix_evidence_case_id"), "evidence", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_evidence_case_id"), table_name="evidence")
    op.drop_table("evidence")
