"""Notifications and partner management: the mail outbox, embargo amendments, partner edits.

Revision ID: 0010_notifications
Revises: 0007_evidence
Create Date: 2026-12-01

Partners gain an NDA expiry date and a history of edits (`partner edit`, `partner import`).
The outbox holds one mail per partner and audit event (`forewarn mail send` delivers it); its
cursor says how far the audit log has been read, and starts after the last leaf that exists
when the migration runs (history before it is not announced). Amendments are the signed
documents telling a partner that a case's embargo moved or ended.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forewarn.store.base import UtcDateTime

revision = "0010_notifications"
down_revision = "0009_schedule"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch copy: recreating `partners` on SQLite would break the
    # foreign keys of releases, emails and history rows that point at it.
    op.add_column("partners", sa.Column("nda_expires", sa.Date(), nullable=True))
    op.create_table(
        "partner_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_changes_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_changes")),
    )
    op.create_index(
        op.f("ix_partner_changes_partner_id"), "partner_changes", ["partner_id"], unique=False
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("source_leaf", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("claimed_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed')", name=op.f("ck_outbox_state")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_outbox_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_id")),
        sa.UniqueConstraint(
            "source_leaf", "partner_id", name=op.f("uq_outbox_source_leaf_partner_id")
        ),
    )
    op.create_index(op.f("ix_outbox_partner_id"), "outbox", ["partner_id"], unique=False)
    op.create_index(op.f("ix_outbox_state"), "outbox", ["state"], unique=False)
    op.create_table(
        "outbox_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("next_leaf", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_outbox_cursor_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_cursor")),
    )
    # A program that already has a history announces only what happens from now on: without
    # this, the first `mail send` would mail every partner about every release it ever had.
    op.execute(
        "INSERT INTO outbox_cursor (id, next_leaf) "
        "SELECT 1, COALESCE(MAX(leaf_index) + 1, 0) FROM audit_leaves"
    )
    op.create_table(
        "amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_amendments_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_amendments_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendments")),
        sa.UniqueConstraint("release_id", "number", name=op.f("uq_amendments_release_id_number")),
    )
    op.create_index(op.f("ix_amendments_case_id"), "amendments", ["case_id"], unique=False)
    op.create_index(op.f("ix_amendments_partner_id"), "amendments", ["partner_id"], unique=False)
    op.create_index(op.f("ix_amendments_release_id"), "amendments", ["release_id"], unique=False)


def downgrade() -> None:
    for index, table in (
        ("ix_amendments_release_id", "amendments"),
        ("ix_amendments_partner_id", "amendments"),
        ("ix_amendments_case_id", "amendments"),
    ):
        op.drop_index(op.f(index), table_name=table)
    op.drop_table("amendments")
    op.drop_table("outbox_cursor")
    op.drop_index(op.f("ix_outbox_state"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_partner_id"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_partner_changes_partner_id"), table_name="partner_changes")
    op.drop_table("partner_changes")
    op.drop_column("partners", "nda_expires")
