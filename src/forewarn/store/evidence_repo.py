"""Repository of registered evidence; rows are only ever inserted."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forewarn.domain.custody import EvidenceItem
from forewarn.domain.timeline import TimePoint, TimePrecision
from forewarn.store.case_repo import SealedContent
from forewarn.store.evidence_models import EvidenceRow


def evidence_from_row(row: EvidenceRow) -> EvidenceItem:
    """Map an evidence row to the domain record (no content)."""
    return EvidenceItem(
        case_id=row.case_id,
        number=row.number,
        name=row.name,
        sha256=row.sha256,
        size=row.size,
        seen=TimePoint(row.seen_start, TimePrecision(row.seen_precision)),
        source=row.source,
        collector=row.collector,
        added_at=row.added_at,
    )


class EvidenceRepository:
    """A case's registered evidence, by number or by SHA-256."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def next_number(self, case_id: str) -> int:
        """The number the case's next item gets (1 for the first)."""
        query = select(func.max(EvidenceRow.number)).where(EvidenceRow.case_id == case_id)
        return (self.session.scalar(query) or 0) + 1

    def add(self, item: EvidenceItem, sealed: SealedContent) -> EvidenceItem:
        """Insert an item with its sealed content; its case must exist."""
        row = EvidenceRow(
            case_id=item.case_id,
            number=item.number,
            name=item.name,
            sha256=item.sha256,
            size=item.size,
            seen_start=item.seen.start,
            seen_precision=item.seen.precision.value,
            source=item.source,
            collector=item.collector,
            added_at=item.added_at,
            nonce=sealed.nonce,
            ciphertext=sealed.ciphertext,
        )
        self.session.add(row)
        self.session.flush()
        return evidence_from_row(row)

    def items(self, case_id: str | None = None) -> list[EvidenceItem]:
        """A case's items (or every case's) by case and number."""
        query = select(EvidenceRow).order_by(EvidenceRow.case_id, EvidenceRow.number)
        if case_id is not None:
            query = query.where(EvidenceRow.case_id == case_id)
        return [evidence_from_row(row) for row in self.session.scalars(query)]

    def by_sha256(self, case_id: str, sha256: str) -> EvidenceItem | None:
        """The case's item with this content hash, if registered."""
        query = select(EvidenceRow).where(
            EvidenceRow.case_id == case_id, EvidenceRow.sha256 == sha256
        )
        row = self.session.scalars(query).one_or_none()
        return None if row is None else evidence_from_row(row)

    def sealed_content(self, case_id: str, number: int) -> SealedContent | None:
        """One item's stored nonce and ciphertext."""
        query = select(EvidenceRow).where(
            EvidenceRow.case_id == case_id, EvidenceRow.number == number
        )
        row = self.session.scalars(query).one_or_none()
        return None if row is None else SealedContent(nonce=row.nonce, ciphertext=row.ciphertext)


__all__ = ["EvidenceRepository", "evidence_from_row"]
