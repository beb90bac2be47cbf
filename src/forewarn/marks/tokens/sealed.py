"""Self-identifying token bodies: who and what a token belongs to, encrypted, with a MAC.

A body of `bits` bits is a synthetic-IV construction (SIV) over a 32-bit *address*: the
address names the (case, artifact) scope by a 12-bit keyed hint and the partner by a 20-bit
keyed hint; the rest of the body is the tag

    tag = MAC(key, family, slot, case, artifact, partner) truncated to bits - 32,
    body = tag ‖ (address ⊕ PRF(key, family, tag) truncated to 32),

with keyed BLAKE2b as MAC and PRF (domain-separated by its personalisation string), fast enough
that rejecting a string of the right shape costs about a microsecond.

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


def _prf(key: bytes, purpose: bytes, *fields: str) -> int:
    """Keyed BLAKE2b (256 bits) of length-prefixed fields, personalised by `purpose`."""
    message = bytearray()
    for part in fields:
        encoded = part.encode("utf-8")
        message += len(encoded).to_bytes(4, "big") + encoded
    digest = hashlib.blake2b(bytes(message), digest_size=32, key=key, person=purpose).digest()
    return int.from_bytes(digest, "big")


def scope_hint(key: bytes, case_id: str, artifact: str) -> int:
    """The 12-bit hint of a (case, artifact) scope."""
    return _prf(key, b"scope", case_id, artifact) >> (256 - SCOPE_BITS)


def partner_hint(key: bytes, partner: str) -> int:
    """The 20-bit hint of a partner."""
    return _prf(key, b"partner", partner) >> (256 - PARTNER_BITS)


def tag_of(
    key: bytes, family: str, slot: str, bits: int, case_id: str, artifact: str, partner: str
) -> int:
    """The tag a body of `bits` bits carries for this owner."""
    whole = _prf(key, b"tag", family, slot, case_id, artifact, partner)
    return whole >> (256 - bits + ADDRESS_BITS)


class Opener:
    """Opens bodies under one key: the pad PRF's keyed BLAKE2b is set up once and copied per
    call (this is the hot path of rejecting candidates)."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._base = hashlib.blake2b(digest_size=4, key=key, person=b"pad")
        self._prefixes: dict[str, bytes] = {}

    def __reduce__(self) -> tuple[type[Opener], tuple[bytes]]:
        return (Opener, (self._key,))

    def pad(self, family: str, tag: int) -> int:
        """The 32-bit pad that hides the address of a `family` body with this tag."""
        prefix = self._prefixes.get(family)
        if prefix is None:
            prefix = self._prefixes[family] = family.encode() + b"\x00"
        h = self._base.copy()
        h.update(prefix + tag.to_bytes(16, "big"))
        return int.from_bytes(h.digest(), "big")

    def open(self, family: str, body: int) -> tuple[int, int, int]:
        """`(tag, scope hint, partner hint)` of a body; `verify_tag` then confirms an owner."""
        tag = body >> ADDRESS_BITS
        address = (body & _ADDRESS_MASK) ^ self.pad(family, tag)
        return tag, address >> PARTNER_BITS, address & _PARTNER_MASK


_ADDRESS_MASK = (1 << ADDRESS_BITS) - 1
_PARTNER_MASK = (1 << PARTNER_BITS) - 1


def seal(
    key: bytes, family: str, slot: str, bits: int, case_id: str, artifact: str, partner: str
) -> int:
    """The body of the token of `partner`'s copy of `artifact` in `case_id` (`slot`: which of
    the family's tokens in the copy)."""
    address = scope_hint(key, case_id, artifact) << PARTNER_BITS | partner_hint(key, partner)
    tag = tag_of(key, family, slot, bits, case_id, artifact, partner)
    return tag << ADDRESS_BITS | (address ^ Opener(key).pad(family, tag))


def verify_tag(
    key: bytes,
    tag: int,
    family: str,
    slot: str,
    bits: int,
    case_id: str,
    artifact: str,
    partner: str,
) -> bool:
    """Whether an opened body's `tag` is this owner's (constant-time comparison)."""
    expected = tag_of(key, family, slot, bits, case_id, artifact, partner)
    width = (bits - ADDRESS_BITS + 7) // 8
    return hmac.compare_digest(expected.to_bytes(width, "big"), tag.to_bytes(width, "big"))


__all__ = [
    "ADDRESS_BITS",
    "PARTNER_BITS",
    "SCOPE_BITS",
    "Opener",
    "partner_hint",
    "scope_hint",
    "seal",
    "token_key",
    "verify_tag",
]
