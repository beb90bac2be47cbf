"""Partner API tokens: issue (shown once), revoke, list, and authenticate a bearer secret.

A secret is `fwp_` + 32 random bytes (URL-safe base64); only its SHA-256 is stored, which is
enough for a secret of 256 bits of entropy (no password stretching is needed, and a look-up is
one index probe). Issuing and revoking are leaves of the audit log naming the token id, never
the secret. `authenticate` raises on anything but a known, unrevoked, unexpired token of an
active partner; it never returns a bool.

```python
issued = issue_token(session, keys, partner="Northwind Labs", now=now, days=90)
print(issued.secret)                       # once; the program keeps only its hash
caller = authenticate(session, issued.secret, now)
assert caller.partner.name == "Northwind Labs"
```
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from forewarn.domain import (
    ALL_SCOPES,
    ApiScope,
    ApiToken,
    IssuedToken,
    LeafKind,
    Partner,
    PartnerStatus,
)
from forewarn.domain.validation import require_name
from forewarn.errors import (
    AuthenticationError,
    AuthorizationError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from forewarn.program.audit import append_audit, stamp
from forewarn.program.keys import ProgramKeys
from forewarn.program.partners import get_partner
from forewarn.store import PartnerRepository
from forewarn.store.api_repo import ApiTokenRepository

SECRET_PREFIX = "fwp_"  # noqa: S105 (the public prefix, not a secret)  # nosec B105
"""Every partner token starts with this, so secret scanners and people recognise one."""

SECRET_BYTES = 32
"""Random bytes in a secret."""

DEFAULT_DAYS = 90
"""How long a token lives unless told otherwise."""

MAX_DAYS = 366
"""The longest life a token may be given: tokens must be rotated."""

_SECRET = re.compile(r"^fwp_[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: an active partner, through one of its tokens."""

    partner: Partner
    """The partner, active at the moment of authentication."""
    token: ApiToken
    """The token used."""

    def require(self, scope: ApiScope) -> None:
        """Raise `AuthorizationError` unless the token carries `scope`."""
        if scope not in self.token.scopes:
            raise AuthorizationError(f"this token does not carry the scope {scope.value}")


def secret_hash(secret: str) -> str:
    """SHA-256 (hex) of a bearer secret, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(names: Iterable[str]) -> frozenset[ApiScope]:
    """Scopes from their names; none named is every scope."""
    chosen: set[ApiScope] = set()
    for name in names:
        try:
            chosen.add(ApiScope(name.strip()))
        except ValueError:
            known = ", ".join(sorted(ALL_SCOPES))
            raise ValidationError(f"unknown scope {name!r}", hint=f"one of {known}") from None
    return frozenset(chosen) or ALL_SCOPES


def issue_token(
    session: Session,
    keys: ProgramKeys,
    *,
    partner: str,
    now: datetime,
    days: int = DEFAULT_DAYS,
    scopes: frozenset[ApiScope] = ALL_SCOPES,
    label: str = "",
) -> IssuedToken:
    """A new token for an active partner, logged; the secret is in the result and nowhere else."""
    if now.tzinfo is None:
        raise ValidationError("`now` has no zone")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"a token lives 1 to {MAX_DAYS} days, not {days}")
    label = require_name(label, "label") if label else ""
    found = get_partner(session, partner)
    if found.status is not PartnerStatus.ACTIVE:
        raise ConflictError(f"partner {found.name!r} is {found.status.value}; no token is issued")
    partner_id = PartnerRepository(session).id_of(found.name)
    assert partner_id is not None
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(
        id=f"tok-{secrets.token_hex(6)}",
        partner=found.name,
        scopes=scopes,
        created_at=now,
        expires_at=now + timedelta(days=days),
        label=label,
    )
    ApiTokenRepository(session).add(token, partner_id=partner_id, secret_sha256=secret_hash(secret))
    payload = {
        "action": "issue",
        "token_id": token.id,
        "partner": found.name,
        "scopes": sorted(scopes),
        "expires_at": stamp(token.expires_at),
    }
    append_audit(session, LeafKind.API_TOKEN, payload, now, keys=keys, subject=token.id)
    return IssuedToken(token=token, secret=secret)


def revoke_token(
    session: Session, keys: ProgramKeys, token_id: str, *, reason: str, now: datetime
) -> ApiToken:
    """Revoke a token at `now`, logged; revoking twice is a `ConflictError`. `token_id` may
    also be the token's secret (`fwp_…`): a leaked secret is what one holds when a token must
    go, and no error prints it back."""
    reason = require_name(reason, "reason")
    repo = ApiTokenRepository(session)
    given = token_id.strip()
    if given.startswith(SECRET_PREFIX):
        token = repo.by_secret(secret_hash(given))
        if token is None:
            raise NotFoundError(
                "no token of this program has that secret",
                hint="`forewarn partner api-token list` shows every token id",
            )
        token_id = token.id
    token = repo.get(token_id)
    if token is None:
        raise NotFoundError(
            f"unknown token {token_id!r}", hint="see `forewarn partner api-token list`"
        )
    if not repo.revoke(token_id, at=now, reason=reason):
        raise ConflictError(f"token {token_id} is revoked already")
    payload = {"action": "revoke", "token_id": token_id, "partner": token.partner, "reason": reason}
    append_audit(session, LeafKind.API_TOKEN, payload, now, keys=keys, subject=token_id)
    revoked = repo.get(token_id)
    assert revoked is not None
    return revoked


def list_tokens(session: Session, *, partner: str | None = None) -> list[ApiToken]:
    """Every token (of one partner when named), oldest first; no secrets, only ids."""
    if partner is not None:
        partner = get_partner(session, partner).name
    return ApiTokenRepository(session).for_partner(partner)


def authenticate(session: Session, secret: str, now: datetime) -> Caller:
    """The caller behind a bearer secret, or raise.

    `AuthenticationError` (401) for a malformed, unknown, revoked or expired token;
    `AuthorizationError` (403) when the token is good but its partner is not active.
    """
    if not _SECRET.match(secret):
        raise AuthenticationError("not a forewarn partner token", hint="send `Bearer fwp_…`")
    return _caller(session, ApiTokenRepository(session).by_secret(secret_hash(secret)), now)


def authenticate_token_id(session: Session, token_id: str, now: datetime) -> Caller:
    """The caller behind a token known by id (a portal session opened with it); raises as
    `authenticate` does, so revoking a token or suspending its partner ends such sessions."""
    return _caller(session, ApiTokenRepository(session).get(token_id), now)


def _caller(session: Session, token: ApiToken | None, now: datetime) -> Caller:
    if token is None:
        raise AuthenticationError("unknown token")
    if token.revoked_at is not None and token.revoked_at <= now:
        raise AuthenticationError("this token was revoked", hint="ask the program for a new one")
    if now >= token.expires_at:
        raise AuthenticationError("this token has expired", hint="ask the program for a new one")
    partner = get_partner(session, token.partner)
    if partner.status is not PartnerStatus.ACTIVE:
        raise AuthorizationError(f"partner {partner.name!r} is {partner.status.value}")
    return Caller(partner=partner, token=token)
