"""Keyed, reproducible randomness: every mark derives from the program secret, nothing is stored.

HMAC-SHA256 over length-prefixed fields gives a per-purpose key; SHAKE-256 stretches it into as
many uniform numbers as needed. Unlike a NumPy `Generator`, whose streams may change between
releases, this byte stream is fixed by the standards, so a copy made today re-derives in ten years.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import numpy.typing as npt

from forewarn.errors import MarkError

_MIN_SECRET_BYTES = 16
"""Secrets shorter than this are refused: they could be guessed and the marks forged."""


def derive_key(secret: bytes, purpose: str, *fields: str) -> bytes:
    """HMAC-SHA256 of `purpose` and `fields`, each length-prefixed so no two tuples collide."""
    if len(secret) < _MIN_SECRET_BYTES:
        raise MarkError(
            "the program secret is too short to derive fingerprints",
            hint=f"use a key of at least {_MIN_SECRET_BYTES} random bytes",
        )
    message = bytearray()
    for part in (purpose, *fields):
        encoded = part.encode("utf-8")
        message += len(encoded).to_bytes(4, "big") + encoded
    return hmac.new(secret, bytes(message), hashlib.sha256).digest()


def uniform(key: bytes, count: int) -> npt.NDArray[np.float64]:
    """`count` uniform numbers in [0, 1) with 53-bit resolution, stretched from `key`."""
    raw = np.frombuffer(hashlib.shake_256(key).digest(8 * count), dtype=">u8")
    return (raw >> np.uint64(11)).astype(np.float64) * (2.0**-53)


def permutation(key: bytes, count: int) -> npt.NDArray[np.int64]:
    """A keyed permutation of `range(count)` (sort order of keyed uniforms)."""
    return np.argsort(uniform(key, count), kind="stable").astype(np.int64)
