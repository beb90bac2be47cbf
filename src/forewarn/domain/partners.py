"""Partners of the program and the tiers that order them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from forewarn.domain.artifacts import ArtifactKind


@dataclass(frozen=True, slots=True)
class Tier:
    """A level of trust; a higher `rank` learns more, earlier."""

    name: str
    """Short slug such as `early-access`, unique in the program."""
    rank: int
    """Order of trust: the highest rank is the most trusted tier."""
    lead_time: timedelta = timedelta(days=1)
    """How long before the planned patch date this tier is notified."""
    artifact_kinds: frozenset[ArtifactKind] = frozenset(
        {ArtifactKind.ADVISORY, ArtifactKind.DETECTION}
    )
    """The kinds of artifact this tier may receive."""


class PartnerStatus(enum.StrEnum):
    """Where a partner stands; only `active` partners receive anything."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One dated, reasoned entry of a partner's status history; never rewritten."""

    at: datetime
    """When the change took effect (UTC)."""
    status: PartnerStatus
    """The status from then on."""
    reason: str
    """Why, in the words of the person who decided."""


@dataclass(frozen=True, slots=True)
class Partner:
    """A vetted organisation that receives embargoed material."""

    name: str
    """Unique display name."""
    country: str
    """ISO 3166-1 alpha-2 code, upper case."""
    tier: str
    """Name of the partner's `Tier`."""
    emails: tuple[str, ...] = ()
    """PSIRT contact addresses."""
    age_recipient: str | None = None
    """The partner's `age1…` public key; without one nothing can be sent to them."""
    nda_date: date | None = None
    """When the partner signed the non-disclosure agreement."""
    nda_expires: date | None = None
    """The last day the non-disclosure agreement covers; `None` when it does not lapse."""
    status: PartnerStatus = PartnerStatus.ACTIVE
    """Current status, the last entry of `history`."""
    history: tuple[StatusChange, ...] = field(default_factory=tuple)
    """Every status change, oldest first."""
    changes: tuple[PartnerChange, ...] = field(default_factory=tuple)
    """Every edit of its record (`partner edit`, `partner import`), oldest first."""


@dataclass(frozen=True, slots=True)
class PartnerChange:
    """One edit of a partner's record: which field, from what to what, when and why."""

    at: datetime
    """When the edit was made (UTC)."""
    field: str
    """The field changed: `emails`, `tier`, `country`, `age_recipient`, `nda_date`, …"""
    before: str
    """The old value in words (`(none)` when unset)."""
    after: str
    """The new value in words."""
    reason: str
    """Why, in the words of the person who edited."""
