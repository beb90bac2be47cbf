"""Timeline use cases: record what happened on a case, with how precisely we know when."""

from __future__ import annotations

from sqlalchemy.orm import Session

from forewarn.domain import Event, EventKind, TimePoint
from forewarn.errors import ValidationError
from forewarn.program.cases import get_case
from forewarn.store import CaseRepository

MAX_NOTE_LENGTH = 2000
"""Longest note or source accepted on an event."""


def add_event(
    session: Session,
    *,
    case_id: str,
    at: TimePoint,
    kind: EventKind,
    note: str = "",
    source: str = "",
) -> Event:
    """Append an event to a case's timeline."""
    get_case(session, case_id)
    if at.start.tzinfo is None:
        raise ValidationError("event time has no zone", hint="use UTC")
    for label, text in (("note", note), ("source", source)):
        if len(text) > MAX_NOTE_LENGTH:
            raise ValidationError(f"event {label} is longer than {MAX_NOTE_LENGTH} characters")
    event = Event(case_id=case_id, at=at, kind=kind, note=note, source=source)
    return CaseRepository(session).add_event(event)


def list_events(session: Session, case_id: str, *, chronological: bool = True) -> list[Event]:
    """A case's events by time (ties in insertion order), or in insertion order."""
    get_case(session, case_id)
    return CaseRepository(session).events(case_id, chronological=chronological)
