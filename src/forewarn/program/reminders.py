"""Reminders for the chase list: who has not fetched or acknowledged a while after release.

`remind` takes `wave_status`'s chase list and writes one `reminder` audit leaf per partner on it
(under one signed checkpoint); the outbox then mails each partner its own reminder
(`program.notices`), so a reminder is sent exactly as every other notice is, and a restart never
sends it twice. A partner already reminded within the chase delay is not reminded again: running
the command from a daily cron job reminds each late partner once a day, not once a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind
from forewarn.program.audit import AuditEntry, append_audit_many, stamp
from forewarn.program.keys import ProgramKeys
from forewarn.program.wave_status import ChaseEntry, wave_status
from forewarn.store.audit_repo import AuditRepository


@dataclass(frozen=True, slots=True)
class Reminders:
    """What one `remind` run did."""

    reminded: tuple[ChaseEntry, ...]
    """Partners reminded now (a `reminder` leaf each)."""
    skipped: tuple[ChaseEntry, ...]
    """Partners on the chase list already reminded within the chase delay."""


def remind(
    session: Session, keys: ProgramKeys, case_id: str, *, after: timedelta, now: datetime
) -> Reminders:
    """Remind every partner that, `after` its release, has not fetched or acknowledged."""
    chase = wave_status(session, case_id, now=now, chase_after=after).chase
    audit = AuditRepository(session)
    due: list[ChaseEntry] = []
    skipped: list[ChaseEntry] = []
    for entry in chase:
        last = audit.find(LeafKind.REMINDER, entry.release_id, last=True)
        (skipped if last is not None and now - last.at < after else due).append(entry)
    append_audit_many(
        session,
        [
            AuditEntry(
                LeafKind.REMINDER,
                {
                    "case": case_id,
                    "partner": entry.partner,
                    "release_id": entry.release_id,
                    "released_at": stamp(entry.released_at),
                    "missing": list(entry.missing),
                },
                subject=entry.release_id,
            )
            for entry in due
        ],
        now,
        keys=keys,
    )
    return Reminders(tuple(due), tuple(skipped))


__all__ = ["Reminders", "remind"]
