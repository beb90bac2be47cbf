"""Making pending releases delivered: the writes of a release run, one release or a batch.

Kept apart from `release_repo` (which reads releases and plans them) because this is the one
write path a delivery takes, and the batch form (`complete_many`) is tuned for a wave of a
thousand partners: a handful of statements whatever their number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, update
from sqlalchemy.orm import Session

from forewarn.domain import ReleaseState
from forewarn.store.release_models import BundleRow, ReleaseItemRow, ReleaseRow
from forewarn.store.schedule_models import HeldBundleRow


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """One marked copy to record with a completed release."""

    name: str
    """Artifact name."""
    kind: str
    """Artifact kind."""
    original_sha256: str
    """Hash of the unmarked artifact it was made from."""
    sha256: str
    """Hash of the marked copy."""
    size: int
    """Size of the marked copy."""


@dataclass(frozen=True, slots=True)
class Completion:
    """One pending release to make delivered, with what it delivers (`complete_many`)."""

    release_id: str
    """The release."""
    items: tuple[ItemRecord, ...]
    """Its marked copies' records."""
    sealed: bytes
    """The age-encrypted bundle."""
    sealed_sha256: str
    """SHA-256 of `sealed`."""
    manifest_sha256: str
    """SHA-256 of the bundle's canonical manifest."""
    bundle_sha256: str
    """SHA-256 of the plaintext bundle."""


def drop_held(session: Session, release_id: str) -> None:
    """A bundle held for a release is for its plan as it was: gone once the row changes."""
    session.execute(delete(HeldBundleRow).where(HeldBundleRow.release_id == release_id))


class ReleaseCompletions:
    """Pending releases made delivered, with their items and bundles."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def complete(
        self,
        release_id: str,
        *,
        items: Sequence[ItemRecord],
        sealed: bytes,
        sealed_sha256: str,
        manifest_sha256: str,
        bundle_sha256: str,
        now: datetime,
    ) -> bool:
        """Mark a pending release delivered with its items and bundle; `False` if not pending.

        Completing, cancelling or replanning a release drops any bundle the scheduler held for it.
        """
        result = self.session.execute(
            update(ReleaseRow)
            .where(ReleaseRow.id == release_id, ReleaseRow.state == ReleaseState.PENDING.value)
            .values(
                state=ReleaseState.COMPLETE.value,
                completed_at=now,
                manifest_sha256=manifest_sha256,
                bundle_sha256=bundle_sha256,
            )
        )
        if not getattr(result, "rowcount", 0):
            return False
        drop_held(self.session, release_id)
        self.session.add_all(
            ReleaseItemRow(
                release_id=release_id,
                name=i.name,
                kind=i.kind,
                original_sha256=i.original_sha256,
                sha256=i.sha256,
                size=i.size,
            )
            for i in items
        )
        self.session.add(
            BundleRow(release_id=release_id, sealed=sealed, sealed_sha256=sealed_sha256)
        )
        self.session.flush()
        self.session.expire_all()
        return True

    def complete_many(self, completions: Sequence[Completion], *, now: datetime) -> list[bool]:
        """`complete` for several releases in a handful of statements, whatever their number
        (a delivery batch's transaction); per release, `False` if it was not pending."""
        ids = [c.release_id for c in completions]
        if not ids:
            return []
        won = set(
            self.session.scalars(
                update(ReleaseRow)
                .where(ReleaseRow.id.in_(ids), ReleaseRow.state == ReleaseState.PENDING.value)
                .values(state=ReleaseState.COMPLETE.value, completed_at=now)
                .returning(ReleaseRow.id)
                .execution_options(synchronize_session=False)
            )
        )
        done = [c for c in completions if c.release_id in won]
        if done:
            self.session.execute(
                update(ReleaseRow).execution_options(synchronize_session=False),
                [
                    {
                        "id": c.release_id,
                        "manifest_sha256": c.manifest_sha256,
                        "bundle_sha256": c.bundle_sha256,
                    }
                    for c in done
                ],
            )
            self.session.execute(
                delete(HeldBundleRow).where(
                    HeldBundleRow.release_id.in_([c.release_id for c in done])
                )
            )
            items = [
                {
                    "release_id": c.release_id,
                    "name": i.name,
                    "kind": i.kind,
                    "original_sha256": i.original_sha256,
                    "sha256": i.sha256,
                    "size": i.size,
                }
                for c in done
                for i in c.items
            ]
            if items:  # (an empty list would insert one row of defaults)
                self.session.execute(insert(ReleaseItemRow), items)
            self.session.execute(
                insert(BundleRow),
                [
                    {
                        "release_id": c.release_id,
                        "sealed": c.sealed,
                        "sealed_sha256": c.sealed_sha256,
                    }
                    for c in done
                ],
            )
        self.session.expire_all()
        return [c.release_id in won for c in completions]
