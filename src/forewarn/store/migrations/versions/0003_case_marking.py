"""How each case's copies are marked: scheme version, code parameters, channel set.

Revision ID: 0003_case_marking
Revises: 0002_releases
Create Date: 2026-12-01

Before this revision only the code's population was kept, on every delivered release row; c, ε
and the channels were implied by the code of the day. Cases already released were marked with
scheme 1 at c = 3, ε = 1e-3, and are recorded so.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from forewarn.store.base import UtcDateTime

revision = "0003_case_marking"
down_revision = "0002_releases"
branch_labels = None
depends_on = None

SCHEME_1_CHANNELS = ("advisory:text", "detection:text", "poc:payload", "poc:python_source")
"""The channel set of scheme 1 in `ArtifactKind` order, frozen here as released."""


def upgrade() -> None:
    op.create_table(
        "case_marking",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("scheme", sa.Integer(), nullable=False),
        sa.Column("n_partners", sa.Integer(), nullable=False),
        sa.Column("max_colluders", sa.Integer(), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("channels", sa.Text(), nullable=False),
        sa.Column("fixed_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_marking_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_marking")),
    )
    op.get_bind().execute(
        sa.text(
            "INSERT INTO case_marking "
            "(case_id, scheme, n_partners, max_colluders, epsilon, channels, fixed_at) "
            "SELECT case_id, 1, MIN(code_partners), 3, 0.001, :channels, MIN(completed_at) "
            "FROM releases WHERE code_partners IS NOT NULL GROUP BY case_id"
        ),
        {"channels": json.dumps(list(SCHEME_1_CHANNELS))},
    )
    with op.batch_alter_table("releases") as batch:
        batch.drop_column("code_partners")


def downgrade() -> None:
    with op.batch_alter_table("releases") as batch:
        batch.add_column(sa.Column("code_partners", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE releases SET code_partners = (SELECT n_partners FROM case_marking "
        "WHERE case_marking.case_id = releases.case_id) WHERE state = 'complete'"
    )
    op.drop_table("case_marking")
