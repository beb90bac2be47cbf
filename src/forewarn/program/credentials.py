"""Passwords and TOTP secrets, the one way the portal keeps and checks them (staff and partners).

A password is hashed with argon2id (`argon2-cffi`'s defaults, RFC 9106's second recommended
set); a TOTP secret (RFC 6238: 30 s, 6 digits, `pyotp`) is sealed with AES-GCM under a key
derived from the program key, and is shown once, at enrolment, as base32 and `otpauth://` URI.
A code is matched to its time step, so that a caller can refuse a step already used.
"""

from __future__ import annotations

import os
from datetime import datetime

import argon2
import pyotp
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from forewarn.errors import AuthenticationError, IntegrityError, ValidationError
from forewarn.program.keys import ProgramKeys

MIN_PASSWORD_CHARS = 12
"""Shortest password accepted (NIST SP 800-63B asks for at least 8; these accounts reach
embargoed material)."""

MAX_PASSWORD_CHARS = 256
"""Longest password accepted (argon2 hashes anything, but a request is bounded)."""

TOTP_ISSUER = "forewarn"
"""Issuer shown by authenticator apps."""

TOTP_WINDOW = 1
"""Time steps of clock drift allowed either side."""

REFUSED = "wrong name, password or code"
"""The one message for every failed sign-in, whatever the reason."""

_HASHER = argon2.PasswordHasher()
_SEAL_PURPOSE = "portal/totp-secret"
# a hash to check against when the name is unknown, so a miss costs as much as a hit
_DUMMY_HASH = _HASHER.hash("forewarn-no-such-account")


def check_password_rules(password: str) -> None:
    """Raise `ValidationError` unless `password` may be a portal password."""
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise ValidationError(
            f"a portal password has {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
        )


def hash_password(password: str) -> str:
    """The argon2id PHC string of a password that passed the rules."""
    check_password_rules(password)
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> None:
    """Raise `AuthenticationError` unless `password` matches `stored` (`None`: an unknown name,
    checked against a dummy hash all the same)."""
    try:
        _HASHER.verify(stored or _DUMMY_HASH, password[:MAX_PASSWORD_CHARS])
    except argon2.exceptions.VerificationError:
        raise AuthenticationError(REFUSED) from None
    except argon2.exceptions.InvalidHashError as exc:
        raise IntegrityError("a stored password hash is malformed") from exc
    if stored is None:
        raise AuthenticationError(REFUSED)


def new_totp(keys: ProgramKeys, account: str) -> tuple[str, str, bytes]:
    """A fresh TOTP secret for `account`: base32, its `otpauth://` URI, and its sealed form."""
    secret = pyotp.random_base32(32)
    uri = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=TOTP_ISSUER)
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(keys.derive(_SEAL_PURPOSE)).encrypt(nonce, secret.encode(), b"totp")
    return secret, uri, sealed


def totp_step(keys: ProgramKeys, sealed: bytes, code: str, now: datetime, *, after: int) -> int:
    """The time step of `code` for the sealed secret at `now`; raise `AuthenticationError`
    unless it is one of the window's and later than step `after` (the last one used)."""
    try:
        secret = AESGCM(keys.derive(_SEAL_PURPOSE)).decrypt(sealed[:12], sealed[12:], b"totp")
    except Exception as exc:  # cryptography raises InvalidTag
        raise IntegrityError("a TOTP secret does not decrypt with this program key") from exc
    totp = pyotp.TOTP(secret.decode())
    code = code.strip()
    if len(code) == totp.digits and code.isdigit():
        step = totp.timecode(now)
        for candidate in range(step - TOTP_WINDOW, step + TOTP_WINDOW + 1):
            if candidate > after and pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
                return candidate
    raise AuthenticationError(REFUSED)
