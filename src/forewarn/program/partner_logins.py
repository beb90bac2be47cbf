"""A partner's optional portal password with TOTP: set (the secret shown once), remove, check.

A partner always signs in to the portal with its API token; the program may also give it a
password and a TOTP secret (`forewarn partner portal-login set`), under the same rules as staff
(`program.credentials`): argon2id, a sealed secret, a code accepted once. The login name is the
partner's name; failures are refused alike whatever the reason, and a partner not active is
refused as well. Setting and removing are `api-token` leaves (the credential kind, never a
password or a secret).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, Partner, PartnerStatus
from forewarn.errors import AuthenticationError, ConflictError
from forewarn.program.audit import AuditEntry
from forewarn.program.credentials import (
    REFUSED,
    hash_password,
    new_totp,
    totp_step,
    verify_password,
)
from forewarn.program.keys import ProgramKeys
from forewarn.program.partners import get_partner
from forewarn.store import PartnerRepository
from forewarn.store.staff_repo import StaffRepository


@dataclass(frozen=True, slots=True)
class PartnerEnrolment:
    """A partner's new portal login: shown once."""

    partner: str
    """The partner (its name is the login name)."""
    totp_secret: str
    """Base32 TOTP secret for its authenticator app."""
    otpauth_uri: str
    """The `otpauth://` URI of the secret."""


@dataclass(frozen=True, slots=True)
class VerifiedPartner:
    """A partner whose password and code checked out, the code not yet spent."""

    partner_id: int
    """Row id."""
    partner: Partner
    """The partner, active."""
    step: int
    """The code's TOTP step."""


def _entry(action: str, partner: str, actor: str) -> AuditEntry:
    payload = {
        "action": action,
        "credential": "portal-password",
        "partner": partner,
        "actor": actor,
    }
    return AuditEntry(LeafKind.API_TOKEN, payload, partner)


def partner_for_login(session: Session, partner: str) -> Partner:
    """The partner, if it may be given a portal password (it exists and is active): checked
    again by `set_login`, and by the CLI before it asks anyone to type a password."""
    found = get_partner(session, partner)
    if found.status is not PartnerStatus.ACTIVE:
        raise ConflictError(f"partner {found.name!r} is {found.status.value}; no login is set")
    return found


def set_login(
    session: Session, keys: ProgramKeys, partner: str, *, password: str, now: datetime, actor: str
) -> tuple[PartnerEnrolment, AuditEntry]:
    """Give an active partner a portal password and a new TOTP secret (replacing any)."""
    found = partner_for_login(session, partner)
    password_hash = hash_password(password)
    partner_id = PartnerRepository(session).id_of(found.name)
    assert partner_id is not None
    secret, uri, sealed = new_totp(keys, found.name)
    StaffRepository(session).set_partner_login(
        partner_id, password_hash=password_hash, totp_sealed=sealed, at=now
    )
    return PartnerEnrolment(found.name, secret, uri), _entry("set", found.name, actor)


def remove_login(
    session: Session, partner: str, *, now: datetime, actor: str
) -> tuple[str, AuditEntry]:
    """Take a partner's portal password away (token sign-in stays)."""
    found = get_partner(session, partner)
    partner_id = PartnerRepository(session).id_of(found.name)
    assert partner_id is not None
    if not StaffRepository(session).remove_partner_login(partner_id, now):
        raise ConflictError(f"partner {found.name!r} has no portal password")
    return found.name, _entry("remove", found.name, actor)


def check_login(
    session: Session, keys: ProgramKeys, name: str, password: str, code: str, now: datetime
) -> VerifiedPartner:
    """The partner if its password and code are right at `now` (read-only); raise otherwise."""
    repo = PartnerRepository(session)
    found = repo.get(name.strip())
    partner_id = repo.id_of(found.name) if found is not None else None
    stored = StaffRepository(session).partner_login(partner_id) if partner_id else None
    verify_password(stored[0] if stored else None, password)
    assert found is not None and partner_id is not None and stored is not None
    if found.status is not PartnerStatus.ACTIVE:
        raise AuthenticationError(REFUSED)
    step = totp_step(keys, stored[1], code, now, after=stored[2])
    return VerifiedPartner(partner_id, found, step)


def accept_login(session: Session, verified: VerifiedPartner) -> None:
    """Spend the code of a checked login (raise if it was spent meanwhile)."""
    if not StaffRepository(session).accept_partner_step(verified.partner_id, verified.step):
        raise AuthenticationError("this code was used already", hint="wait for the next code")
