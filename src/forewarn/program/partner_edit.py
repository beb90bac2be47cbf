"""Editing a partner's record: contacts, tier, country, age key, NDA dates.

`plan_edit` works out, without writing, what an edit changes (each field checked as `partner
add` checks it, through `partners.validate_partner`); `edit_partner` applies it in the caller's
transaction: the fields, one `PartnerChange` per field in the partner's record (never
rewritten), one `partner-change` audit leaf, and, when the age key changes, every stored bundle
of the partner re-sealed to the new key. Bundles are deterministic (the marks derive from the
program key), so each is rebuilt from the originals, checked against the hash its release leaf
recorded, and encrypted again: after a rotation nothing stored opens with the old key, and a
bundle not fetched yet reaches the partner under its new one.

A status is not an edit (`suspend`, `reinstate`, `remove` keep their own history); a removed
partner's record is closed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, Partner, PartnerChange, PartnerStatus
from forewarn.domain.validation import require_name
from forewarn.errors import ConflictError, NotFoundError, ValidationError
from forewarn.program.audit import append_audit
from forewarn.program.bundles import seal
from forewarn.program.keys import ProgramKeys
from forewarn.program.partners import get_partner, validate_partner
from forewarn.program.regenerate import regenerate_bundle
from forewarn.store import PartnerRepository
from forewarn.store.release_repo import ReleaseRepository

NONE = "(none)"
"""How an unset value is written in a change record."""

EDITABLE = ("country", "tier", "emails", "age_recipient", "nda_date", "nda_expires")
"""The fields `partner edit` and `partner import` may change, in the order they are recorded."""


@dataclass(frozen=True, slots=True)
class PartnerEdit:
    """What to change; `None` leaves a field as it is."""

    country: str | None = None
    """New ISO 3166-1 alpha-2 country."""
    tier: str | None = None
    """New tier name."""
    emails: tuple[str, ...] | None = None
    """The new list of contact addresses (replaces the old one)."""
    age_recipient: str | None = None
    """The new `age1…` key (a rotation)."""
    nda_date: date | None = None
    """New NDA signature date."""
    nda_expires: date | None = None
    """New last day the NDA covers."""


@dataclass(frozen=True, slots=True)
class EditResult:
    """What an edit did."""

    partner: Partner
    """The partner after the edit."""
    changes: tuple[PartnerChange, ...]
    """One entry per field changed (empty: nothing to change)."""
    resealed: tuple[str, ...] = ()
    """Release ids whose stored bundle was re-sealed to the new age key."""
    unfetched: tuple[str, ...] = ()
    """Of those, the ones the partner had not fetched yet."""


def _words(value: object) -> str:
    if value is None or value == ():
        return NONE
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def plan_edit(
    session: Session, partner: Partner, edit: PartnerEdit, *, reason: str, now: datetime
) -> tuple[Partner, tuple[PartnerChange, ...]]:
    """The partner as the edit would leave it, checked, and the changes; nothing is written."""
    if partner.status is PartnerStatus.REMOVED:
        raise ConflictError(f"partner {partner.name!r} was removed; its record is closed")
    wanted = {f: getattr(edit, f) for f in EDITABLE if getattr(edit, f) is not None}
    edited = validate_partner(session, dataclasses.replace(partner, **wanted))
    changes = tuple(
        PartnerChange(
            at=now,
            field=f,
            before=_words(getattr(partner, f)),
            after=_words(getattr(edited, f)),
            reason=reason,
        )
        for f in EDITABLE
        if getattr(partner, f) != getattr(edited, f)
    )
    if changes and partner.changes and now < partner.changes[-1].at:
        raise ValidationError(
            f"{now.isoformat()} is before the partner's last edit",
            hint="history is never rewritten",
        )
    return edited, changes


def _reseal(
    session: Session, keys: ProgramKeys, partner: str, recipient: str
) -> tuple[list[str], list[str]]:
    partners, releases = PartnerRepository(session), ReleaseRepository(session)
    partner_id = partners.id_of(partner)
    if partner_id is None:
        raise NotFoundError(f"unknown partner {partner!r}")
    resealed, unfetched = [], []
    for release in releases.for_partner(partner_id):
        if releases.sealed_bundle(release.id) is None:
            continue
        _, bundle = regenerate_bundle(session, keys, release.id)
        sealed = seal(bundle, recipient)
        releases.reseal(release.id, sealed, hashlib.sha256(sealed).hexdigest())
        resealed.append(release.id)
        if not releases.fetched(release.id):
            unfetched.append(release.id)
    return resealed, unfetched


def apply_edit(
    session: Session,
    keys: ProgramKeys,
    edited: Partner,
    changes: Sequence[PartnerChange],
    *,
    reason: str,
    now: datetime,
) -> EditResult:
    """Write a planned edit with its record, its audit leaf and any re-sealing."""
    if not changes:
        return EditResult(edited, ())
    partner = PartnerRepository(session).update(edited, list(changes))
    resealed: list[str] = []
    unfetched: list[str] = []
    if any(c.field == "age_recipient" for c in changes) and partner.age_recipient:
        resealed, unfetched = _reseal(session, keys, partner.name, partner.age_recipient)
    append_audit(
        session,
        LeafKind.PARTNER_CHANGE,
        {
            "partner": partner.name,
            "reason": reason,
            "changes": [{"field": c.field, "before": c.before, "after": c.after} for c in changes],
            "resealed": resealed,
        },
        now,
        keys=keys,
        subject=partner.name,
    )
    return EditResult(partner, tuple(changes), tuple(resealed), tuple(unfetched))


def edit_partner(
    session: Session,
    keys: ProgramKeys,
    name: str,
    edit: PartnerEdit,
    *,
    reason: str,
    now: datetime,
) -> EditResult:
    """Change a partner's record (see the module docstring); nothing to change is no error."""
    if now.tzinfo is None:
        raise ValidationError("a time without a zone was given", hint="use UTC")
    reason = require_name(reason, "reason")
    partner = get_partner(session, name)
    edited, changes = plan_edit(session, partner, edit, reason=reason, now=now)
    return apply_edit(session, keys, edited, changes, reason=reason, now=now)
