"""SQLAlchemy models of the foundation: program, tiers, partners, cases, artifacts, events.

Only `store` sees these classes; everything outside gets `forewarn.domain` records from the
repositories. Surrogate integer keys everywhere except `cases`, whose id is the user's case id.
Status history rows are only ever inserted, never updated.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forewarn.store.base import Base, UtcDateTime


class ProgramRow(Base):
    """The one program this database holds."""

    __tablename__ = "program"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    replay: Mapped[bool] = mapped_column(Boolean, default=False)
    """A replay of past history rather than a live program (`ProgramInfo.replay`)."""
    token_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Domains the program's host tokens are under (`forewarn init --token-domain`)."""


class TierRow(Base):
    """A tier of trust; `position` keeps the order the program lists them in."""

    __tablename__ = "tiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    rank: Mapped[int] = mapped_column(Integer, unique=True)
    lead_time_seconds: Mapped[int] = mapped_column(Integer)
    artifact_kinds: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)


class PartnerRow(Base):
    """A partner; `status` mirrors the last row of its append-only history."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    tier_id: Mapped[int] = mapped_column(ForeignKey("tiers.id"), index=True)
    age_recipient: Mapped[str | None] = mapped_column(String(200))
    nda_date: Mapped[date | None] = mapped_column(Date)
    nda_expires: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))

    tier: Mapped[TierRow] = relationship(lazy="joined")
    emails: Mapped[list[PartnerEmailRow]] = relationship(
        order_by="PartnerEmailRow.position", cascade="all, delete-orphan"
    )
    history: Mapped[list[PartnerStatusRow]] = relationship(
        order_by="PartnerStatusRow.id", cascade="all, delete-orphan"
    )
    changes: Mapped[list[PartnerChangeRow]] = relationship(
        order_by="PartnerChangeRow.id", cascade="all, delete-orphan"
    )


class PartnerEmailRow(Base):
    """One contact address of a partner, in the order given."""

    __tablename__ = "partner_emails"
    __table_args__ = (UniqueConstraint("partner_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    position: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(320))


class PartnerStatusRow(Base):
    """One dated, reasoned status change; inserted once, never updated."""

    __tablename__ = "partner_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)


class PartnerChangeRow(Base):
    """One edit of a partner's record (field, before, after, reason); inserted, never updated."""

    __tablename__ = "partner_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    field: Mapped[str] = mapped_column(String(32))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class CaseRow(Base):
    """A vulnerability case; the CVSS columns hold the parsed vector and its score."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    product: Mapped[str] = mapped_column(String(200))
    finder: Mapped[str] = mapped_column(String(200))
    reported: Mapped[date] = mapped_column(Date)
    patch_planned: Mapped[date] = mapped_column(Date)
    patch_actual_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    patch_actual_precision: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    cves: Mapped[list[str]] = mapped_column(JSON)
    cvss_vector: Mapped[str | None] = mapped_column(String(300))
    cvss_version: Mapped[str | None] = mapped_column(String(8))
    cvss_score: Mapped[float | None] = mapped_column(Float)
    cvss_severity: Mapped[str | None] = mapped_column(String(16))
    related_case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"))


class ArtifactRow(Base):
    """An artifact's ciphertext (AEAD, program key) with the plaintext's hash and size."""

    __tablename__ = "artifacts"
    __table_args__ = (UniqueConstraint("case_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    min_tier_id: Mapped[int] = mapped_column(ForeignKey("tiers.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)

    min_tier: Mapped[TierRow] = relationship(lazy="joined")


class EventRow(Base):
    """A timeline event; `at_start` plus `precision` rebuild the `TimePoint`."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    at_start: Mapped[datetime] = mapped_column(UtcDateTime)
    precision: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
