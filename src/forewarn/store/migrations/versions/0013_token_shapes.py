"""Tokens are recomputed, not stored: `release_items.tokens` goes; domains for host tokens.

Revision ID: 0012_token_shapes
Revises: 0011_staff
Create Date: 2026-12-20

From marking scheme 4 on a token identifies its owner by itself (encrypted address and MAC under
a key derived from the program key), and the tokens of cases released under schemes 1 to 3 are
HMAC-derived, so the hunt recomputes every token instead of reading a stored list. The program
records the domains its host tokens are under (`forewarn init --canary-domain`), and each case
the domains its copies were marked with (part of the marking, like its channels). Downgrading
refuses once copies were released: the dropped token lists cannot be rebuilt without the key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_token_shapes"
down_revision = "0012_audit_genesis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("release_items") as batch:
        batch.drop_column("tokens")
    with op.batch_alter_table("program") as batch:
        batch.add_column(sa.Column("token_domains", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("case_marking") as batch:
        batch.add_column(sa.Column("token_domains", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    count = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM release_items"))
    if count.scalar_one():
        raise RuntimeError(
            "cannot downgrade below 0012_token_shapes: copies were released, and their token "
            "lists (no longer stored) cannot be rebuilt without the program key"
        )
    with op.batch_alter_table("case_marking") as batch:
        batch.drop_column("token_domains")
    with op.batch_alter_table("program") as batch:
        batch.drop_column("token_domains")
    with op.batch_alter_table("release_items") as batch:
        batch.add_column(sa.Column("tokens", sa.Text(), nullable=False, server_default="[]"))
