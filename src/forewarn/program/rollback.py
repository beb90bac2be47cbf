"""A partner's check that the program's log still extends the checkpoint the partner holds.

Every bundle carries the audit log's latest signed checkpoint, and the portal and the API hand
out the newest one. A partner keeps what it received; later it asks the program for a newer
checkpoint or, better, a consistency proof from its own (`forewarn audit consistency N`):

- the proof verifies from the held checkpoint: the log only grew since, nothing was removed;
- the program signs a checkpoint *smaller* than the held one: a rollback, proven by two
  signatures of the program's own key that no one else can make;
- the program signs another root at the held size: a fork, proven the same way.

Only the program's public key is needed: any partner can prove a rollback to anyone.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from forewarn.errors import IntegrityError, ValidationError
from forewarn.program.audit_proofs import CONSISTENCY_FORMAT, verify_proof_document
from forewarn.program.merkle import Checkpoint, verify_checkpoint
from forewarn.program.witness import checkpoint_from_json


@dataclass(frozen=True, slots=True)
class RollbackCheck:
    """A held checkpoint shown to be a prefix of the program's log now."""

    held_size: int
    """Leaves in the checkpoint the partner holds."""
    newer_size: int
    """Leaves in the program's newer checkpoint."""
    proves: str
    """What was shown, in one sentence."""


class RollbackProvenError(IntegrityError):
    """Two checkpoints signed by the program that cannot both be true of one log."""


def read_checkpoint(raw: object, what: str) -> Checkpoint:
    """A checkpoint JSON object (`bundle verify --save-checkpoint`, `audit checkpoint`)."""
    try:
        return checkpoint_from_json(raw)
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise IntegrityError(f"{what} is not a signed checkpoint") from None


def check_rollback(
    held: Checkpoint, newer: Mapping[str, Any], public_key: Ed25519PublicKey
) -> RollbackCheck:
    """Check `held` against `newer` (a consistency proof document or a bare checkpoint).

    Raises `RollbackProvenError` when the two signed heads contradict each other,
    `IntegrityError` when a signature or the proof does not hold.
    """
    try:
        verify_checkpoint(held, public_key)
    except IntegrityError:
        raise IntegrityError(
            "the checkpoint you hold is not signed by this program key", hint="check the key"
        ) from None
    if newer.get("format") == CONSISTENCY_FORMAT:
        first = read_checkpoint(newer.get("first"), "the proof's first checkpoint")
        second = read_checkpoint(newer.get("second"), "the proof's second checkpoint")
        verify_checkpoint(first, public_key)
        verify_checkpoint(second, public_key)
        _contradiction(held, first)
        _contradiction(held, second)
        if (first.size, first.root) != (held.size, held.root):
            raise ValidationError(
                f"the proof starts from a checkpoint of {first.size} leaves, not yours of "
                f"{held.size}",
                hint=f"ask the program for `forewarn audit consistency {held.size}`",
            )
        proves = verify_proof_document(newer, public_key)
        return RollbackCheck(held.size, second.size, proves)
    other = read_checkpoint(newer, "the newer checkpoint")
    verify_checkpoint(other, public_key)
    _contradiction(held, other)
    if other.size == held.size:
        return RollbackCheck(held.size, other.size, "the program's checkpoint is the one you hold")
    raise ValidationError(
        f"a checkpoint of {other.size} leaves alone does not show that yours of {held.size} "
        "is its prefix",
        hint=f"ask the program for `forewarn audit consistency {held.size}`",
    )


def _contradiction(held: Checkpoint, other: Checkpoint) -> None:
    if other.size < held.size:
        raise RollbackProvenError(
            f"rollback proven: the program signed {held.size} leaves at "
            f"{held.at:%Y-%m-%d %H:%M:%S}Z and now signs only {other.size} at "
            f"{other.at:%Y-%m-%d %H:%M:%S}Z",
            hint="both signatures are the program's; keep both files as evidence",
        )
    if other.size == held.size and other.root != held.root:
        raise RollbackProvenError(
            f"fork proven: the program signed two different logs of {held.size} leaves",
            hint="both signatures are the program's; keep both files as evidence",
        )
