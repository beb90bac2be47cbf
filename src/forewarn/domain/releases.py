"""Waves and releases: who receives which artifacts, and when."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ReleaseState(enum.StrEnum):
    """Lifecycle of one partner's copy of one case; the values are stored as they are."""

    PENDING = "pending"
    """Planned by a wave, not delivered yet."""
    COMPLETE = "complete"
    """Delivered: its bundle, items and audit leaf were stored in one transaction."""
    CANCELLED = "cancelled"
    """Never to be delivered: the partner was suspended or the plan dropped it."""


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A partner left out of a wave, with the reason shown to the PSIRT."""

    partner: str
    """Partner name."""
    reason: str
    """Why, in one line (suspended, no key, country rule, …)."""


@dataclass(frozen=True, slots=True)
class Wave:
    """One tier's notice for a case: when, to whom, with what."""

    case_id: str
    """The case."""
    tier: str
    """The tier notified in this wave."""
    at: datetime
    """Release time (UTC)."""
    partners: tuple[str, ...]
    """Eligible partners, by name."""
    artifacts: dict[str, tuple[str, ...]]
    """Per partner, the artifact names they receive (policy may withhold a PoC)."""
    excluded: tuple[Exclusion, ...] = ()
    """Partners of this tier left out, with reasons."""
    adjusted: tuple[Exclusion, ...] = ()
    """Partners included with less (an artifact withheld, notice delayed), with reasons."""


@dataclass(frozen=True, slots=True)
class ReleasedArtifact:
    """One artifact as given to one partner: the marked copy's hash."""

    name: str
    """Artifact name within the case."""
    kind: str
    """Artifact kind."""
    sha256: str
    """Hex SHA-256 of the partner's marked copy."""


@dataclass(frozen=True, slots=True)
class Release:
    """What one partner was given for one case, recorded so it can be regenerated."""

    id: str
    """Release id, unique in the program."""
    case_id: str
    """The case."""
    partner: str
    """The partner."""
    available_at: datetime
    """When the partner may fetch it (the wave time)."""
    embargo_end: datetime
    """When the material becomes public (planned patch date)."""
    artifacts: tuple[ReleasedArtifact, ...]
    """The marked copies in the bundle."""
    tier: str = ""
    """The partner's tier when the wave was planned (empty when unknown, as in a bundle)."""
    released_at: datetime | None = None
    """When it was actually delivered (its `release` audit leaf); `None` when not known. A wave
    released late makes its copies available then, not at the wave time."""

    @property
    def exposed_from(self) -> datetime:
        """The first moment the partner could hold it: the wave time, or the delivery if later."""
        if self.released_at is None:
            return self.available_at
        return max(self.available_at, self.released_at)
