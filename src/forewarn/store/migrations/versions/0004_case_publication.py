"""A case's actual patch release as an instant with its precision, and the case it relates to.

Revision ID: 0004_case_publication
Revises: 0003_case_marking
Create Date: 2026-12-02

Before this revision `patch_actual` was a date and `case publish` had no command. A date
already recorded becomes a day-precision time (its 00:00 UTC start, precision `day`), which is
exactly what it said; downgrading keeps the day and drops the precision. `related_case_id`
links a case to the one it follows from (a bypass of its fix).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from forewarn.store.base import UtcDateTime

revision = "0004_case_publication"
down_revision = "0003_case_marking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch copy: recreating `cases` on SQLite would break the foreign
    # keys of every release and artifact that points at it (SQLite 3.35+ drops columns in place).
    op.add_column("cases", sa.Column("patch_actual_at", UtcDateTime(), nullable=True))
    op.add_column("cases", sa.Column("patch_actual_precision", sa.String(length=8), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # no ALTER of constraints: an inline reference
        op.execute(
            "ALTER TABLE cases ADD COLUMN related_case_id VARCHAR(64) "
            "CONSTRAINT fk_cases_related_case_id_cases REFERENCES cases (id)"
        )
    else:
        op.add_column("cases", sa.Column("related_case_id", sa.String(length=64), nullable=True))
        op.create_foreign_key(
            op.f("fk_cases_related_case_id_cases"), "cases", "cases", ["related_case_id"], ["id"]
        )
    cases = sa.table(
        "cases",
        sa.column("id", sa.String()),
        sa.column("patch_actual", sa.Date()),
        sa.column("patch_actual_at", UtcDateTime()),
        sa.column("patch_actual_precision", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(cases.c.id, cases.c.patch_actual).where(cases.c.patch_actual.is_not(None))
    ).all()
    for case_id, day in rows:
        bind.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(patch_actual_at=_midnight(day), patch_actual_precision="day")
        )
    op.drop_column("cases", "patch_actual")


def downgrade() -> None:
    op.add_column("cases", sa.Column("patch_actual", sa.Date(), nullable=True))
    cases = sa.table(
        "cases",
        sa.column("id", sa.String()),
        sa.column("patch_actual", sa.Date()),
        sa.column("patch_actual_at", UtcDateTime()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(cases.c.id, cases.c.patch_actual_at).where(cases.c.patch_actual_at.is_not(None))
    ).all()
    for case_id, at in rows:
        day = at.date() if isinstance(at, datetime) else datetime.fromisoformat(str(at)).date()
        bind.execute(cases.update().where(cases.c.id == case_id).values(patch_actual=day))
    if bind.dialect.name != "sqlite":  # SQLite drops the column's inline reference with it
        op.drop_constraint(op.f("fk_cases_related_case_id_cases"), "cases", type_="foreignkey")
    op.drop_column("cases", "related_case_id")
    op.drop_column("cases", "patch_actual_precision")
    op.drop_column("cases", "patch_actual_at")


def _midnight(day: object) -> datetime:
    """00:00 UTC of a stored date (SQLite may hand it back as text)."""
    value = day if isinstance(day, date) else date.fromisoformat(str(day))
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
