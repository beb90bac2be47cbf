"""SQLAlchemy models of partner notifications (the mail outbox) and embargo amendments.

An outbox row is one mail to one partner about one audit leaf: `(source_leaf, partner_id)` is
unique, so the same event can never be queued twice for a partner, whoever queues it and however
often. Its `message_id` is fixed when it is queued, so a resend after a crash carries the same
`Message-ID` header. `state` moves `pending → sending → sent` (or `failed`); see
`forewarn.program.mail_send` for what a crash in each state means.

An amendment row is the signed document telling one partner that a case's embargo changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forewarn.store.base import Base, UtcDateTime
from forewarn.store.models import PartnerRow

OUTBOX_STATES = ("pending", "sending", "sent", "failed")
"""Every value of `outbox.state`, in the order a message goes through them."""

_STATE_CHECK = "state IN (" + ", ".join(f"'{state}'" for state in OUTBOX_STATES) + ")"


class OutboxRow(Base):
    """One queued mail to one partner; its body carries no embargoed content."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("source_leaf", "partner_id"),
        CheckConstraint(_STATE_CHECK, name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    source_leaf: Mapped[int] = mapped_column(Integer)
    """The audit leaf index of the event the mail announces."""
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    recipients: Mapped[str] = mapped_column(Text)
    """JSON list of addresses, fixed when queued."""
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    partner: Mapped[PartnerRow] = relationship(lazy="joined")


class OutboxCursorRow(Base):
    """How far the audit log has been read for notices: one row, the next leaf index to read."""

    __tablename__ = "outbox_cursor"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_leaf: Mapped[int] = mapped_column(Integer)


class AmendmentRow(Base):
    """A signed embargo amendment for one partner's delivered release of a case."""

    __tablename__ = "amendments"
    __table_args__ = (UniqueConstraint("release_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    """1 for the release's first amendment, then 2, …"""
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    document: Mapped[bytes] = mapped_column(LargeBinary)
    """The canonical JSON that is signed."""
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    """Ed25519 signature over the amendment context line and `document`."""
