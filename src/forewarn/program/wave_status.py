"""What staff ask on day one: who got a case's bundle, who took it, who acknowledged, who to chase.

`wave_status` reads every release row of a case with its delivery facts (one grouped query) and
says per partner where it stands; with `chase_after`, it lists the partners who, that long after
their release, have still not fetched or not acknowledged it. `partner_delivery` is the same
answer for one partner about its own copy only (for a partner-facing page: no other partner is
named or counted); it never hands anything out, `bundle_handover.fetch_bundle` does that and
enforces it.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from forewarn.domain import PartnerStatus, ReleaseState
from forewarn.errors import NotFoundError, ValidationError
from forewarn.program.cases import get_case
from forewarn.program.partners import get_partner
from forewarn.store.schedule_repo import DeliveryRecord, DeliveryRepository


class DeliveryState(enum.StrEnum):
    """Where one partner's copy of a case stands."""

    PLANNED = "planned"
    """Its wave is planned; nothing is sealed yet."""
    PREPARED = "prepared"
    """Sealed and held by the scheduler; not fetchable before its instant."""
    RELEASED = "released"
    """Fetchable; not fetched yet."""
    FETCHED = "fetched"
    """Downloaded; not acknowledged yet."""
    ACKNOWLEDGED = "acknowledged"
    """Downloaded and acknowledged."""
    CANCELLED = "cancelled"
    """Never to be delivered (suspension, or the plan dropped it)."""


@dataclass(frozen=True, slots=True)
class PartnerDelivery:
    """One release row of a case, as staff follow it."""

    partner: str
    """Partner name."""
    tier: str
    """Tier the wave was planned for."""
    release_id: str
    """Release id (`audit prove ID`)."""
    state: DeliveryState
    """Where it stands."""
    available_at: datetime
    """The wave's instant: not fetchable before."""
    released_at: datetime | None
    """When it was made fetchable."""
    fetched_at: datetime | None
    """First download."""
    fetches: int
    """Downloads."""
    acknowledged_at: datetime | None
    """First acknowledgement."""
    release_leaf: int | None
    """Index of the `release` audit leaf."""
    cancel_reason: str | None = None
    """Why it was cancelled."""
    fetchable: bool = False
    """Whether the partner may fetch it at the instant asked about."""


@dataclass(frozen=True, slots=True)
class ChaseEntry:
    """A partner that, long enough after its release, has not fetched or not acknowledged."""

    partner: str
    """Partner name."""
    release_id: str
    """The release."""
    released_at: datetime
    """When it became fetchable."""
    waiting: timedelta
    """How long ago that was."""
    missing: tuple[str, ...]
    """`fetch`, `ack` or both."""


@dataclass(frozen=True, slots=True)
class WaveStatus:
    """A case's deliveries at one instant."""

    case_id: str
    """The case."""
    now: datetime
    """The instant the status is for."""
    partners: tuple[PartnerDelivery, ...]
    """Every release row, by partner then wave time."""
    counts: dict[str, int]
    """Rows per `DeliveryState`."""
    chase_after: timedelta | None
    """The chase threshold asked for."""
    chase: tuple[ChaseEntry, ...]
    """Partners to chase (empty without `chase_after`)."""


def _state(record: DeliveryRecord) -> DeliveryState:
    if record.state is ReleaseState.CANCELLED:
        return DeliveryState.CANCELLED
    if record.state is ReleaseState.PENDING:
        return DeliveryState.PREPARED if record.held else DeliveryState.PLANNED
    if record.acks:
        return DeliveryState.ACKNOWLEDGED
    return DeliveryState.FETCHED if record.fetches else DeliveryState.RELEASED


def _delivery(record: DeliveryRecord, now: datetime) -> PartnerDelivery:
    return PartnerDelivery(
        partner=record.partner,
        tier=record.tier,
        release_id=record.release_id,
        state=_state(record),
        available_at=record.available_at,
        released_at=record.completed_at,
        fetched_at=record.first_fetch,
        fetches=record.fetches,
        acknowledged_at=record.first_ack,
        release_leaf=record.release_leaf,
        cancel_reason=record.cancel_reason,
        fetchable=record.state is ReleaseState.COMPLETE
        and record.available_at <= now
        and record.partner_status == PartnerStatus.ACTIVE.value,
    )


def wave_status(
    session: Session, case_id: str, *, now: datetime, chase_after: timedelta | None = None
) -> WaveStatus:
    """Per partner: released, fetched, acknowledged (with times); who to chase after a while.

    Only active partners are chased: a suspended partner's missing download is not news.
    """
    if now.tzinfo is None:
        raise ValidationError("a time without a zone was given", hint="use UTC")
    if chase_after is not None and chase_after < timedelta(0):
        raise ValidationError("the chase delay cannot be negative")
    get_case(session, case_id)
    records = DeliveryRepository(session).for_case(case_id)
    partners = tuple(_delivery(r, now) for r in records)
    chase: list[ChaseEntry] = []
    if chase_after is not None:
        for record in records:
            released = record.completed_at
            if record.state is not ReleaseState.COMPLETE or released is None:
                continue
            if record.partner_status != PartnerStatus.ACTIVE.value:
                continue
            missing = tuple(
                what for what, n in (("fetch", record.fetches), ("ack", record.acks)) if n == 0
            )
            if missing and now - released >= chase_after:
                chase.append(
                    ChaseEntry(record.partner, record.release_id, released, now - released, missing)
                )
    counts = Counter(p.state.value for p in partners)
    return WaveStatus(
        case_id,
        now,
        partners,
        {s.value: counts.get(s.value, 0) for s in DeliveryState},
        chase_after,
        tuple(chase),
    )


def partner_delivery(
    session: Session, case_id: str, partner: str, *, now: datetime
) -> PartnerDelivery:
    """One partner's own copy of a case: its state, its instant, whether it is fetchable now.

    For a partner-facing view (the countdown to its instant): it says nothing about anyone else.
    A partner with no live row (never planned, or every row cancelled) is `NotFoundError`.
    """
    get_partner(session, partner)
    get_case(session, case_id)
    own = [r for r in DeliveryRepository(session).for_case(case_id) if r.partner == partner]
    live = [r for r in own if r.state is not ReleaseState.CANCELLED]
    if not live:
        raise NotFoundError(f"nothing of {case_id} is planned for {partner!r}")
    return _delivery(live[-1], now)
