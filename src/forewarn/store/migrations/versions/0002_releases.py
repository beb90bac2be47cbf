"""Releases, release items, encrypted bundles, fetches, acks, audit leaves and checkpoints.

Revision ID: 0002_releases
Revises: 0001_foundation
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forewarn.store.base import UtcDateTime

revision = "0002_releases"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=64), nullable=False),
        sa.Column("available_at", UtcDateTime(), nullable=False),
        sa.Column("embargo_end", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("planned_artifacts", sa.Text(), nullable=False),
        sa.Column("planned_at", UtcDateTime(), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
        sa.Column("cancelled_at", UtcDateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=True),
        sa.Column("bundle_sha256", sa.String(length=64), nullable=True),
        sa.Column("code_partners", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'complete', 'cancelled')", name=op.f("ck_releases_state")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_releases_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_releases_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
        sa.UniqueConstraint(
            "case_id",
            "partner_id",
            "available_at",
            name=op.f("uq_releases_case_id_partner_id_available_at"),
        ),
    )
    op.create_index(op.f("ix_releases_case_id"), "releases", ["case_id"])
    op.create_index(op.f("ix_releases_partner_id"), "releases", ["partner_id"])
    op.create_index(op.f("ix_releases_state"), "releases", ["state"])
    op.create_table(
        "release_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("original_sha256", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_release_items_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_items")),
        sa.UniqueConstraint("release_id", "name", name=op.f("uq_release_items_release_id_name")),
    )
    op.create_index(op.f("ix_release_items_release_id"), "release_items", ["release_id"])
    op.create_table(
        "bundles",
        sa.Column("release_id", sa.String(length=32), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_bundles_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("release_id", name=op.f("pk_bundles")),
    )
    for table, extra in (
        ("fetches", sa.Column("channel", sa.String(length=32), nullable=False)),
        ("acks", sa.Column("note", sa.Text(), nullable=False)),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("release_id", sa.String(length=32), nullable=False),
            sa.Column("at", UtcDateTime(), nullable=False),
            extra,
            sa.ForeignKeyConstraint(
                ["release_id"], ["releases.id"], name=op.f(f"fk_{table}_release_id_releases")
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_release_id"), table, ["release_id"])
    op.create_table(
        "audit_leaves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leaf_index", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_leaves")),
        sa.UniqueConstraint("leaf_index", name=op.f("uq_audit_leaves_leaf_index")),
    )
    op.create_index(op.f("ix_audit_leaves_kind"), "audit_leaves", ["kind"])
    op.create_index(op.f("ix_audit_leaves_subject"), "audit_leaves", ["subject"])
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("frontier", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
        sa.UniqueConstraint("size", name=op.f("uq_audit_checkpoints_size")),
    )


def downgrade() -> None:
    op.drop_table("audit_checkpoints")
    op.drop_index(op.f("ix_audit_leaves_subject"), table_name="audit_leaves")
    op.drop_index(op.f("ix_audit_leaves_kind"), table_name="audit_leaves")
    op.drop_table("audit_leaves")
    for table in ("acks", "fetches"):
        op.drop_index(op.f(f"ix_{table}_release_id"), table_name=table)
        op.drop_table(table)
    op.drop_table("bundles")
    op.drop_index(op.f("ix_release_items_release_id"), table_name="release_items")
    op.drop_table("release_items")
    op.drop_index(op.f("ix_releases_state"), table_name="releases")
    op.drop_index(op.f("ix_releases_partner_id"), table_name="releases")
    op.drop_index(op.f("ix_releases_case_id"), table_name="releases")
    op.drop_table("releases")
