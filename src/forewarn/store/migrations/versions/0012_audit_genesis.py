"""Live and replay programs; the audit log starts recording state at a genesis leaf.

Revision ID: 0012_audit_genesis
Revises: 0011_staff
Create Date: 2026-12-20

`program.replay` says whether a program replays past history (its leaves may go back in time
and each says so) or is live (its leaves never go back). Existing programs are live: what they
logged so far stays as it is, and `audit verify` reports their older out-of-order leaves as
warnings. The genesis leaf, which commits to a hash of the program's security-relevant state,
needs the program's signing key, which a migration does not have: `forewarn program migrate`
appends it right after this revision (and starts the witness there), and `audit verify` asks
for it while it is missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_audit_genesis"
down_revision = "0011_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "program",
        sa.Column("replay", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("program") as batch:
        batch.drop_column("replay")
