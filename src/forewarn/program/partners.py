"""Partner use cases: add, list, show, suspend, reinstate, remove.

A partner's status changes are appended to its history with a time and a reason and never
rewritten: `removed` is final, and a change cannot be dated before the previous one. Suspending
or removing a partner also cancels its pending releases and writes the `suspension` audit leaf
(and one `release-cancelled` leaf per release), in the same transaction: the rule lives here,
so every caller, the CLI or any other, gets it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, Partner, PartnerStatus, ReleaseState, StatusChange
from forewarn.domain.identities import normal_form, normal_name, skeleton
from forewarn.domain.validation import (
    require_name,
    validate_age_recipient,
    validate_country,
    validate_email,
)
from forewarn.errors import ConflictError, NotFoundError, ValidationError
from forewarn.program.audit import append_audit
from forewarn.program.keys import ProgramKeys
from forewarn.program.tiers import get_tier
from forewarn.store import PartnerRepository
from forewarn.store.release_repo import ReleaseRepository

JOINED_REASON = "joined the program"
"""Reason recorded for a new partner's first history entry."""

_ALLOWED: dict[PartnerStatus, frozenset[PartnerStatus]] = {
    PartnerStatus.ACTIVE: frozenset({PartnerStatus.SUSPENDED, PartnerStatus.REMOVED}),
    PartnerStatus.SUSPENDED: frozenset({PartnerStatus.ACTIVE, PartnerStatus.REMOVED}),
    PartnerStatus.REMOVED: frozenset(),
}


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValidationError("a time without a zone was given", hint="use UTC")


def validate_partner(session: Session, partner: Partner) -> Partner:
    """Check every field of a complete partner record and return it in canonical form."""
    get_tier(session, partner.tier)
    if not partner.history:
        raise ValidationError(f"partner {partner.name!r} has no status history")
    for change in partner.history:
        _require_aware(change.at)
        require_name(change.reason, "reason")
    if partner.nda_date and partner.nda_expires and partner.nda_expires < partner.nda_date:
        raise ValidationError(f"partner {partner.name!r}: the NDA expires before it was signed")
    for edit in partner.changes:
        _require_aware(edit.at)
        require_name(edit.field, "changed field")
        require_name(edit.reason, "reason")
    for earlier, later in zip(partner.history, partner.history[1:], strict=False):
        if later.at < earlier.at:
            raise ValidationError(f"partner {partner.name!r} has a history out of order")
        if later.status not in _ALLOWED[earlier.status]:
            raise ValidationError(
                f"partner {partner.name!r} cannot go from {earlier.status} to {later.status}"
            )
    return Partner(
        name=normal_name(require_name(partner.name, "partner name")),
        country=validate_country(partner.country),
        tier=partner.tier,
        emails=tuple(validate_email(email) for email in partner.emails),
        age_recipient=(
            None if partner.age_recipient is None else validate_age_recipient(partner.age_recipient)
        ),
        nda_date=partner.nda_date,
        nda_expires=partner.nda_expires,
        status=partner.history[-1].status,
        history=tuple(
            StatusChange(at=c.at, status=c.status, reason=c.reason.strip()) for c in partner.history
        ),
        changes=partner.changes,
    )


def save_partner(session: Session, partner: Partner) -> Partner:
    """Store a complete partner record (history included), e.g. from a program file."""
    checked = validate_partner(session, partner)
    repo = PartnerRepository(session)
    if repo.id_of(checked.name) is not None:
        raise ConflictError(f"partner {checked.name!r} exists already")
    _refuse_lookalike(checked.name, repo.names())
    return repo.add(checked)


def _refuse_lookalike(name: str, existing: Sequence[str]) -> None:
    """A name that reads like an existing partner's would let a report name the wrong one."""
    wanted = skeleton(name)
    for other in existing:
        if skeleton(other) == wanted:
            raise ConflictError(
                f"partner name {name!r} looks like the existing partner {other!r}",
                hint="partners must be told apart at a glance; choose a distinct name",
            )


def add_partner(
    session: Session,
    keys: ProgramKeys,
    *,
    name: str,
    country: str,
    tier: str,
    now: datetime,
    emails: Sequence[str] = (),
    age_recipient: str | None = None,
    nda_date: date | None = None,
    nda_expires: date | None = None,
) -> Partner:
    """Add an active partner; its history starts with `joined the program` at `now`."""
    _require_aware(now)
    partner = Partner(
        name=name,
        country=country,
        tier=tier,
        emails=tuple(emails),
        age_recipient=age_recipient,
        nda_date=nda_date,
        nda_expires=nda_expires,
        history=(StatusChange(at=now, status=PartnerStatus.ACTIVE, reason=JOINED_REASON),),
    )
    saved = save_partner(session, partner)
    log_partner_added(session, keys, saved, now)
    return saved


