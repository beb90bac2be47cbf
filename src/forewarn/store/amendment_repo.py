"""Repository of signed embargo amendments (inserted once, never changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from forewarn.store.models import PartnerRow
from forewarn.store.notify_models import AmendmentRow


@dataclass(frozen=True, slots=True)
class StoredAmendment:
    """One amendment as stored."""

    release_id: str
    """The release it amends."""
    partner: str
    """Partner name."""
    case_id: str
    """The case."""
    number: int
    """1, 2, … per release."""
    created_at: datetime
    """When it was issued."""
    document: bytes
    """The signed canonical JSON."""
    signature: bytes
    """Ed25519 signature (with the amendment context line)."""


class AmendmentRepository:
    """Amendments by release."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, release_id: str) -> int:
        """How many amendments a release has."""
        query = select(func.count()).where(AmendmentRow.release_id == release_id)
        return self.session.scalar(query.select_from(AmendmentRow)) or 0

    def add(
        self,
        release_id: str,
        partner: str,
        case_id: str,
        number: int,
        document: bytes,
        signature: bytes,
        now: datetime,
    ) -> StoredAmendment:
        """Store a signed amendment."""
        partner_id = self.session.scalar(select(PartnerRow.id).where(PartnerRow.name == partner))
        if partner_id is None:
            raise LookupError(f"partner {partner!r} missing")
        self.session.add(
            AmendmentRow(
                release_id=release_id,
                number=number,
                case_id=case_id,
                partner_id=partner_id,
                created_at=now,
                document=document,
                signature=signature,
            )
        )
        self.session.flush()
        return StoredAmendment(release_id, partner, case_id, number, now, document, signature)

    def for_release(self, release_id: str) -> list[StoredAmendment]:
        """A release's amendments, oldest first."""
        return self._select(AmendmentRow.release_id == release_id)

    def all(self) -> list[StoredAmendment]:
        """Every amendment, for audit cross-checks."""
        return self._select(None)

    def _select(self, where: ColumnElement[bool] | None) -> list[StoredAmendment]:
        query = (
            select(AmendmentRow, PartnerRow.name)
            .join(PartnerRow, PartnerRow.id == AmendmentRow.partner_id)
            .order_by(AmendmentRow.id)
        )
        if where is not None:
            query = query.where(where)
        return [
            StoredAmendment(
                row.release_id,
                name,
                row.case_id,
                row.number,
                row.created_at,
                row.document,
                row.signature,
            )
            for row, name in self.session.execute(query)
        ]
