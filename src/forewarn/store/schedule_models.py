"""SQLAlchemy model of held bundles: sealed ahead of a wave's instant, not fetchable until then.

The scheduler marks, signs and age-encrypts a partner's bundle some time before its wave falls
due and keeps it here, outside `bundles` (which is what `fetch` reads), so a held bundle can never
be handed out early. A row belongs to one `pending` release and records the plan it was made for
(wave time, embargo end, tier, artifacts, recipient, marking): at the instant it moves into
`bundles` in the transaction that completes the release, unless the plan changed, in which case
it is discarded. Completing, cancelling or replanning a release deletes its held row in the same
transaction (`ReleaseRepository`), so a held row never outlives the plan it was sealed for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forewarn.store.base import Base, UtcDateTime


class HeldBundleRow(Base):
    """One pending release's bundle, sealed to the partner and held back until its instant."""

    __tablename__ = "held_bundles"

    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    available_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """The wave time the manifest inside says (a moved wave makes the bundle stale)."""
    embargo_end: Mapped[datetime] = mapped_column(UtcDateTime)
    tier: Mapped[str] = mapped_column(String(64))
    artifacts: Mapped[str] = mapped_column(Text)
    """JSON list of the planned artifact names the bundle holds."""
    recipient: Mapped[str] = mapped_column(Text)
    """The `age1…` recipient it is sealed to (a rotated key makes it stale)."""
    marking: Mapped[str] = mapped_column(Text)
    """JSON of the `MarkingParams` the copies were marked with."""
    items: Mapped[str] = mapped_column(Text)
    """JSON list of the marked copies' records (`ItemRecord` fields)."""
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_sha256: Mapped[str] = mapped_column(String(64))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    bundle_sha256: Mapped[str] = mapped_column(String(64))
    prepared_at: Mapped[datetime] = mapped_column(UtcDateTime)
    checkpoint_size: Mapped[int | None] = mapped_column(Integer)
    """Size of the audit checkpoint its manifest carries (the newest when it was sealed)."""
