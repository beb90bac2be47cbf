"""Repository of the program row and its tiers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from forewarn.domain import ArtifactKind, ProgramInfo, Tier
from forewarn.store.models import ProgramRow, TierRow

PROGRAM_ROW_ID = 1
"""The program table holds exactly one row with this id."""


def tier_from_row(row: TierRow) -> Tier:
    """Map a tier row to the domain record."""
    return Tier(
        name=row.name,
        rank=row.rank,
        lead_time=timedelta(seconds=row.lead_time_seconds),
        artifact_kinds=frozenset(ArtifactKind(kind) for kind in row.artifact_kinds),
    )


def _sorted_kinds(kinds: frozenset[ArtifactKind]) -> list[str]:
    order = list(ArtifactKind)
    return [kind.value for kind in sorted(kinds, key=order.index)]


class ProgramRepository:
    """Reads and writes the program row and the ordered list of tiers."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> ProgramInfo | None:
        """The program, or `None` when `forewarn init` never ran on this database."""
        row = self.session.get(ProgramRow, PROGRAM_ROW_ID)
        if row is None:
            return None
        return ProgramInfo(
            name=row.name,
            key_fingerprint=row.key_fingerprint,
            created_at=row.created_at,
            rules=tuple(dict(rule) for rule in row.rules),
            replay=bool(row.replay),
            domains=tuple(row.token_domains or ()),
        )

    def create(self, info: ProgramInfo) -> None:
        """Insert the program row."""
        self.session.add(
            ProgramRow(
                id=PROGRAM_ROW_ID,
                name=info.name,
                key_fingerprint=info.key_fingerprint,
                rules=[dict(rule) for rule in info.rules],
                created_at=info.created_at,
                replay=info.replay,
                token_domains=list(info.domains),
            )
        )
        self.session.flush()

    def is_replay(self) -> bool:
        """Whether the program is a replay (one column read, for every audit append)."""
        return bool(self.session.scalar(select(ProgramRow.replay).where(ProgramRow.id == 1)))

    def update(
        self, *, name: str | None = None, rules: Sequence[dict[str, Any]] | None = None
    ) -> None:
        """Change the program's name and/or its policy rules."""
        row = self.session.get(ProgramRow, PROGRAM_ROW_ID)
        if row is None:
            raise LookupError("program row missing")
        if name is not None:
            row.name = name
        if rules is not None:
            row.rules = [dict(rule) for rule in rules]
        self.session.flush()

    def list_tiers(self) -> list[Tier]:
        """Tiers in the order the program lists them."""
        rows = self.session.scalars(select(TierRow).order_by(TierRow.position, TierRow.id))
        return [tier_from_row(row) for row in rows]

    def get_tier(self, name: str) -> Tier | None:
        """One tier by name."""
        row = self.tier_row(name)
        return None if row is None else tier_from_row(row)

    def tier_row(self, name: str) -> TierRow | None:
        """The row of a tier, for foreign keys inside `store`."""
        return self.session.scalars(select(TierRow).where(TierRow.name == name)).one_or_none()

    def replace_tiers(self, tiers: Sequence[Tier]) -> None:
        """Replace every tier; the caller makes sure nothing refers to the old ones."""
        self.session.execute(delete(TierRow))
        self.session.flush()
        for position, tier in enumerate(tiers):
            self.session.add(
                TierRow(
                    name=tier.name,
                    rank=tier.rank,
                    lead_time_seconds=int(tier.lead_time.total_seconds()),
                    artifact_kinds=_sorted_kinds(tier.artifact_kinds),
                    position=position,
                )
            )
        self.session.flush()

    def count_tiers(self) -> int:
        """How many tiers exist."""
        return self.session.scalar(select(func.count()).select_from(TierRow)) or 0
