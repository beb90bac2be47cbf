"""Repository of partners, their contacts and their append-only status history."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from forewarn.domain import Partner, PartnerChange, PartnerStatus, StatusChange
from forewarn.store.models import PartnerChangeRow, PartnerEmailRow, PartnerRow, PartnerStatusRow
from forewarn.store.program_repo import ProgramRepository


def partner_from_row(row: PartnerRow) -> Partner:
    """Map a partner row (with emails and history loaded) to the domain record."""
    return Partner(
        name=row.name,
        country=row.country,
        tier=row.tier.name,
        emails=tuple(email.email for email in row.emails),
        age_recipient=row.age_recipient,
        nda_date=row.nda_date,
        nda_expires=row.nda_expires,
        status=PartnerStatus(row.status),
        history=tuple(
            StatusChange(at=change.at, status=PartnerStatus(change.status), reason=change.reason)
            for change in row.history
        ),
        changes=tuple(
            PartnerChange(at=c.at, field=c.field, before=c.before, after=c.after, reason=c.reason)
            for c in row.changes
        ),
    )


class PartnerRepository:
    """Partners by unique name; history rows are only ever appended."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _query(self) -> Select[PartnerRow]:
        return select(PartnerRow).options(
            selectinload(PartnerRow.emails),
            selectinload(PartnerRow.history),
            selectinload(PartnerRow.changes),
        )

    def row(self, name: str) -> PartnerRow | None:
        """The row of a partner, for foreign keys inside `store` (release tables)."""
        return self.session.scalars(self._query().where(PartnerRow.name == name)).one_or_none()

    def id_of(self, name: str) -> int | None:
        """The surrogate key of a partner, for other tables' foreign keys."""
        return self.session.scalar(select(PartnerRow.id).where(PartnerRow.name == name))

    def get(self, name: str) -> Partner | None:
        """One partner by name."""
        row = self.row(name)
        return None if row is None else partner_from_row(row)

    def all(self, status: PartnerStatus | None = None) -> list[Partner]:
        """Partners in the order they joined, optionally only those with `status`."""
        query = self._query().order_by(PartnerRow.id)
        if status is not None:
            query = query.where(PartnerRow.status == status.value)
        return [partner_from_row(row) for row in self.session.scalars(query)]

    def names(self) -> list[str]:
        """Every partner's name, whatever its status, in the order they joined."""
        return list(self.session.scalars(select(PartnerRow.name).order_by(PartnerRow.id)))

    def count(self) -> int:
        """How many partners exist, whatever their status."""
        return self.session.scalar(select(func.count()).select_from(PartnerRow)) or 0

    def add(self, partner: Partner) -> Partner:
        """Insert a partner with its emails and history; its tier must exist."""
        tier = ProgramRepository(self.session).tier_row(partner.tier)
        if tier is None:
            raise LookupError(f"tier {partner.tier!r} missing")
        row = PartnerRow(
            name=partner.name,
            country=partner.country,
            tier_id=tier.id,
            age_recipient=partner.age_recipient,
            nda_date=partner.nda_date,
            nda_expires=partner.nda_expires,
            status=partner.status.value,
        )
        row.emails = [
            PartnerEmailRow(position=position, email=email)
            for position, email in enumerate(partner.emails)
        ]
        row.history = [
            PartnerStatusRow(at=change.at, status=change.status.value, reason=change.reason)
            for change in partner.history
        ]
        row.changes = [
            PartnerChangeRow(
                at=c.at, field=c.field, before=c.before, after=c.after, reason=c.reason
            )
            for c in partner.changes
        ]
        self.session.add(row)
        self.session.flush()
        return partner_from_row(row)

    def append_status(self, name: str, change: StatusChange) -> Partner:
        """Append one status change and make it the partner's current status."""
        row = self.row(name)
        if row is None:
            raise LookupError(f"partner {name!r} missing")
        row.history.append(
            PartnerStatusRow(at=change.at, status=change.status.value, reason=change.reason)
        )
        row.status = change.status.value
        self.session.flush()
        return partner_from_row(row)

    def update(self, partner: Partner, changes: list[PartnerChange]) -> Partner:
        """Write an edited partner's fields (not its status) and append `changes` to its record."""
        row = self.row(partner.name)
        if row is None:
            raise LookupError(f"partner {partner.name!r} missing")
        tier = ProgramRepository(self.session).tier_row(partner.tier)
        if tier is None:
            raise LookupError(f"tier {partner.tier!r} missing")
        row.country, row.tier_id, row.tier = partner.country, tier.id, tier
        row.age_recipient = partner.age_recipient
        row.nda_date, row.nda_expires = partner.nda_date, partner.nda_expires
        if tuple(e.email for e in row.emails) != partner.emails:
            row.emails.clear()
            self.session.flush()
            row.emails.extend(
                PartnerEmailRow(position=position, email=email)
                for position, email in enumerate(partner.emails)
            )
        row.changes.extend(
            PartnerChangeRow(
                at=c.at, field=c.field, before=c.before, after=c.after, reason=c.reason
            )
            for c in changes
        )
        self.session.flush()
        return partner_from_row(row)
