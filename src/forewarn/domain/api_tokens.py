"""Partner API tokens: what a token may do and what the program keeps of it (never the secret)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ApiScope(enum.StrEnum):
    """What a token may be used for; a token carries one or more."""

    CASES_READ = "cases:read"
    """List the partner's cases and read their details and embargo instants."""
    BUNDLES_FETCH = "bundles:fetch"
    """Download the partner's own encrypted bundles once due."""
    ACKS_WRITE = "acks:write"
    """Acknowledge a bundle."""
    FEEDBACK_WRITE = "feedback:write"
    """Send feedback on detection guidance."""


ALL_SCOPES = frozenset(ApiScope)
"""The scopes a token gets when none are named."""


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A partner's API token as stored: an id and a hash, never the secret itself."""

    id: str
    """Public handle (`tok-…`), for listing and revoking."""
    partner: str
    """The partner the token acts for."""
    scopes: frozenset[ApiScope]
    """What it may be used for."""
    created_at: datetime
    """When it was issued (UTC)."""
    expires_at: datetime
    """When it stops working (UTC)."""
    label: str = ""
    """Free text from staff: who holds it, what it is for."""
    revoked_at: datetime | None = None
    """When it was revoked, if it was."""
    revoke_reason: str | None = None
    """Why it was revoked."""

    def active(self, now: datetime) -> bool:
        """Neither revoked nor expired at `now`."""
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just issued: the only moment its secret exists outside the holder's hands."""

    token: ApiToken
    """What is stored."""
    secret: str
    """The bearer secret (`fwp_…`), shown once and never stored."""
