"""SQLAlchemy model of registered evidence: ciphertext, hash, seen time, source and collector.

A row is inserted once, in the transaction that also appends its `evidence` audit leaf, and never
updated. `(case_id, number)` is the evidence id `E<number>`; `(case_id, sha256)` is unique, so the
same file cannot be registered twice with two different stories.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forewarn.store.base import Base, UtcDateTime


class EvidenceRow(Base):
    """One registered piece of evidence, sealed like an artifact (AEAD, program key)."""

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        UniqueConstraint("case_id", "sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    seen_start: Mapped[datetime] = mapped_column(UtcDateTime)
    seen_precision: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)
    collector: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
