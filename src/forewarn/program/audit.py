"""The tamper-evident audit log: appending leaves and signed checkpoints.

Every release, fetch, acknowledgement, suspension, reschedule and accusation is a leaf of an
RFC 6962 Merkle tree. Each append writes, in the caller's transaction, the leaf and a checkpoint
signed with the program key, so every committed leaf is covered by a signature; a row inserted,
changed, removed or reordered in the database afterwards breaks a leaf hash or a signed root.
Checking all of that is `audit_verify`'s job; proof documents a partner or an auditor checks
with the public key alone are `audit_proofs`'.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind
from forewarn.errors import NotFoundError, ValidationError
from forewarn.program.audit_state import (
    STATE_FIELD,
    recorded_state,
    state_sha256,
)
from forewarn.program.bundles import canonical_json
from forewarn.program.keys import ProgramKeys
from forewarn.program.merkle import (
    EMPTY_ROOT,
    Checkpoint,
    leaf_hash,
    node_hash,
    sign_checkpoint,
)
from forewarn.program.witness import PENDING_KEY
from forewarn.store.audit_repo import AuditRepository, StoredCheckpoint, StoredLeaf
from forewarn.store.locks import AUDIT_LOG, hold_write_lock
from forewarn.store.program_repo import ProgramRepository

logger = logging.getLogger(__name__)

LIVE_CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of this machine's clock a live program still dates a leaf (another machine's
clock, a server's batch)."""

REPLAY_KEY = "forewarn.audit.replay"
"""`Session.info` key caching whether the program is a replay (`Program.session` sets it)."""

REPLAY_FIELD = "replay"
"""Payload field every leaf of a replay program carries (`true`); a live program's leaves
have none."""

ENVELOPE_FIELDS = (REPLAY_FIELD, STATE_FIELD)
"""Payload fields `append_audit_many` adds to what a use case recorded."""


def stamp(at: datetime) -> str:
    """A UTC instant with microseconds, the one way times are written into leaves."""
    if at.tzinfo is None:
        raise ValidationError("audit times must carry a time zone")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def leaf_data(index: int, kind: str, at: datetime, subject: str, payload: str) -> bytes:
    """The bytes a leaf hash covers; the index is inside, so moving a row breaks its hash."""
    head = canonical_json({"at": stamp(at), "index": index, "kind": kind, "subject": subject})
    return head[:-1] + b',"payload":' + payload.encode() + b"}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One thing to record."""

    kind: LeafKind
    """What it records."""
    payload: Mapping[str, Any]
    """JSON-serialisable details (never embargoed content)."""
    subject: str = ""
    """What it is about, for look-ups: a release id, a partner name, a case id."""


def append_audit(
    session: Session,
    kind: LeafKind,
    payload: Mapping[str, Any],
    now: datetime,
    *,
    keys: ProgramKeys,
    subject: str = "",
) -> StoredLeaf:
    """Append one leaf and a signed checkpoint in the caller's transaction."""
    return append_audit_many(session, [AuditEntry(kind, payload, subject)], now, keys=keys)[0]


def append_audit_many(
    session: Session, entries: Sequence[AuditEntry], now: datetime, *, keys: ProgramKeys
) -> list[StoredLeaf]:
    """Append several leaves under one signed checkpoint (O(log n) each, whatever the size).

    Each payload gets the state its leaf changed (`audit_state.recorded_state`) and, in a replay
    program, `"replay": true`. A live program refuses a `now` before its last leaf or in the
    future: its log is in time order, and nobody dates an entry in the past or ahead.
    Appenders in other processes (a release batch, a fetch, a server's batch) wait for this
    transaction to end before they read the head (`store.locks`): none writes the same index.
    """
    repo = AuditRepository(session)
    if entries:
        hold_write_lock(session, AUDIT_LOG)
    head = repo.head()
    replay = is_replay(session)
    if entries and not replay:
        _check_live_time(head, now)
    size = 0 if head is None else head.size
    frontier = [] if head is None else [bytes.fromhex(h) for h in head.frontier]
    leaves: list[StoredLeaf] = []
    for entry in entries:
        try:
            kind = LeafKind(entry.kind)
        except ValueError:
            raise ValidationError(f"unknown audit leaf kind {entry.kind!r}") from None
        payload = canonical_json(_enveloped(session, kind, entry, replay)).decode()
        hashed = leaf_hash(leaf_data(size, kind, now, entry.subject, payload))
        leaf = StoredLeaf(size, kind, now, entry.subject, payload, hashed.hex())
        repo.add_leaf(leaf)
        leaves.append(leaf)
        frontier = _extend(frontier, size, hashed)
        size += 1
    if leaves:
        root = _root_of(frontier)
        signed = sign_checkpoint(keys.signing_key, size, root, now)
        session.info.setdefault(PENDING_KEY, []).append(signed)
        repo.add_checkpoint(
            StoredCheckpoint(
                size, root.hex(), now, signed.signature, tuple(h.hex() for h in frontier)
            )
        )
    return leaves


