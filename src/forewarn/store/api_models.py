"""SQLAlchemy models of the partner service: API tokens (hashed) and detection feedback.

A token row keeps the SHA-256 of the bearer secret, never the secret; the secret is 32 random
bytes, so a plain hash cannot be brute-forced and a look-up by hash is one index probe. Rows are
never deleted: revocation stamps `revoked_at`, so the audit log's token ids stay resolvable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forewarn.store.base import Base, UtcDateTime
from forewarn.store.models import PartnerRow


class ApiTokenRow(Base):
    """One partner API token."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(Text)
    """Space-separated `ApiScope` values."""
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    partner: Mapped[PartnerRow] = relationship(lazy="joined")


class FeedbackRow(Base):
    """A partner's feedback on the detection guidance of one of its releases."""

    __tablename__ = "detection_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    artifact: Mapped[str | None] = mapped_column(String(255))
    verdict: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
