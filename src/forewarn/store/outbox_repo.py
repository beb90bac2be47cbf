"""Repository of the mail outbox: queue once per (event, partner), claim, settle, list.

Every state change is a conditional `UPDATE … WHERE state = …`, so two senders running at once
can never both claim a row, and a row already `sent` can never be claimed again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forewarn.domain import LeafKind
from forewarn.store.models import PartnerRow
from forewarn.store.notify_models import OutboxCursorRow, OutboxRow
from forewarn.store.release_models import AuditLeafRow, ReleaseRow


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One queued mail as the use cases see it."""

    id: int
    """Row id, shown by `mail list`."""
    message_id: str
    """The `Message-ID` header, the same on every attempt."""
    source_leaf: int
    """Index of the audit leaf announced."""
    partner: str
    """Partner name."""
    case_id: str
    """The case."""
    kind: str
    """`wave-due`, `patch-moved` or `published`."""
    recipients: tuple[str, ...]
    """Addresses, as queued."""
    subject: str
    """Subject line."""
    body: str
    """Plain-text body (no embargoed content)."""
    state: str
    """`pending`, `sending`, `sent` or `failed`."""
    attempts: int
    """Delivery attempts started so far."""
    next_attempt_at: datetime
    """Not tried again before this instant."""
    last_error: str | None
    """What the last failed attempt said."""
    created_at: datetime
    """When it was queued."""
    sent_at: datetime | None
    """When the SMTP server accepted it."""
    age_recipient: str | None
    """The partner's age key now, for encrypted bodies."""


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A mail to queue."""

    message_id: str
    source_leaf: int
    partner_id: int
    case_id: str
    kind: str
    recipients: tuple[str, ...]
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class EventLeaf:
    """An audit leaf that may call for notices."""

    index: int
    kind: LeafKind
    at: datetime
    payload: str


def _message(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        message_id=row.message_id,
        source_leaf=row.source_leaf,
        partner=row.partner.name,
        case_id=row.case_id,
        kind=row.kind,
        recipients=tuple(json.loads(row.recipients)),
        subject=row.subject,
        body=row.body,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
        age_recipient=row.partner.age_recipient,
    )


class OutboxRepository:
    """The outbox and its cursor over the audit log."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_cursor(self) -> int:
        """The next leaf index to read, locked until the transaction ends (PostgreSQL)."""
        query = select(OutboxCursorRow).where(OutboxCursorRow.id == 1).with_for_update()
        row = self.session.scalars(query).one_or_none()
        if row is None:
            try:
                with self.session.begin_nested():
                    self.session.add(OutboxCursorRow(id=1, next_leaf=0))
            except IntegrityError:
                pass  # another sender created it meanwhile; the lock below waits for it
            row = self.session.scalars(query).one()
        return row.next_leaf

    def advance_cursor(self, next_leaf: int) -> None:
        """Record that every leaf before `next_leaf` has been read."""
        self.session.execute(
            update(OutboxCursorRow).where(OutboxCursorRow.id == 1).values(next_leaf=next_leaf)
        )

    def event_leaves(self, start: int, kinds: Sequence[LeafKind]) -> tuple[list[EventLeaf], int]:
        """Leaves of `kinds` from index `start` on, and the index after the last leaf."""
        last = self.session.scalar(
            select(AuditLeafRow.leaf_index).order_by(AuditLeafRow.leaf_index.desc()).limit(1)
        )
        end = start if last is None else max(start, last + 1)
        query = (
            select(
                AuditLeafRow.leaf_index, AuditLeafRow.kind, AuditLeafRow.at, AuditLeafRow.payload
            )
            .where(
                AuditLeafRow.leaf_index >= start,
                AuditLeafRow.leaf_index < end,
                AuditLeafRow.kind.in_([k.value for k in kinds]),
            )
            .order_by(AuditLeafRow.leaf_index)
        )
        leaves = [EventLeaf(i, LeafKind(k), at, p) for i, k, at, p in self.session.execute(query)]
        return leaves, end

    def receivers(self, case_id: str, before: datetime) -> list[tuple[int, str]]:
        """(partner id, name) of every partner with a delivered release of `case_id` by `before`."""
        query = (
            select(PartnerRow.id, PartnerRow.name)
            .join(ReleaseRow, ReleaseRow.partner_id == PartnerRow.id)
            .where(
                ReleaseRow.case_id == case_id,
                ReleaseRow.state == "complete",
                ReleaseRow.completed_at <= before,
            )
            .distinct()
            .order_by(PartnerRow.name)
        )
        return [(pid, name) for pid, name in self.session.execute(query)]

    def partner_ids(self) -> dict[str, int]:
        """Every partner's surrogate key by name (one query for a whole queueing run)."""
        return {
            name: pid for pid, name in self.session.execute(select(PartnerRow.id, PartnerRow.name))
        }

    def add(self, message: NewMessage, now: datetime) -> bool:
        """Queue a mail; `False` when that event was queued for that partner already."""
        exists = self.session.scalar(
            select(OutboxRow.id).where(
                OutboxRow.source_leaf == message.source_leaf,
                OutboxRow.partner_id == message.partner_id,
            )
        )
        if exists is not None:
            return False
        self.session.add(
            OutboxRow(
                message_id=message.message_id,
                source_leaf=message.source_leaf,
                partner_id=message.partner_id,
                case_id=message.case_id,
                kind=message.kind,
                recipients=json.dumps(list(message.recipients)),
                subject=message.subject,
                body=message.body,
                state="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        self.session.flush()
        return True

    def next_due(self, now: datetime, after: int) -> OutboxMessage | None:
        """The oldest pending message due at `now` with an id above `after`."""
        query = (
            select(OutboxRow)
            .where(OutboxRow.state == "pending", OutboxRow.next_attempt_at <= now)
            .where(OutboxRow.id > after)
            .order_by(OutboxRow.id)
            .limit(1)
        )
        row = self.session.scalars(query).first()
        return None if row is None else _message(row)

    def claim(self, message_id: int, now: datetime) -> bool:
        """`pending → sending`, counting an attempt; `False` when another sender took it."""
        result = self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.state == "pending")
            .values(state="sending", claimed_at=now, attempts=OutboxRow.attempts + 1)
        )
        return bool(getattr(result, "rowcount", 0))

    def settle(
        self,
        message_id: int,
        state: str,
        *,
        now: datetime,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """`sending → sent | pending | failed` after an attempt."""
        values: dict[str, object] = {"state": state, "last_error": error}
        if state == "sent":
            values["sent_at"] = now
        if retry_at is not None:
            values["next_attempt_at"] = retry_at
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.state == "sending")
            .values(**values)
        )

    def release_stale(self, before: datetime, note: str) -> int:
        """Put back `sending` rows claimed before `before` (their sender died); how many."""
        result = self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.state == "sending", OutboxRow.claimed_at < before)
            .values(state="pending", last_error=note)
        )
        return int(getattr(result, "rowcount", 0))

    def all(self, state: str | None = None) -> list[OutboxMessage]:
        """Every message, oldest first, optionally only those in `state`."""
        query = select(OutboxRow).order_by(OutboxRow.id)
        if state is not None:
            query = query.where(OutboxRow.state == state)
        return [_message(row) for row in self.session.scalars(query)]
