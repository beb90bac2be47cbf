"""Held bundles carry the audit checkpoint they were sealed with.

Revision ID: 0014_checkpoint_held
Revises: 0013_token_shapes
Create Date: 2026-12-01

A bundle the scheduler seals ahead of its wave carries, inside its signed manifest, the audit
log's newest signed checkpoint at the time it was sealed; `held_bundles.checkpoint_size` keeps
which one, so that the release leaf written at the instant records it (as a bundle sealed at the
instant does) and `audit verify --regenerate` rebuilds the same bundle. Bundles held before this
revision carry none: they are discarded, and the scheduler's next pass seals them again (or the
instant marks them), as it does for any held bundle that no longer fits its plan.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_checkpoint_held"
down_revision = "0013_token_shapes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM held_bundles"))
    with op.batch_alter_table("held_bundles") as batch:
        batch.add_column(sa.Column("checkpoint_size", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("held_bundles") as batch:
        batch.drop_column("checkpoint_size")
