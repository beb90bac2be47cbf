"""Records of exposure: who held what of a case, since when, and what they fetched."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Fetch:
    """One download of a partner's bundle, as the audit log recorded it."""

    release_id: str
    """The release fetched."""
    partner: str
    """Who fetched it."""
    at: datetime
    """When (UTC)."""


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """A partner acknowledged its bundle, as the audit log recorded it."""

    release_id: str
    """The release acknowledged."""
    partner: str
    """Who acknowledged it."""
    at: datetime
    """When (UTC)."""


class PartyRole(enum.StrEnum):
    """Who a party is to the case; each role has its own way of being exposed."""

    PARTNER = "partner"
    FINDER = "finder"
    VENDOR = "vendor"


@dataclass(frozen=True, slots=True)
class ExposureEntry:
    """One party holding one artifact (or knowledge of the flaw) from some moment on."""

    party: str
    """Partner name, the finder's name, or the vendor."""
    role: PartyRole
    """Partner, finder or vendor."""
    artifact: str
    """Artifact name, or `FLAW` for knowing the vulnerability without a shared file."""
    since: datetime
    """Earliest moment the exposure may have started (start of the time's precision)."""
    certain_from: datetime
    """Moment by which the exposure had surely started (end of the time's precision)."""
    basis: str
    """How we know: `released`, `fetched`, `discovered`, `reported`."""


@dataclass(frozen=True, slots=True)
class ExposureGroup:
    """Partners given the same artifacts at the same moment: one wave, or one policy subset of it.

    Leaks are weighed per group, so "a leak from the early-access wave" and "a leak from the
    last wave" are separate explanations, each with its own exposure window.
    """

    label: str
    """For people: `early-access wave of 2021-02-23 09:00 UTC`, `… without poc.py`."""
    tier: str
    """The partners' tier when the wave was planned (empty when unknown)."""
    released_at: datetime
    """The real release instant: the group may hold its material from then on (the earliest
    delivery of its releases, `Release.exposed_from`; the wave time when deliveries are unknown)."""
    wave_at: datetime
    """The wave's planned instant (`Release.available_at`), which names the group."""
    partners: tuple[str, ...]
    """Its partners, sorted."""
    artifacts: tuple[str, ...]
    """The artifacts each of them was given, sorted."""
    fetches: tuple[Fetch, ...] = ()
    """Downloads of its releases, from the audit log, oldest first."""
