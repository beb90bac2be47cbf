"""Cases: one vulnerability (or a chain) under embargo."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from forewarn.domain.timeline import TimePoint


class CaseStatus(enum.StrEnum):
    """Embargoed until the patch ships, then published."""

    EMBARGOED = "embargoed"
    PUBLISHED = "published"


@dataclass(frozen=True, slots=True)
class Cvss:
    """A parsed CVSS v3.1 or v4.0 vector with its base score."""

    vector: str
    """The vector string as given, e.g. `CVSS:3.1/AV:N/...`."""
    version: str
    """`3.1` or `4.0`."""
    base_score: float
    """Base score, 0.0 to 10.0."""
    severity: str
    """`None`, `Low`, `Medium`, `High` or `Critical`."""


@dataclass(frozen=True, slots=True)
class Case:
    """A vulnerability case, from the finder's report to the patch."""

    id: str
    """Program-unique id such as `FW-2021-0001`."""
    title: str
    """One-line summary."""
    product: str
    """Affected product."""
    reported: date
    """When the finder reported it to the vendor."""
    patch_planned: date
    """Planned public patch date; waves are scheduled back from it."""
    cves: tuple[str, ...] = ()
    """CVE ids, format-checked."""
    cvss: Cvss | None = None
    """Severity, when scored."""
    finder: str = ""
    """Who reported it."""
    patch_actual: TimePoint | None = None
    """When the patch actually shipped, as precisely as it is known (`case publish --at`)."""
    status: CaseStatus = CaseStatus.EMBARGOED
    """Embargoed or published."""
    related: str | None = None
    """The case this one follows from (a bypass of its fix, a variant), by id."""
