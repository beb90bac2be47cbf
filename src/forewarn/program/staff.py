"""Staff accounts: add (TOTP enrolment shown once), list, disable, reset MFA, check sign-ins.

Passwords are hashed with argon2id (`argon2-cffi`'s defaults, RFC 9106's second recommended
set); TOTP (RFC 6238, 30 s, 6 digits, `pyotp`) is required for every account, its secret sealed
with AES-GCM under a key derived from the program key, and a code is accepted once only. Every
change is an audit leaf naming the account and the actor, never a password or a secret.
`check_credentials` raises `AuthenticationError` alike for an unknown name, a wrong password,
a wrong code and a disabled account, so names cannot be probed.

```python
enrolled, entry = add_staff(session, keys, name="ana@program.example", role=StaffRole.ADMIN,
                            password="a long passphrase", now=now, actor="cli")
print(enrolled.otpauth_uri)                          # once: scan it into an authenticator app
verified = check_credentials(session, keys, name, password, pyotp.TOTP(secret).now(), now)
accept_sign_in(session, verified, now)                # the code is spent: it works once
```
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, StaffAccount, StaffRole
from forewarn.domain.validation import require_name
from forewarn.errors import (
    AuthenticationError,
    AuthorizationError,
    ConflictError,
    NotFoundError,
)
from forewarn.program.audit import AuditEntry
from forewarn.program.credentials import (
    REFUSED,
    hash_password,
    new_totp,
    totp_step,
    verify_password,
)
from forewarn.program.keys import ProgramKeys
from forewarn.store.staff_repo import StaffRepository, StoredStaff


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A TOTP secret issued to an account: shown once, then only its sealed form is kept."""

    account: StaffAccount
    """The account."""
    secret: str
    """Base32 TOTP secret, for typing into an authenticator app."""
    otpauth_uri: str
    """The `otpauth://` URI (a QR code of it is what apps scan)."""


def _enrol(keys: ProgramKeys, account: StaffAccount) -> tuple[Enrolment, bytes]:
    secret, uri, sealed = new_totp(keys, account.name)
    return Enrolment(account, secret, uri), sealed


def _entry(action: str, account: str, actor: str, **more: str) -> AuditEntry:
    return AuditEntry(
        LeafKind.STAFF, {"action": action, "account": account, "actor": actor, **more}, account
    )


def add_staff(
    session: Session,
    keys: ProgramKeys,
    *,
    name: str,
    role: StaffRole,
    password: str,
    now: datetime,
    actor: str,
) -> tuple[Enrolment, AuditEntry]:
    """A new account with its TOTP enrolment; the leaf to append."""
    name = require_new_staff(session, name)
    password_hash = hash_password(password)
    repo = StaffRepository(session)
    account = StaffAccount(name=name, role=role, created_at=now, mfa_enrolled_at=now)
    enrolment, sealed = _enrol(keys, account)
    repo.add(account, password_hash=password_hash, totp_sealed=sealed)
    return enrolment, _entry("add", name, actor, role=role.value)


def require_new_staff(session: Session, name: str) -> str:
    """`name`, checked, unless an account has it (`ConflictError`): the CLI asks before it
    prompts for a password, and `add_staff` again in its own transaction."""
    name = require_name(name, "staff name")
    if StaffRepository(session).by_name(name) is not None:
        raise ConflictError(
            f"a staff account {name!r} exists already",
            hint="see `forewarn staff list`; `staff reset-mfa` issues a new TOTP secret",
        )
    return name


def _get(session: Session, name: str) -> StoredStaff:
    found = StaffRepository(session).by_name(name)
    if found is None:
        raise NotFoundError(f"no staff account {name!r}", hint="see `forewarn staff list`")
    return found


def list_staff(session: Session) -> list[StaffAccount]:
    """Every account by name (no secrets)."""
    return StaffRepository(session).all()


def disable_staff(
    session: Session, name: str, *, now: datetime, actor: str, reason: str
) -> tuple[StaffAccount, AuditEntry]:
    """Disable an account at `now` (its sessions end); the leaf to append."""
    reason = require_name(reason, "reason")
    found = _get(session, name)
    if not StaffRepository(session).disable(found.id, now):
        raise ConflictError(f"staff account {name!r} is disabled already")
    return _get(session, name).account, _entry("disable", found.account.name, actor, reason=reason)


def reset_mfa(
    session: Session, keys: ProgramKeys, name: str, *, now: datetime, actor: str
) -> tuple[Enrolment, AuditEntry]:
    """Issue a new TOTP secret (the old one stops working, sessions end); the leaf to append."""
    found = _get(session, name)
    if not found.account.active:
        raise ConflictError(f"staff account {name!r} is disabled")
    enrolment, sealed = _enrol(keys, replace(found.account, mfa_enrolled_at=now))
    StaffRepository(session).set_totp(found.id, sealed, now)
    return enrolment, _entry("reset-mfa", found.account.name, actor)


@dataclass(frozen=True, slots=True)
class Verified:
    """Credentials that checked out, not yet used: `accept_sign_in` spends the code."""

    staff_id: int
    """The account's row id."""
    account: StaffAccount
    """The account."""
    step: int
    """The TOTP time step the code belongs to."""


def check_credentials(
    session: Session, keys: ProgramKeys, name: str, password: str, code: str, now: datetime
) -> Verified:
    """The account if `password` and the TOTP `code` are right at `now` (read-only); raise
    `AuthenticationError` otherwise, alike for every reason."""
    found = StaffRepository(session).by_name(name.strip())
    verify_password(found.password_hash if found else None, password)
    assert found is not None
    if not found.account.active:
        raise AuthenticationError(REFUSED)
    step = totp_step(keys, found.totp_sealed, code, now, after=found.totp_last_step)
    return Verified(found.id, found.account, step)


def accept_sign_in(session: Session, verified: Verified, now: datetime) -> AuditEntry:
    """Spend the code of checked credentials (raise if it was spent meanwhile); the leaf."""
    if not StaffRepository(session).accept_step(verified.staff_id, verified.step, now):
        raise AuthenticationError("this code was used already", hint="wait for the next code")
    return _entry("login", verified.account.name, verified.account.name, channel="portal")


def logout_entry(account: str) -> AuditEntry:
    """The leaf recording a staff sign-out."""
    return _entry("logout", account, account)


def require_role(account: StaffAccount, allowed: frozenset[StaffRole]) -> None:
    """Raise `AuthorizationError` unless the account is active and has one of `allowed`."""
    if not account.active:
        raise AuthorizationError(f"staff account {account.name!r} is disabled")
    if account.role not in allowed:
        names = ", ".join(sorted(r.value for r in allowed))
        raise AuthorizationError(f"this page is for {names}; you are {account.role.value}")
