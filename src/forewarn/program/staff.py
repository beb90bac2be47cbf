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

import os
from dataclasses import dataclass, replace
from datetime import datetime

import argon2
import pyotp
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, StaffAccount, StaffRole
from forewarn.domain.validation import require_name
from forewarn.errors import (
    AuthenticationError,
    AuthorizationError,
    ConflictError,
    IntegrityError,
    NotFoundError,
    ValidationError,
)
from forewarn.program.audit import AuditEntry
from forewarn.program.keys import ProgramKeys
from forewarn.store.staff_repo import StaffRepository, StoredStaff

MIN_PASSWORD_CHARS = 12
"""Shortest staff password accepted (NIST SP 800-63B asks for at least 8; staff hold the key
to every partner's copy)."""

MAX_PASSWORD_CHARS = 256
"""Longest password accepted (argon2 hashes anything, but a request is bounded)."""

TOTP_ISSUER = "forewarn"
"""Issuer shown by authenticator apps."""

TOTP_WINDOW = 1
"""Time steps of clock drift allowed either side."""

_HASHER = argon2.PasswordHasher()
_SEAL_PURPOSE = "staff/totp-secret"
# a hash to check against when the name is unknown, so a miss costs as much as a hit
_DUMMY_HASH = _HASHER.hash("forewarn-no-such-account")


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A TOTP secret issued to an account: shown once, then only its sealed form is kept."""

    account: StaffAccount
    """The account."""
    secret: str
    """Base32 TOTP secret, for typing into an authenticator app."""
    otpauth_uri: str
    """The `otpauth://` URI (a QR code of it is what apps scan)."""


def _seal(keys: ProgramKeys, secret: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(keys.derive(_SEAL_PURPOSE)).encrypt(nonce, secret.encode(), b"totp")


def _unseal(keys: ProgramKeys, sealed: bytes) -> str:
    try:
        plain = AESGCM(keys.derive(_SEAL_PURPOSE)).decrypt(sealed[:12], sealed[12:], b"totp")
    except Exception as exc:  # cryptography raises InvalidTag
        raise IntegrityError("a staff TOTP secret does not decrypt with this program key") from exc
    return plain.decode()


def _enrol(keys: ProgramKeys, account: StaffAccount) -> tuple[Enrolment, bytes]:
    secret = pyotp.random_base32(32)
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.name, issuer_name=TOTP_ISSUER)
    return Enrolment(account, secret, uri), _seal(keys, secret)


def _entry(action: str, account: str, actor: str, **more: str) -> AuditEntry:
    return AuditEntry(
        LeafKind.STAFF, {"action": action, "account": account, "actor": actor, **more}, account
    )


def check_password_rules(password: str) -> None:
    """Raise `ValidationError` unless `password` may be a staff password."""
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise ValidationError(
            f"a staff password has {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
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
    name = require_name(name, "staff name")
    check_password_rules(password)
    repo = StaffRepository(session)
    if repo.by_name(name) is not None:
        raise ConflictError(f"a staff account {name!r} exists already")
    account = StaffAccount(name=name, role=role, created_at=now, mfa_enrolled_at=now)
    enrolment, sealed = _enrol(keys, account)
    repo.add(account, password_hash=_HASHER.hash(password), totp_sealed=sealed)
    return enrolment, _entry("add", name, actor, role=role.value)


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
    refused = AuthenticationError("wrong name, password or code")
    found = StaffRepository(session).by_name(name.strip())
    try:
        _HASHER.verify(found.password_hash if found else _DUMMY_HASH, password[:MAX_PASSWORD_CHARS])
    except argon2.exceptions.VerificationError:
        raise refused from None
    except argon2.exceptions.InvalidHashError as exc:
        raise IntegrityError("a stored staff password hash is malformed") from exc
    if found is None or not found.account.active:
        raise refused
    step = _matching_step(pyotp.TOTP(_unseal(keys, found.totp_sealed)), code.strip(), now)
    if step is None or step <= found.totp_last_step:
        raise refused
    return Verified(found.id, found.account, step)


def accept_sign_in(session: Session, verified: Verified, now: datetime) -> AuditEntry:
    """Spend the code of checked credentials (raise if it was spent meanwhile); the leaf."""
    if not StaffRepository(session).accept_step(verified.staff_id, verified.step, now):
        raise AuthenticationError("this code was used already", hint="wait for the next code")
    return _entry("login", verified.account.name, verified.account.name, channel="portal")


def _matching_step(totp: pyotp.TOTP, code: str, now: datetime) -> int | None:
    if not (len(code) == totp.digits and code.isdigit()):
        return None
    step = totp.timecode(now)
    for candidate in range(step - TOTP_WINDOW, step + TOTP_WINDOW + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            return candidate
    return None


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
