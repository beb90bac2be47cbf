"""The repository of releases: reads and plans; it hands out plain records, not rows.

Delivering (the writes of a release run) is `release_completion`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from forewarn.domain import Release, ReleasedArtifact, ReleaseState
from forewarn.store.locks import hold_write_lock, is_postgresql, release_row_lock_name
from forewarn.store.models import PartnerRow
from forewarn.store.release_completion import drop_held
from forewarn.store.release_models import AckRow, BundleRow, FetchRow, ReleaseRow


@dataclass(frozen=True, slots=True)
class StoredRelease:
    """A release row as the use cases see it."""

    id: str
    """Release id."""
    case_id: str
    """The case."""
    partner: str
    """Partner name."""
    tier: str
    """The partner's tier when the wave was planned."""
    available_at: datetime
    """Wave time: not fetchable before."""
    embargo_end: datetime
    """Planned patch time."""
    state: ReleaseState
    """Planned, delivered or cancelled."""
    planned_artifacts: tuple[str, ...]
    """Artifact names the plan gives this partner."""
    items: tuple[ReleasedArtifact, ...] = ()
    """Marked copies given (complete releases only)."""
    cancel_reason: str | None = None
    """Why it was cancelled."""

    def as_release(self) -> Release:
        """The domain record of what was given."""
        return Release(
            self.id,
            self.case_id,
            self.partner,
            self.available_at,
            self.embargo_end,
            self.items,
            tier=self.tier,
        )


def _release(row: ReleaseRow) -> StoredRelease:
    return StoredRelease(
        id=row.id,
        case_id=row.case_id,
        partner=row.partner.name,
        tier=row.tier,
        available_at=row.available_at,
        embargo_end=row.embargo_end,
        state=ReleaseState(row.state),
        planned_artifacts=tuple(json.loads(row.planned_artifacts)),
        items=tuple(ReleasedArtifact(i.name, i.kind, i.sha256) for i in row.items),
        cancel_reason=row.cancel_reason,
    )