def _check_live_time(head: StoredCheckpoint | None, now: datetime) -> None:
    """A live program dates leaves now: never before its last leaf, never in the future (a
    leaf dated ahead would make every later command "before the last leaf" until then)."""
    if head is not None and now < head.at:
        raise ValidationError(
            f"{stamp(now)} is before the audit log's last entry ({stamp(head.at)}): this program "
            "is live and records history in time order",
            hint="act at the present time (without --now, or with a clock that is right), or "
            "replay history in a program made with `forewarn init --replay`",
        )
    if now > datetime.now(UTC) + LIVE_CLOCK_SKEW:
        raise ValidationError(
            f"{stamp(now)} is in the future: this program is live and records what happens now",
            hint="drop --now, or rehearse in a program made with `forewarn init --replay`",
        )


def is_replay(session: Session) -> bool:
    """Whether the program is a replay (cached on the session)."""
    replay = session.info.get(REPLAY_KEY)
    if replay is None:
        replay = session.info[REPLAY_KEY] = ProgramRepository(session).is_replay()
    return bool(replay)


def _enveloped(
    session: Session, kind: LeafKind, entry: AuditEntry, replay: bool
) -> Mapping[str, Any]:
    state = recorded_state(session, kind, entry.subject, entry.payload)
    if state is None and not replay:
        return entry.payload
    payload = dict(entry.payload)
    if state is not None:
        payload[STATE_FIELD] = state
    if replay:
        payload[REPLAY_FIELD] = True
    return payload


def recorded_payload(leaf: StoredLeaf) -> dict[str, Any]:
    """A leaf's payload as its use case wrote it, without the fields the log adds."""
    payload: dict[str, Any] = json.loads(leaf.payload)
    for name in ENVELOPE_FIELDS:
        payload.pop(name, None)
    return payload


def append_genesis(
    session: Session, keys: ProgramKeys, now: datetime, *, reason: str
) -> StoredLeaf:
    """The leaf where the log starts recording state: the whole security-relevant state, its
    hash, and whether the program is live or a replay. Once per program."""
    if AuditRepository(session).find(LeafKind.GENESIS, "") is not None:
        raise ValidationError("the audit log has its genesis leaf already")
    state = recorded_state(session, LeafKind.GENESIS, "", {})
    assert state is not None
    payload = {
        "reason": reason,
        "mode": "replay" if is_replay(session) else "live",
        "state_sha256": state_sha256(state),
    }
    return append_audit(session, LeafKind.GENESIS, payload, now, keys=keys)


def has_genesis(session: Session) -> bool:
    """Whether the log records state (a program made or migrated by this forewarn)."""
    return AuditRepository(session).find(LeafKind.GENESIS, "") is not None


def _extend(frontier: list[bytes], size: int, leaf: bytes) -> list[bytes]:
    """Perfect-subtree roots after appending `leaf` to a tree of `size` leaves."""
    out = [*frontier, leaf]
    while size & 1:
        out[-2:] = [node_hash(out[-2], out[-1])]
        size >>= 1
    return out


def _root_of(frontier: Sequence[bytes]) -> bytes:
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


def release_payload(
    release: Any,
    tier: str,
    manifest_sha256: str | None,
    bundle_sha256: str | None,
    sealed_sha256: str | None = None,
) -> dict[str, Any]:
    """The details a release leaf records (`sealed_sha256`: the encrypted copy handed over)."""
    payload = {
        "release_id": release.id,
        "case": release.case_id,
        "partner": release.partner,
        "tier": tier,
        "available_at": stamp(release.available_at),
        "embargo_end": stamp(release.embargo_end),
        "artifacts": [
            {"name": a.name, "kind": a.kind, "sha256": a.sha256}
            for a in sorted(release.artifacts, key=lambda a: a.name)
        ],
        "manifest_sha256": manifest_sha256,
        "bundle_sha256": bundle_sha256,
    }
    if sealed_sha256 is not None:
        payload["sealed_sha256"] = sealed_sha256
    return payload


def latest_checkpoint(session: Session) -> Checkpoint | None:
    """The newest signed checkpoint, as partners receive it with bundles and in the portal."""
    head = AuditRepository(session).head()
    return None if head is None else as_checkpoint(head)


def checkpoint_of_size(session: Session, size: int) -> Checkpoint:
    """The signed checkpoint of `size` leaves, or `NotFoundError`."""
    stored = AuditRepository(session).checkpoint(size)
    if stored is None:
        raise NotFoundError(f"no signed checkpoint of {size} leaves")
    return as_checkpoint(stored)


def as_checkpoint(stored: StoredCheckpoint) -> Checkpoint:
    """A stored checkpoint as the signed value witnesses, bundles and proofs hand on."""
    return Checkpoint(stored.size, bytes.fromhex(stored.root), stored.at, stored.signature)