def log_partner_added(session: Session, keys: ProgramKeys, partner: Partner, now: datetime) -> None:
    """The `partner-added` leaf (its state — tier, key, status — is added by the log)."""
    payload = {"partner": partner.name, "tier": partner.tier, "country": partner.country}
    append_audit(session, LeafKind.PARTNER_ADDED, payload, now, keys=keys, subject=partner.name)


def get_partner(session: Session, name: str) -> Partner:
    """One partner, or `NotFoundError`."""
    partner = PartnerRepository(session).get(normal_form(name))
    if partner is None:
        raise NotFoundError(f"unknown partner {name!r}", hint="see `forewarn partner list`")
    return partner


def list_partners(session: Session, *, status: PartnerStatus | None = None) -> list[Partner]:
    """Partners in the order they joined, optionally filtered by status."""
    return PartnerRepository(session).all(status)


def change_status(
    session: Session, name: str, status: PartnerStatus, *, reason: str, now: datetime
) -> Partner:
    """Append a status change after checking it is allowed and not back-dated."""
    _require_aware(now)
    reason = require_name(reason, "reason")
    partner = get_partner(session, name)
    if status not in _ALLOWED[partner.status]:
        raise ConflictError(f"partner {name!r} is {partner.status}; it cannot become {status}")
    if partner.history and now < partner.history[-1].at:
        raise ValidationError(
            f"{now.isoformat()} is before the partner's last status change",
            hint="history is never rewritten",
        )
    return PartnerRepository(session).append_status(
        name, StatusChange(at=now, status=status, reason=reason)
    )


def _cancel_pending(
    session: Session, keys: ProgramKeys, partner: Partner, *, reason: str, now: datetime
) -> list[str]:
    """After a suspension or removal: cancel the partner's pending releases and log it all."""
    partner_id = PartnerRepository(session).id_of(partner.name)
    if partner_id is None:
        raise NotFoundError(f"unknown partner {partner.name!r}")
    status = partner.status.value
    repo = ReleaseRepository(session)
    cancelled = [
        r.id
        for r in repo.for_partner(partner_id, ReleaseState.PENDING)
        if repo.cancel(r.id, reason=f"partner {status}: {reason}", now=now)
    ]
    kind = LeafKind.REMOVAL if partner.status is PartnerStatus.REMOVED else LeafKind.SUSPENSION
    append_audit(
        session,
        kind,
        {"partner": partner.name, "status": status, "reason": reason, "cancelled": cancelled},
        now,
        keys=keys,
        subject=partner.name,
    )
    for release_id in cancelled:
        append_audit(
            session,
            LeafKind.RELEASE_CANCELLED,
            {"release_id": release_id, "partner": partner.name, "reason": f"partner {status}"},
            now,
            keys=keys,
            subject=release_id,
        )
    return cancelled


def _stop_sending(
    session: Session,
    keys: ProgramKeys,
    name: str,
    status: PartnerStatus,
    *,
    reason: str,
    now: datetime,
) -> Partner:
    partner = change_status(session, name, status, reason=reason, now=now)
    _cancel_pending(session, keys, partner, reason=partner.history[-1].reason, now=now)
    return partner


def suspend_partner(
    session: Session, keys: ProgramKeys, name: str, *, reason: str, now: datetime
) -> Partner:
    """Stop sending anything to a partner until reinstated; pending releases are cancelled."""
    return _stop_sending(session, keys, name, PartnerStatus.SUSPENDED, reason=reason, now=now)


def reinstate_partner(
    session: Session, keys: ProgramKeys, name: str, *, reason: str, now: datetime
) -> Partner:
    """Make a suspended partner active again (its next waves are planned as usual), logged."""
    partner = change_status(session, name, PartnerStatus.ACTIVE, reason=reason, now=now)
    payload = {"partner": partner.name, "status": partner.status.value, "reason": reason}
    append_audit(session, LeafKind.REINSTATEMENT, payload, now, keys=keys, subject=partner.name)
    return partner


def remove_partner(
    session: Session, keys: ProgramKeys, name: str, *, reason: str, now: datetime
) -> Partner:
    """Remove a partner for good; pending releases are cancelled, its records stay."""
    return _stop_sending(session, keys, name, PartnerStatus.REMOVED, reason=reason, now=now)


class StatusAction(Protocol):
    """Signature shared by `suspend_partner`, `reinstate_partner` and `remove_partner`."""

    def __call__(
        self, session: Session, keys: ProgramKeys, name: str, *, reason: str, now: datetime
    ) -> Partner: ...