class ReleaseRepository:
    """Releases, their items, bundles, fetches and acks."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def for_case(
        self,
        case_id: str,
        state: ReleaseState | None = None,
        *,
        partner: str | None = None,
        fresh: bool = False,
    ) -> list[StoredRelease]:
        """A case's releases (of one partner when named) by wave time, then partner; `fresh`
        reads rows this session loaded before again (after `settled_state`)."""
        # the items in one query, not one per row (a wave of 1,000 was 1,000 selects)
        query = (
            select(ReleaseRow)
            .where(ReleaseRow.case_id == case_id)
            .options(selectinload(ReleaseRow.items))
        )
        if fresh:
            query = query.execution_options(populate_existing=True)
        if state is not None:
            query = query.where(ReleaseRow.state == state.value)
        query = query.join(PartnerRow)
        if partner is not None:
            query = query.where(PartnerRow.name == partner)
        query = query.order_by(ReleaseRow.available_at, PartnerRow.name)
        return [_release(row) for row in self.session.scalars(query).unique()]

    def for_partner(
        self, partner_id: int, state: ReleaseState | None = None
    ) -> list[StoredRelease]:
        """A partner's releases over all cases."""
        query = (
            select(ReleaseRow)
            .where(ReleaseRow.partner_id == partner_id)
            .options(selectinload(ReleaseRow.items))
        )
        if state is not None:
            query = query.where(ReleaseRow.state == state.value)
        return [_release(r) for r in self.session.scalars(query.order_by(ReleaseRow.available_at))]

    def get(self, release_id: str) -> StoredRelease | None:
        """One release by id."""
        row = self.session.get(ReleaseRow, release_id)
        return None if row is None else _release(row)

    def all_complete(self) -> Iterator[StoredRelease]:
        """Every delivered release, for audit cross-checks."""
        query = (
            select(ReleaseRow)
            .where(ReleaseRow.state == ReleaseState.COMPLETE.value)
            .order_by(ReleaseRow.id)
        )
        for row in self.session.scalars(query).unique():
            yield _release(row)

    def add_pending(
        self,
        *,
        release_id: str,
        case_id: str,
        partner_id: int,
        tier: str,
        available_at: datetime,
        embargo_end: datetime,
        artifacts: Sequence[str],
        now: datetime,
    ) -> None:
        """Plan a release."""
        self.session.add(
            ReleaseRow(
                id=release_id,
                case_id=case_id,
                partner_id=partner_id,
                tier=tier,
                available_at=available_at,
                embargo_end=embargo_end,
                state=ReleaseState.PENDING.value,
                planned_artifacts=json.dumps(list(artifacts)),
                planned_at=now,
            )
        )
        self.session.flush()

    def replan(
        self,
        release_id: str,
        *,
        available_at: datetime,
        embargo_end: datetime,
        artifacts: Sequence[str],
    ) -> None:
        """Move a pending release to a new time or artifact list."""
        row = self.session.get(ReleaseRow, release_id)
        if row is None or row.state != ReleaseState.PENDING.value:
            raise LookupError(f"release {release_id} is not pending")
        row.available_at, row.embargo_end = available_at, embargo_end
        row.planned_artifacts = json.dumps(list(artifacts))
        drop_held(self.session, release_id)
        self.session.flush()

    def cancel(self, release_id: str, *, reason: str, now: datetime) -> bool:
        """Cancel a pending release; `False` when it was not pending any more."""
        result = self.session.execute(
            update(ReleaseRow)
            .where(ReleaseRow.id == release_id, ReleaseRow.state == ReleaseState.PENDING.value)
            .values(state=ReleaseState.CANCELLED.value, cancelled_at=now, cancel_reason=reason)
        )
        drop_held(self.session, release_id)
        return bool(getattr(result, "rowcount", 0))

    def recipients(self, partners: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """Partners' status and age recipient, read in the delivering transaction (one query);
        a partner that does not exist is absent."""
        query = select(PartnerRow.name, PartnerRow.status, PartnerRow.age_recipient).where(
            PartnerRow.name.in_(sorted(set(partners)))
        )
        return {
            name: (status, recipient) for name, status, recipient in self.session.execute(query)
        }

    def recipient(self, partner: str) -> tuple[str, str | None] | None:
        """A partner's status and age recipient, read in the delivering transaction (one query)."""
        query = select(PartnerRow.status, PartnerRow.age_recipient).where(
            PartnerRow.name == partner
        )
        row = self.session.execute(query).one_or_none()
        return None if row is None else (row[0], row[1])

    def hashes(self, release_id: str) -> tuple[str | None, str | None]:
        """The recorded manifest and plaintext-bundle hashes of a release."""
        row = self.session.get(ReleaseRow, release_id)
        return (None, None) if row is None else (row.manifest_sha256, row.bundle_sha256)

    def sealed_bundle(self, release_id: str) -> tuple[bytes, str] | None:
        """The age-encrypted bundle and its recorded hash."""
        row = self.session.get(BundleRow, release_id)
        return None if row is None else (row.sealed, row.sealed_sha256)

    def reseal(self, release_id: str, sealed: bytes, sealed_sha256: str) -> None:
        """Replace a stored bundle's encryption (same plaintext, a new age recipient)."""
        row = self.session.get(BundleRow, release_id)
        if row is None:
            raise LookupError(f"release {release_id} has no bundle")
        row.sealed, row.sealed_sha256 = sealed, sealed_sha256
        self.session.flush()

    def fetched(self, release_id: str) -> bool:
        """Whether the partner has downloaded this release's bundle."""
        query = select(FetchRow.id).where(FetchRow.release_id == release_id).limit(1)
        return self.session.scalar(query) is not None

    def add_fetch(self, release_id: str, at: datetime, channel: str) -> None:
        """Log a download (inserted at the next flush, with the others of the transaction)."""
        self.session.add(FetchRow(release_id=release_id, at=at, channel=channel))

    def add_ack(self, release_id: str, at: datetime, note: str) -> None:
        """Log an acknowledgement (inserted at the next flush)."""
        self.session.add(AckRow(release_id=release_id, at=at, note=note))

    def settled_state(self, release_id: str) -> ReleaseState | None:
        """The release's state once no other transaction is writing it: a release batch that
        is delivering it is waited for (PostgreSQL: its row lock; SQLite: the write lock,
        then held by this transaction), a batch delivering other partners is not."""
        query = select(ReleaseRow.state).where(ReleaseRow.id == release_id)
        if is_postgresql(self.session):
            query = query.with_for_update(read=True)
        else:
            hold_write_lock(self.session, release_row_lock_name(release_id))
        found = self.session.execute(query).scalar_one_or_none()
        return None if found is None else ReleaseState(found)

    def delivery(self, release_id: str) -> tuple[ReleaseState, datetime, str] | None:
        """A release's state, wave time and its partner's status, in one query."""
        query = (
            select(ReleaseRow.state, ReleaseRow.available_at, PartnerRow.status)
            .join(PartnerRow, ReleaseRow.partner_id == PartnerRow.id)
            .where(ReleaseRow.id == release_id)
        )
        row = self.session.execute(query).one_or_none()
        return None if row is None else (ReleaseState(row[0]), row[1], row[2])

    def count_fetches_and_acks(self) -> tuple[int, int]:
        """How many fetches and acks are recorded, to compare with the audit log."""
        fetches = self.session.scalar(select(func.count()).select_from(FetchRow)) or 0
        acks = self.session.scalar(select(func.count()).select_from(AckRow)) or 0
        return fetches, acks
