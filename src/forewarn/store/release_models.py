"""SQLAlchemy models of releases, bundles, fetches, acknowledgements and the audit log.

A release row is one partner's copy of one case. It is `pending` from the moment a wave is
planned, becomes `complete` in the single transaction that also stores its encrypted bundle, its
items and its audit leaf (so a crash leaves no partial bundle visible), or `cancelled` when the
partner is suspended or the plan no longer includes it. `(case, partner, available_at)` is unique,
so a rerun can never release the same wave to a partner twice.

The audit log is append-only: leaves with a unique contiguous index, and a signed checkpoint
written in the same transaction as the leaves it covers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forewarn.domain import ReleaseState
from forewarn.store.base import Base, UtcDateTime
from forewarn.store.models import PartnerRow

_STATE_CHECK = "state IN (" + ", ".join(f"'{state.value}'" for state in ReleaseState) + ")"
"""`state IN ('pending', 'complete', 'cancelled')`, as migration 0002 wrote it."""


class CaseMarkingRow(Base):
    """How a case's copies are marked, fixed by its first delivered release (see
    `forewarn.domain.marking`)."""

    __tablename__ = "case_marking"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    scheme: Mapped[int] = mapped_column(Integer)
    n_partners: Mapped[int] = mapped_column(Integer)
    max_colluders: Mapped[int] = mapped_column(Integer)
    epsilon: Mapped[float] = mapped_column(Float)
    channels: Mapped[str] = mapped_column(Text)
    token_domains: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of the domains the case's host tokens are under."""
    fixed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReleaseRow(Base):
    """One partner's copy of one case: planned, delivered or cancelled."""

    __tablename__ = "releases"
    __table_args__ = (
        UniqueConstraint("case_id", "partner_id", "available_at"),
        CheckConstraint(_STATE_CHECK, name="state"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    tier: Mapped[str] = mapped_column(String(64))
    available_at: Mapped[datetime] = mapped_column(UtcDateTime)
    embargo_end: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16), index=True)
    """A `ReleaseState` value."""
    planned_artifacts: Mapped[str] = mapped_column(Text)
    planned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    bundle_sha256: Mapped[str | None] = mapped_column(String(64))

    partner: Mapped[PartnerRow] = relationship(lazy="joined")
    items: Mapped[list[ReleaseItemRow]] = relationship(order_by="ReleaseItemRow.name")


class ReleaseItemRow(Base):
    """One marked copy given in a release: enough to regenerate it and check the copy."""

    __tablename__ = "release_items"
    __table_args__ = (UniqueConstraint("release_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    original_sha256: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)


class BundleRow(Base):
    """A release's bundle as the partner receives it: already age-encrypted."""

    __tablename__ = "bundles"

    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_sha256: Mapped[str] = mapped_column(String(64))


class FetchRow(Base):
    """A partner downloaded its bundle."""

    __tablename__ = "fetches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(32))


class AckRow(Base):
    """A partner acknowledged its bundle."""

    __tablename__ = "acks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text)


class AuditLeafRow(Base):
    """One leaf of the audit log; `leaf_hash` is RFC 6962's hash of the canonical leaf data."""

    __tablename__ = "audit_leaves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leaf_index: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    """A `LeafKind` value."""
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    payload: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpointRow(Base):
    """A signed tree head; `frontier` holds the perfect-subtree hashes for O(log n) appends."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(Integer, unique=True)
    root: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    frontier: Mapped[str] = mapped_column(Text)
