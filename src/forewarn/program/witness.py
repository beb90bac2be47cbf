"""A witness of the audit log outside its database: truncation, rollback and forks show.

Signed checkpoints in the database prove that what is there was not changed; they cannot prove
that nothing was *removed from the end*: delete the last leaves with their checkpoints, or restore
an older copy of the database, and the log that remains still verifies. The witness remembers.
Every checkpoint committed to the database is also appended, after the commit, to an append-only
file outside it (by default beside the key file), and `audit verify --witness` checks the log
against every checkpoint the witness saw: the log must still hold at least that many leaves, and
its first leaves must still hash to the witnessed root.

The file is JSON lines, one signed checkpoint a line, 0600:

    {"size": 12, "root": "<hex>", "at": "2021-02-23T00:00:00.000000Z", "signature": "<base64>"}

A checkpoint is written after its transaction commits, so a crash in between leaves the witness
one checkpoint behind the log, which verifies; a rolled-back transaction never reaches it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from forewarn.bounded import read_bounded_text
from forewarn.errors import IntegrityError, ValidationError
from forewarn.program.merkle import Checkpoint, MerkleTree, verify_checkpoint

PENDING_KEY = "forewarn.witness.pending"
"""`Session.info` key under which `append_audit_many` leaves checkpoints for the witness."""

MAX_WITNESS_BYTES = 512 * 1024**2
"""Largest witness file read (about two million checkpoints)."""


def checkpoint_json(checkpoint: Checkpoint) -> dict[str, object]:
    """A signed checkpoint as a JSON object: what witnesses keep and bundles carry."""
    return {
        "size": checkpoint.size,
        "root": checkpoint.root.hex(),
        "at": checkpoint.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "signature": base64.b64encode(checkpoint.signature).decode("ascii"),
    }


def checkpoint_from_json(raw: object) -> Checkpoint:
    """`checkpoint_json` read back; `ValueError` (or `KeyError`, `TypeError`) if it is not one."""
    if not isinstance(raw, dict):
        raise TypeError("a checkpoint is a JSON object")
    return Checkpoint(
        size=int(raw["size"]),
        root=bytes.fromhex(raw["root"]),
        at=datetime.strptime(raw["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
        signature=base64.b64decode(raw["signature"], validate=True),
    )


def checkpoint_line(checkpoint: Checkpoint) -> str:
    """A signed checkpoint as one JSON line: what every witness receives and keeps."""
    return json.dumps(checkpoint_json(checkpoint), sort_keys=True)


def parse_checkpoint_line(line: str, number: int, path: Path | str) -> Checkpoint:
    """One witnessed line back; anything else is an `IntegrityError` naming the place."""
    try:
        return checkpoint_from_json(json.loads(line))
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError):
        raise IntegrityError(
            f"witness {path}, line {number}: not a checkpoint",
            hint="the witness file was damaged; keep it for the investigation",
        ) from None


@dataclass(frozen=True, slots=True)
class WitnessReport:
    """What `audit verify --witness` checked."""

    path: str
    """The witness file."""
    checkpoints: int
    """Witnessed checkpoints checked against the log."""
    witnessed_size: int
    """Leaves in the largest witnessed checkpoint."""
    log_size: int
    """Leaves in the log now (at least `witnessed_size` when it holds)."""


class WitnessFile:
    """The append-only file of checkpoints the log has signed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, checkpoints: Sequence[Checkpoint]) -> None:
        """Append `checkpoints`, synced to disk; the file is created 0600."""
        if not checkpoints:
            return
        text = "".join(checkpoint_line(c) + "\n" for c in checkpoints).encode("ascii")
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, flags, 0o600)
            try:
                os.write(fd, text)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise ValidationError(
                f"cannot append to the audit witness {self.path}: {exc.strerror or exc}",
                hint="the change was committed; fix the witness file, then run "
                "`forewarn audit verify --witness`",
            ) from exc

    def read(self) -> list[Checkpoint]:
        """Every witnessed checkpoint, in the order written; none if the file does not exist."""
        if not self.path.exists():
            return []
        text = read_bounded_text(self.path, limit=MAX_WITNESS_BYTES, what="audit witness")
        lines = text.splitlines()
        return [
            parse_checkpoint_line(line, n, self.path)
            for n, line in enumerate(lines, start=1)
            if line
        ]

    def check(self, tree: MerkleTree, public_key: Ed25519PublicKey) -> WitnessReport:
        """Raise `IntegrityError` if the log lost, rewrote or forked from a witnessed state."""
        return check_witnessed(self.read(), str(self.path), tree, public_key)


def check_witnessed(
    witnessed: Sequence[Checkpoint], where: str, tree: MerkleTree, public_key: Ed25519PublicKey
) -> WitnessReport:
    """Raise `IntegrityError` unless the log still holds every checkpoint a witness saw.

    Shared by the witness file and the external witnesses that can be read back.
    """
    if not witnessed:
        raise IntegrityError(
            f"the audit witness {where} is missing or empty",
            hint="a program with leaves always has a witness; was it moved or wiped?",
        )
    # external witnesses name themselves (`witness folder …`); the file is named by its path
    kept_by = where if where.startswith("witness ") else f"witness file {where}"
    largest = 0
    for checkpoint in witnessed:
        check_extends(checkpoint, tree, public_key, kept_by=f"the {kept_by}")
        largest = max(largest, checkpoint.size)
    return WitnessReport(where, len(witnessed), largest, tree.size)


def check_extends(
    checkpoint: Checkpoint, tree: MerkleTree, public_key: Ed25519PublicKey, *, kept_by: str
) -> None:
    """Raise `IntegrityError` unless `checkpoint` is signed by `public_key` and the log in
    `tree` still extends it: at least as many leaves, the first of them hashing to its root.

    The one check of a signed state against the log, whoever kept the state (`kept_by`: the
    database's own checkpoints, the witness file, an external witness).
    """
    verify_checkpoint(checkpoint, public_key)
    if checkpoint.size > tree.size:
        raise IntegrityError(
            f"audit log was truncated or rolled back: {kept_by} saw {checkpoint.size} leaves "
            f"at {checkpoint.at:%Y-%m-%d %H:%M:%S}Z, the log holds {tree.size}",
            hint="restore the log from a backup and investigate who removed the entries",
        )
    if tree.root(checkpoint.size) != checkpoint.root:
        raise IntegrityError(
            f"audit log forked: its first {checkpoint.size} leaves do not hash to the root "
            f"{kept_by} saw",
            hint="the log was changed, reordered or rewritten; compare it with a backup",
        )


def default_witness_path(key_file: Path) -> Path:
    """`forewarn.witness` beside the key file: outside the database, on the operator's disk."""
    return key_file.with_name(key_file.stem + ".witness")
