"""Tokens: strings unique to one partner's copy of one artifact, shaped like what they claim.

From marking scheme 4 on, a copy carries credentials and ids of real formats (`families`: an
AWS key id, a GitHub token, a JWT, UUIDs) and, under the domains the program configures, a
host name and a URL path; each body is self-identifying (`sealed`: the owner's address
encrypted under the token key, with a MAC), so the hunt finds candidates by shape and verifies
each by recomputation (`verify`); nothing about tokens is stored. Cases released under schemes
1 to 3 keep their HMAC-derived tokens (`legacy`), recomputed for the hunt.

A token found is a lead, never proof: program staff can make any token, and some travel on the
wire. Accusation rests on fingerprint marks (`forewarn.marks.accusation`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from forewarn.domain import ArtifactKind
from forewarn.marks.tokens import carriers, legacy, sealed
from forewarn.marks.tokens.families import FAMILIES, HOST
from forewarn.marks.tokens.verify import TokenVerifier

TOKEN_BITS = min(f.bits for f in FAMILIES.values()) - sealed.ADDRESS_BITS
"""Fewest tag bits of any token: a string of a token's shape verifies by chance with odds at
most `2^-TOKEN_BITS` per owner its hints point to."""

TOKEN_PATTERNS: tuple[re.Pattern[str], ...] = (
    *legacy.LEGACY_PATTERNS,
    *(
        re.compile(f.shape, re.IGNORECASE if f.caseless else 0)
        for f in FAMILIES.values()
        if f is not HOST
    ),
    re.compile(HOST.shape + r"\.[a-z0-9-]+(?:\.[a-z0-9-]+)+\b", re.IGNORECASE),
)
"""Shapes of every token any scheme plants (a host under any domain), for scrubbing attackers
and for the log scan that checks no token is ever logged."""


def self_identifying(scheme: int) -> bool:
    """Whether copies of `scheme` carry self-identifying tokens (`sealed`), not legacy ones."""
    return scheme >= 4


def plant(
    content: str,
    kind: ArtifactKind,
    *,
    secret: bytes,
    case_id: str,
    artifact: str,
    partner: str,
    scheme: int,
    domains: tuple[str, ...] = (),
) -> tuple[str, tuple[str, ...]]:
    """`content` with `partner`'s tokens planted, and the tokens planted (as scanners find
    them); `domains` carry host tokens from scheme 4 on (none without)."""
    if self_identifying(scheme):
        values = carriers.token_values(
            sealed.token_key(secret), case_id, artifact, partner, domains
        )
        return carriers.plant(content, kind, values)
    planted = legacy.token_set(secret, case_id, artifact, partner)
    return legacy.plant(content, kind, planted)


def verifier(secret: bytes, domains: Iterable[str] = ()) -> TokenVerifier:
    """An empty verifier under the token key of the marks `secret` (scopes added next)."""
    return TokenVerifier(sealed.token_key(secret), domains)


def register(
    into: TokenVerifier,
    *,
    secret: bytes,
    case_id: str,
    scheme: int,
    recipients: Mapping[str, Iterable[str]],
    domains: tuple[str, ...] = (),
) -> None:
    """Make the tokens of the case's copies (`recipients`: artifact → partners) verify in
    `into`: a directory entry from scheme 4 on, the recomputed tokens before."""
    for artifact, partners in recipients.items():
        if self_identifying(scheme):
            into.add_scope(case_id, artifact, partners)
        else:
            into.add_legacy(legacy.all_tokens(secret, case_id, [artifact], list(partners)))
    into.add_domains(domains)


__all__ = [
    "TOKEN_BITS",
    "TOKEN_PATTERNS",
    "TokenVerifier",
    "plant",
    "register",
    "self_identifying",
    "verifier",
]
