"""Evidence in custody: material from the wild registered with when, where and by whom it was seen.

A leaked tool copied out of a ticket today has today's modification time; dating it by that made
an investigation say "2107 days after the notice". So evidence is registered (`forewarn evidence
add`) with the moment it was seen, its source and its collector, stored encrypted with its SHA-256,
and recorded in the audit log; an investigation dates each finding by that record and says which
date it used (`DateBasis`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from forewarn.domain.timeline import TimePoint
from forewarn.domain.validation import format_instant, format_time_point


class DateBasis(enum.StrEnum):
    """Where the date an investigation gives a finding comes from, most trustworthy first."""

    REGISTERED = "registered"
    """The seen time recorded when the evidence was registered (`forewarn evidence add`)."""
    LOG_LINES = "log lines"
    """The earliest timestamp of the file's own lines (a web log)."""
    MTIME = "modification time"
    """The file's modification day: a copy made today has today's, so this one is warned about."""
    GIVEN = "given"
    """A finding handed in ready-made, with its own date."""


EVIDENCE_PREFIX = "E"
"""Evidence ids read `E1`, `E2`, … within a case."""


def evidence_id(number: int) -> str:
    """`3` → `E3`."""
    return f"{EVIDENCE_PREFIX}{number}"


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One registered piece of evidence; its content is stored encrypted, never here."""

    case_id: str
    """The case it is evidence for."""
    number: int
    """Its number within the case, from 1 (`id` reads `E1`)."""
    name: str
    """The file name it was registered under."""
    sha256: str
    """SHA-256 of its content, hex: what a file given later is matched by."""
    size: int
    """Bytes."""
    seen: TimePoint
    """When it was seen in the wild, with the precision the collector knows it to."""
    source: str
    """Where it was seen (a ticket, a honeypot, a paste site, a customer's server)."""
    collector: str
    """Who collected it."""
    added_at: datetime
    """When it was registered (UTC)."""

    @property
    def id(self) -> str:
        """`E1`, `E2`, …"""
        return evidence_id(self.number)

    def statement(self) -> str:
        """Its chain of custody in one line, the same in every output."""
        return (
            f"{self.id}: seen {format_time_point(self.seen)} ({self.seen.precision.value}) at "
            f"{self.source}; collected by {self.collector}; registered "
            f"{format_instant(self.added_at)}; sha256 {self.sha256}"
        )


@dataclass(frozen=True, slots=True)
class Dating:
    """How an investigation dated one finding (`Finding.seen`), and from what."""

    basis: DateBasis
    """Where the date comes from."""
    custody: EvidenceItem | None = None
    """The registered item the material was matched to by SHA-256, if any."""
    sha256: str = ""
    """SHA-256 of the file (or archive member) read, hex."""
    detail: str = ""
    """What else was known, in words (`registered as seen 2021-03-05; its lines start …`)."""


__all__ = ["EVIDENCE_PREFIX", "DateBasis", "Dating", "EvidenceItem", "evidence_id"]
