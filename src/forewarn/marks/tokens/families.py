"""Shapes of real secrets and ids that a token takes, and how each carries a number.

A token is kept only if it looks like what it claims to be, so each family here copies a real
format: an AWS access key id (`AKIA` and 16 base-32 letters), a GitHub personal access token
(`ghp_`, 30 base-62 letters and the CRC-32 checksum GitHub appends), an HS256 JWT (the standard
header, a `sub`/`iat`/`exp` payload, a 32-byte signature), a random (version 4) UUID and a host
label of 20 base-32 letters (an out-of-band callback host). Each family turns a `bits`-bit
number into its string and back (`encode`, `decode`); what the number holds is `sealed`'s job.

`shape` is the family's regular expression (for scrubbers and log checks); `scan` is what the
hunt's scanner looks for, ending where the token ends, with a literal that Hyperscan can skip to
(a UUID's tail `-[89ab]xxx-xxxxxxxxxxxx`, a host's domain): only what both Hyperscan and
Python's `re` understand (no look-around). Hyperscan reports where a match ends, `locate`
recovers the token's start, and `decode` refuses anything not of the full shape.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LABEL = "0123456789abcdefghjkmnpqrstvwxyz"
_JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
"""`{"alg":"HS256","typ":"JWT"}`, base64url: the header of most JWTs in the wild."""
_GITHUB_RANDOM = 30
_JWT_IAT = (1_577_836_800, 1_893_456_000)
"""`iat` values a payload draws from (2020 to 2030)."""


def _digits(value: int, alphabet: str, count: int) -> str:
    out = []
    for _ in range(count):
        value, digit = divmod(value, len(alphabet))
        out.append(alphabet[digit])
    return "".join(reversed(out))


def _number(text: str, alphabet: str) -> int | None:
    value = 0
    for char in text:
        digit = alphabet.find(char)
        if digit < 0:
            return None
        value = value * len(alphabet) + digit
    return value


def _filler(body: int, bits: int, room: int) -> int:
    """A number below `room` that the body fixes, to fill a format's spare capacity evenly."""
    digest = hashlib.sha256(body.to_bytes((bits + 7) // 8, "big")).digest()
    return int.from_bytes(digest, "big") % room


@dataclass(frozen=True, slots=True)
class Family:
    """One real format a token takes."""

    name: str
    """Stable name, bound into every token's MAC: `aws`, `github`, `jwt`, `uuid`, `host`."""
    bits: int
    """Bits of the number a token of this family carries."""
    shape: str
    """Regular expression of a whole token."""
    scan: str
    """What the scanner looks for: a match ends where a token ends (Hyperscan and `re`)."""
    caseless: bool
    """Whether the shape matches any letter case (ids and host names are case-blind)."""
    length: int
    """Length of a token, or of its fixed tail (a JWT's signature) when it varies."""
    longest: int
    """Longest string the shape matches."""

    def encode(self, body: int) -> str:
        """The token carrying `body` (`0 <= body < 2**bits`)."""
        if self.name == "aws":
            return "AKIA" + _digits(body, _B32, 16)
        if self.name == "github":
            room = len(_B62) ** _GITHUB_RANDOM >> self.bits
            random = _digits(_filler(body, self.bits, room) << self.bits | body, _B62, 30)
            return f"ghp_{random}{_github_checksum(random)}"
        if self.name == "jwt":
            return _jwt(body)
        if self.name == "uuid":
            hexed = f"{body & (1 << 120) - 1:030x}"
            text = f"{hexed[:12]}4{hexed[12:15]}{'89ab'[body >> 120 & 3]}{hexed[15:]}"
            return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
        return _digits(body, _LABEL, 20)

    def decode(self, token: str) -> int | None:
        """The number a token of this family carries, or `None` if it is not well formed."""
        if self.name == "aws":
            if len(token) != 20 or not token.startswith("AKIA"):
                return None
            try:
                return int.from_bytes(base64.b32decode(token[4:]), "big")
            except (binascii.Error, ValueError):
                return None
        if self.name == "github":
            random = token[4:34]
            if len(token) != 40 or _github_checksum(random) != token[34:]:
                return None
            value = _number(random, _B62)
            if value is None:
                return None
            body = value & ((1 << self.bits) - 1)
            room = len(_B62) ** _GITHUB_RANDOM >> self.bits
            return body if value >> self.bits == _filler(body, self.bits, room) else None
        if self.name == "jwt":
            return _jwt_body(token)
        if self.name == "uuid":
            if len(token) != 36 or token[8:24:5] != "----" or token[14] != "4":
                return None
            variant = "89ab".find(token[19].lower())
            digits = token[:8] + token[9:13] + token[15:18] + token[20:23] + token[24:]
            if variant < 0 or not _HEX.issuperset(digits):
                return None
            return int(digits, 16) | variant << 120
        return _number(token.lower(), _LABEL) if len(token) == 20 else None

    def locate(self, window: bytes, end: int, suffix: int = 0) -> tuple[int, str] | None:
        """Start and text of the token whose shape match ends at `end` in `window` (`suffix`:
        bytes of a host's domain after the label, part of the text but not of the number)."""
        if self.name != "jwt":
            start = end - self.length - suffix
            if start < 0:
                return None
            return start, window[start:end].decode("ascii", "replace")
        found = _JWT_WHOLE.search(window, max(0, end - self.longest), end)
        if found is None:
            return None
        return found.start(), found.group(0).decode("ascii")

    def canonical(self, token: str) -> str:
        """The token as it is reported (ids and hosts in lower case)."""
        return token.lower() if self.caseless else token


def _github_checksum(random: str) -> str:
    """GitHub's checksum: CRC-32 of the random part, six base-62 digits."""
    return _digits(binascii.crc32(random.encode("ascii")), _B62, 6)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt(body: int) -> str:
    """An HS256 JWT whose signature is the body (16 bytes) and 16 bytes the body fixes (checked
    on decoding, so that no byte of the signature can change unnoticed)."""
    core = body.to_bytes(16, "big")
    rest = hashlib.sha256(b"sig" + core).digest()
    low, high = _JWT_IAT
    issued = low + int.from_bytes(hashlib.sha256(b"iat" + core).digest()[:8], "big") % (high - low)
    claims = {"sub": "admin", "iat": issued, "exp": issued + 86_400}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{_JWT_HEADER}.{payload}.{_b64(core + rest[:16])}"


def _jwt_body(token: str) -> int | None:
    signature = token.rsplit(".", 1)[-1]
    if len(signature) != 43:
        return None
    try:
        raw = base64.urlsafe_b64decode(signature + "=")
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 32 or raw[16:] != hashlib.sha256(b"sig" + raw[:16]).digest()[:16]:
        return None
    return int.from_bytes(raw[:16], "big")


_HEX = frozenset("0123456789abcdefABCDEF")
_JWT_SHAPE = r"\beyJ[A-Za-z0-9_-]{8,400}\.eyJ[A-Za-z0-9_-]{8,800}\.[A-Za-z0-9_-]{43}"
_JWT_WHOLE = re.compile(rb"eyJ[A-Za-z0-9_-]{8,400}\.eyJ[A-Za-z0-9_-]{8,800}\.[A-Za-z0-9_-]{43}$")

_AWS_SHAPE = r"\bAKIA[A-Z2-7]{16}\b"
_GITHUB_SHAPE = r"\bghp_[A-Za-z0-9]{36}\b"
_UUID_SHAPE = r"\b[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\b"
AWS = Family("aws", 80, _AWS_SHAPE, _AWS_SHAPE, False, 20, 20)
GITHUB = Family("github", 128, _GITHUB_SHAPE, _GITHUB_SHAPE, False, 40, 40)
JWT = Family("jwt", 128, _JWT_SHAPE, _JWT_SHAPE, False, 43, 3 + 400 + 1 + 3 + 800 + 1 + 43)
UUID = Family("uuid", 122, _UUID_SHAPE, r"-[89ab][0-9a-f]{3}-[0-9a-f]{12}\b", True, 36, 36)
HOST = Family("host", 100, r"\b[0-9a-hjkmnp-tv-z]{20}", "", True, 20, 20)
"""A host label; the scanner looks for the program's domains after it (`host_scan`)."""

FAMILIES: dict[str, Family] = {f.name: f for f in (AWS, GITHUB, JWT, UUID, HOST)}
"""Every family by name."""


def host_scan(domains: tuple[str, ...]) -> str:
    """What the scanner looks for after a host label: a dot and one of the program's domains."""
    names = "|".join(re.escape(d.lower()) for d in sorted(set(domains)))
    return rf"\.(?:{names})\b"


__all__ = ["AWS", "FAMILIES", "GITHUB", "HOST", "JWT", "UUID", "Family", "host_scan"]
