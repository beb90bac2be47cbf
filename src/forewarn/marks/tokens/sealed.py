"""Self-identifying token bodies: who and what a token belongs to, encrypted, with a MAC.

A body of `bits` bits is a synthetic-IV construction (SIV) over a 32-bit *address*: the
address names the (case, artifact) scope by a 12-bit keyed hint and the partner by a 20-bit
keyed hint; the rest of the body is the tag

    tag = HMAC(mac_key, family, slot, case, artifact, partner) truncated to bits - 32,
    body = tag ‖ (address ⊕ HMAC(enc_key, family, tag) truncated to 32).

Opening a body needs only the token key: the address comes back by one HMAC, the hints point
into a small directory of scopes and recipients, and the tag, recomputed for each (rarely more
than one) name the hints point to, confirms the owner. No token is stored or compiled, so the
cost of checking a candidate does not grow with the number of partners; a string of the right
shape that no key made opens to a tag that fails with probability `1 - 2**-(bits - 32)`.
The token key derives from the marks secret and cannot derive codewords or marks.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from forewarn.marks.keyed import derive_key

SCOPE_BITS = 12
"""Bits of the (case, artifact) hint in a token's address."""
PARTNER_BITS = 20
"""Bits of the partner hint in a token's address."""
ADDRESS_BITS = SCOPE_BITS + PARTNER_BITS
"""Bits of the encrypted address; the rest of a body is its tag."""


def token_key(secret: bytes) -> bytes:
    """The key that makes and opens tokens (the hunt's verification key), from the marks
    secret: one per program, so one key verifies the tokens of every case."""
    return derive_key(secret, "tokens-v4")


def _prf(key: bytes, purpose: str, *fields: str) -> int:
    return int.from_bytes(derive_key(key, purpose, *fields), "big")


def scope_hint(key: bytes, case_id: str, artifact: str) -> int:
    """The 12-bit hint of a (case, artifact) scope."""
    return _prf(key, "scope", case_id, artifact) >> (256 - SCOPE_BITS)


def partner_hint(key: bytes, partner: str) -> int:
    """The 20-bit hint of a partner."""
    return _prf(key, "partner", partner) >> (256 - PARTNER_BITS)


def tag_of(
    key: bytes, family: str, slot: str, bits: int, case_id: str, artifact: str, partner: str
) -> int:
    """The tag a body of `bits` bits carries for this owner."""
    return _prf(key, "tag", family, slot, case_id, artifact, partner) >> (256 - bits + ADDRESS_BITS)


def _pad(key: bytes, family: str, tag: int) -> int:
    mac = hmac.new(key, b"pad\x00" + family.encode() + b"\x00" + str(tag).encode(), hashlib.sha256)
    return int.from_bytes(mac.digest()[:4], "big")


def seal(
    key: bytes, family: str, slot: str, bits: int, case_id: str, artifact: str, partner: str
) -> int:
    """The body of the token of `partner`'s copy of `artifact` in `case_id` (`slot`: which of
    the family's tokens in the copy)."""
    address = scope_hint(key, case_id, artifact) << PARTNER_BITS | partner_hint(key, partner)
    tag = tag_of(key, family, slot, bits, case_id, artifact, partner)
    return tag << ADDRESS_BITS | (address ^ _pad(key, family, tag))


@dataclass(frozen=True, slots=True)
class Opened:
    """What a body's address says (not yet proof: the tag is checked against names)."""

    tag: int
    """The body's tag."""
    scope: int
    """Hint of the (case, artifact) scope."""
    partner: int
    """Hint of the partner."""


def open_body(key: bytes, family: str, body: int) -> Opened:
    """The address and tag of a body; `verify_tag` then confirms an owner."""
    tag = body >> ADDRESS_BITS
    address = (body & ((1 << ADDRESS_BITS) - 1)) ^ _pad(key, family, tag)
    return Opened(tag, address >> PARTNER_BITS, address & ((1 << PARTNER_BITS) - 1))


def verify_tag(
    key: bytes,
    opened: Opened,
    family: str,
    slot: str,
    bits: int,
    case_id: str,
    artifact: str,
    partner: str,
) -> bool:
    """Whether the opened body is this owner's token (constant-time comparison)."""
    expected = tag_of(key, family, slot, bits, case_id, artifact, partner)
    width = (bits - ADDRESS_BITS + 7) // 8
    return hmac.compare_digest(expected.to_bytes(width, "big"), opened.tag.to_bytes(width, "big"))


__all__ = [
    "ADDRESS_BITS",
    "PARTNER_BITS",
    "SCOPE_BITS",
    "Opened",
    "open_body",
    "partner_hint",
    "scope_hint",
    "seal",
    "token_key",
    "verify_tag",
]
