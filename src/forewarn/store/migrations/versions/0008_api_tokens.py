"""Partner API tokens (hashed, scoped, expiring, revocable) and detection feedback.

Revision ID: 0008_api_tokens
Revises: 0007_evidence
Create Date: 2026-12-01

`forewarn serve` authenticates partners by bearer tokens issued with
`forewarn partner api-token issue`; only the SHA-256 of each secret is stored. Partners send
feedback on the detection guidance they received through the API.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forewarn.store.base import UtcDateTime

revision = "0008_api_tokens"
down_revision = "0007_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_api_tokens_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("secret_sha256", name=op.f("uq_api_tokens_secret_sha256")),
    )
    op.create_index(op.f("ix_api_tokens_partner_id"), "api_tokens", ["partner_id"], unique=False)
    op.create_table(
        "detection_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.String(length=32), nullable=False),
        sa.Column("artifact", sa.String(length=255), nullable=True),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_detection_feedback_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_feedback")),
    )
    op.create_index(
        op.f("ix_detection_feedback_release_id"), "detection_feedback", ["release_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_detection_feedback_release_id"), table_name="detection_feedback")
    op.drop_table("detection_feedback")
    op.drop_index(op.f("ix_api_tokens_partner_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
