"""Timeline events of a case and times that know how precise they are."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


class EventKind(enum.StrEnum):
    """What happened; investigation reasons over these kinds."""

    DISCOVERED = "discovered"
    REPORTED = "reported"
    PARTNER_NOTICE = "partner-notice"
    SCANNING = "scanning"
    EXPLOITATION = "exploitation"
    PATCH_RELEASED = "patch-released"
    FINDER_DISCLOSURE = "finder-disclosure"
    """The finder's own public disclosure (a blog write-up, a talk, a tweet, a repository): from
    then on anyone may use what it published, so no partner or compromise is needed to explain
    later activity; `investigate` weighs it as its own explanation."""
    PRESS = "press"
    OTHER = "other"


class TimePrecision(enum.StrEnum):
    """How much of a time is known: `2020-12`, `2021-01-03` or an instant."""

    MONTH = "month"
    DAY = "day"
    INSTANT = "instant"


@dataclass(frozen=True, slots=True)
class TimePoint:
    """A UTC instant with its precision; `start` is the earliest moment it may mean."""

    start: datetime
    """Earliest instant covered (aware, UTC)."""
    precision: TimePrecision
    """Month, day or instant."""

    @property
    def end(self) -> datetime:
        """Latest instant covered (exclusive for month and day)."""
        if self.precision is TimePrecision.INSTANT:
            return self.start
        if self.precision is TimePrecision.DAY:
            return self.start + timedelta(days=1)
        year, month = self.start.year + self.start.month // 12, self.start.month % 12 + 1
        return self.start.replace(year=year, month=month)

    def __str__(self) -> str:
        if self.precision is TimePrecision.MONTH:
            return self.start.strftime("%Y-%m")
        if self.precision is TimePrecision.DAY:
            return self.start.strftime("%Y-%m-%d")
        return self.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened on a case's timeline."""

    case_id: str
    """The case it belongs to."""
    at: TimePoint
    """When, with its precision."""
    kind: EventKind
    """What kind of event."""
    note: str = ""
    """What was seen, in a sentence."""
    source: str = ""
    """Where the fact comes from (a report, a URL, a sensor)."""
