"""Portal sign-in: throttles with exponential lock-out, and server-side sessions with CSRF tokens.

A session id is 32 random bytes handed to the browser once (in a cookie) and stored as its
SHA-256; each session has its own CSRF token, which every form carries and every POST must
send back. A session ends after `IDLE` without a request, `ABSOLUTE` after it was opened, at
sign-out, and when its staff account is disabled or its partner token revoked.

Failed sign-ins are counted per account name and per client address in the database (so they
survive a restart and hold across workers): past `FREE_FAILURES` (per name) or
`FREE_ADDRESS_FAILURES` (per address) each further failure locks the key out for twice as long
as the last, from `FIRST_LOCK` up to `MAX_LOCK`. A success clears the name's count, never the
address's (a valid account must not launder an address's guesses).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from forewarn.domain import ALL_SCOPES, ApiScope, Partner, PartnerStatus, StaffAccount
from forewarn.errors import AuthenticationError, AuthorizationError
from forewarn.program.api_tokens import authenticate_token_id
from forewarn.program.partners import get_partner
from forewarn.store.staff_repo import StaffRepository, StoredSession

__all__ = ["SignedIn", "StoredSession", "signed_in"]

IDLE = timedelta(minutes=30)
"""A session unused this long ends."""

ABSOLUTE = timedelta(hours=12)
"""No session lives longer than this."""

FREE_FAILURES = 5
"""Failed sign-ins of one name before lock-outs begin."""

FREE_ADDRESS_FAILURES = 30
"""Failed sign-ins from one client address before lock-outs begin."""

FIRST_LOCK = timedelta(seconds=30)
"""The first lock-out; each further failure doubles it."""

MAX_LOCK = timedelta(hours=1)
"""The longest lock-out."""

SESSION_BYTES = 32
"""Random bytes in a session id and in a CSRF token."""


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def throttle_keys(name: str, address: str) -> tuple[str, str]:
    """The throttle keys of a sign-in attempt: the name's and the address's."""
    return f"account:{name.strip().lower()[:200]}", f"address:{address}"


def require_not_locked(session: Session, keys: tuple[str, ...], now: datetime) -> None:
    """Raise `AuthenticationError` while any of `keys` is locked out."""
    repo = StaffRepository(session)
    for key in keys:
        _, until = repo.throttle(key)
        if until is not None and until > now:
            wait = int((until - now).total_seconds()) + 1
            raise AuthenticationError(
                "too many failed sign-ins", hint=f"try again in {wait} seconds"
            )


def lock_for(failures: int, free: int) -> timedelta | None:
    """How long the `failures`-th failure locks its key out (`None`: not yet)."""
    over = failures - free
    if over <= 0:
        return None
    lock: timedelta = FIRST_LOCK * 2 ** min(over - 1, 20)
    return min(lock, MAX_LOCK)


def record_failure(
    session: Session, now: datetime, *, address_key: str, account_key: str | None = None
) -> None:
    """Count a failed sign-in against the address, and the account name when there is one
    (a partner token names none)."""
    repo = StaffRepository(session)
    counted = [(address_key, FREE_ADDRESS_FAILURES)]
    if account_key is not None:
        counted.append((account_key, FREE_FAILURES))
    for key, free in counted:
        failures = repo.throttle(key)[0] + 1
        lock = lock_for(failures, free)
        repo.set_throttle(key, failures, None if lock is None else now + lock)


def record_success(session: Session, account_key: str) -> None:
    """Clear the name's failures after a successful sign-in."""
    StaffRepository(session).set_throttle(account_key, 0, None)


def open_session(
    session: Session,
    *,
    now: datetime,
    staff_id: int | None = None,
    token_id: str | None = None,
    partner_id: int | None = None,
) -> tuple[str, StoredSession]:
    """A new session for a staff account, a partner token or a partner's password sign-in:
    its raw id (for the cookie, never stored) and its record."""
    if [staff_id, token_id, partner_id].count(None) != 2:
        raise ValueError("a session is for one staff account, partner token or partner")
    raw = secrets.token_urlsafe(SESSION_BYTES)
    stored = StoredSession(
        kind="staff" if staff_id is not None else "partner",
        staff_id=staff_id,
        token_id=token_id,
        csrf_token=secrets.token_urlsafe(SESSION_BYTES),
        created_at=now,
        last_seen_at=now,
        ended_at=None,
        partner_id=partner_id,
    )
    StaffRepository(session).add_session(_digest(raw), stored)
    return raw, stored


def resume_session(session: Session, raw: str, now: datetime) -> StoredSession:
    """The open session behind a cookie, its last request moved to `now`; raise
    `AuthenticationError` for an unknown, ended, idle or too old one."""
    repo = StaffRepository(session)
    key = _digest(raw)
    found = repo.session(key) if raw else None
    if found is None or found.ended_at is not None:
        raise AuthenticationError("you are not signed in", hint="sign in again")
    if now - found.last_seen_at > IDLE or now - found.created_at > ABSOLUTE:
        repo.end_session(key, now)
        raise AuthenticationError("your session has expired", hint="sign in again")
    repo.touch_session(key, now)
    return found


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who an open session is for: a staff account, or a partner (by token or password)."""

    session: StoredSession
    """The session, resumed."""
    staff: StaffAccount | None = None
    """The staff account, for a staff session."""
    partner: Partner | None = None
    """The partner, active, for a partner session."""
    scopes: frozenset[ApiScope] = frozenset()
    """What a partner session may do: its token's scopes, or all of them after a password
    and TOTP sign-in."""

    def require(self, scope: ApiScope) -> None:
        """Raise `AuthorizationError` unless this partner session may use `scope`."""
        if self.partner is None or scope not in self.scopes:
            raise AuthorizationError(f"this sign-in does not carry the scope {scope.value}")


def signed_in(session: Session, raw: str, now: datetime) -> SignedIn:
    """Resume the session behind a cookie and check its account, token or partner is still
    good: a disabled account, a revoked or expired token, a removed login or a suspended partner
    ends it (`AuthenticationError`, or `AuthorizationError` for a suspended partner)."""
    stored = resume_session(session, raw, now)
    repo = StaffRepository(session)
    if stored.staff_id is not None:
        found = repo.by_id(stored.staff_id)
        if found is None or not found.account.active:
            raise AuthenticationError("this staff account is disabled")
        return SignedIn(stored, staff=found.account)
    if stored.token_id is not None:
        caller = authenticate_token_id(session, stored.token_id, now)
        return SignedIn(stored, partner=caller.partner, scopes=caller.token.scopes)
    assert stored.partner_id is not None
    name = repo.partner_name(stored.partner_id)
    if name is None or repo.partner_login(stored.partner_id) is None:
        raise AuthenticationError("this partner has no portal password any more")
    partner = get_partner(session, name)
    if partner.status is not PartnerStatus.ACTIVE:
        raise AuthorizationError(f"partner {partner.name!r} is {partner.status.value}")
    return SignedIn(stored, partner=partner, scopes=ALL_SCOPES)


def end_session(session: Session, raw: str, now: datetime) -> None:
    """Sign out: the session ends at `now`."""
    StaffRepository(session).end_session(_digest(raw), now)


def require_csrf(expected: str, sent: str | None) -> None:
    """Raise `AuthorizationError` unless a form sent back its session's CSRF token."""
    if not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise AuthorizationError("this form is stale or was not sent from the portal")
