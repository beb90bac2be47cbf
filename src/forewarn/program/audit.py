"""The tamper-evident audit log: append, verify, prove.

Every release, fetch, acknowledgement, suspension, reschedule and accusation is a leaf of an
RFC 6962 Merkle tree. Each append writes, in the caller's transaction, the leaf and a checkpoint
signed with the program key, so every committed leaf is covered by a signature; a row inserted,
changed, removed or reordered in the database afterwards breaks a leaf hash or a signed root.
Proof documents (JSON) let a partner or an auditor check a leaf with the public key alone.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from forewarn.domain import LeafKind
from forewarn.errors import IntegrityError, NotFoundError, ValidationError
from forewarn.program.audit_state import (
    STATE_FIELD,
    StateDifference,
    check_state,
    recorded_state,
    state_sha256,
)
from forewarn.program.bundles import canonical_json, load_public_key, public_key_hex
from forewarn.program.keys import ProgramKeys
from forewarn.program.merkle import (
    EMPTY_ROOT,
    Checkpoint,
    ConsistencyProof,
    InclusionProof,
    MerkleTree,
    leaf_hash,
    node_hash,
    sign_checkpoint,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from forewarn.program.witness import PENDING_KEY, WitnessFile, WitnessReport, check_witnessed
from forewarn.program.witness_external import DirectoryWitness, ExternalWitness
from forewarn.store.audit_repo import AuditRepository, StoredCheckpoint, StoredLeaf
from forewarn.store.locks import AUDIT_LOG, hold_write_lock
from forewarn.store.program_repo import ProgramRepository
from forewarn.store.release_repo import ReleaseRepository

logger = logging.getLogger(__name__)

PROOF_FORMAT = "forewarn-audit-proof/1"
"""Format tag of inclusion proof documents."""

CONSISTENCY_FORMAT = "forewarn-audit-consistency/1"
"""Format tag of consistency proof documents."""

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
    program, `"replay": true`. A live program refuses a `now` before its last leaf: its log is
    in time order, and nobody dates an entry in the past. Appenders in other processes (a
    release batch, a fetch, a server's batch) wait for this transaction to end before they read
    the head (`store.locks`): none writes the same index.
    """
    repo = AuditRepository(session)
    if entries:
        hold_write_lock(session, AUDIT_LOG)
    head = repo.head()
    replay = is_replay(session)
    if head is not None and not replay and entries and now < head.at:
        raise ValidationError(
            f"{stamp(now)} is before the audit log's last entry ({stamp(head.at)}): this program "
            "is live and records history in time order",
            hint="drop --now, or replay history in a program made with `forewarn init --replay`",
        )
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


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What `audit verify` checked."""

    leaves: int
    """Leaves in the log."""
    checkpoints: int
    """Signed checkpoints checked."""
    root: str
    """Hex root of the whole log."""
    releases: int
    """Completed releases matched to their leaves."""
    witness: WitnessReport | None = None
    """The check against the witness outside the database, when one was made."""
    mode: str = "live"
    """`live` or `replay` (a replay's leaves may go back in time and each says so)."""
    genesis: int | None = None
    """Index of the genesis leaf, where the log starts recording state."""
    warnings: tuple[str, ...] = ()
    """What holds but deserves a look: leaves out of time order from before the genesis leaf."""
    differences: tuple[StateDifference, ...] = ()
    """Rows whose security-relevant state differs from what the log recorded (a failure)."""
    external: tuple[WitnessReport, ...] = ()
    """The checks against external witnesses that can be read back (a witness folder)."""


class StateMismatchError(IntegrityError):
    """The log verifies, but rows that decide who gets what differ from what it recorded."""

    def __init__(self, report: AuditReport) -> None:
        count = len(report.differences)
        first = report.differences[0].describe()
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(
            f"audit log: {count} database row(s) differ from the state the log recorded: "
            f"{first}{more}",
            hint="they were changed behind the log's back; `audit verify --json` lists them",
        )
        self.report = report


def _tree(session: Session) -> tuple[list[StoredLeaf], MerkleTree]:
    """Every leaf, with its hash recomputed and compared, and the tree over them."""
    leaves = AuditRepository(session).leaves()
    hashes: list[bytes] = []
    for position, leaf in enumerate(leaves):
        if leaf.index != position:
            raise IntegrityError(
                f"audit log: leaf {position} is missing (found index {leaf.index} in its place)",
                hint="a row was removed or renumbered",
            )
        hashed = leaf_hash(leaf_data(leaf.index, leaf.kind, leaf.at, leaf.subject, leaf.payload))
        if hashed.hex() != leaf.leaf_hash:
            raise IntegrityError(f"audit log: leaf {position} ({leaf.kind}) was changed")
        hashes.append(hashed)
    return leaves, MerkleTree(hashes)


def verify_audit(
    session: Session,
    public_key: Ed25519PublicKey,
    *,
    witness: WitnessFile | None = None,
    external: Sequence[ExternalWitness] = (),
) -> AuditReport:
    """Recompute the whole log; raise `IntegrityError` on the first thing that does not hold.

    With `witness`, also check that the log still holds every state the witness saw (and every
    external witness that can be read back, such as a witness folder, in `external`). Then the
    state the log recorded is folded from its genesis leaf and compared with the database: any
    difference raises `StateMismatchError`, which carries the report listing them all.
    """
    leaves, tree = _tree(session)
    checkpoints = AuditRepository(session).checkpoints()
    for stored in checkpoints:
        checkpoint = _checkpoint(stored)
        verify_checkpoint(checkpoint, public_key)
        if stored.size > tree.size:
            raise IntegrityError(
                f"audit log: a signed checkpoint covers {stored.size} leaves, "
                f"only {tree.size} remain",
                hint="rows were removed",
            )
        if tree.root(stored.size) != checkpoint.root:
            raise IntegrityError(
                f"audit log: the first {stored.size} leaves no longer hash to their signed root",
                hint="rows were changed, reordered or inserted",
            )
    signed = checkpoints[-1].size if checkpoints else 0
    if signed != tree.size:
        raise IntegrityError(
            f"audit log: leaves {signed} to {tree.size - 1} are covered by no signed checkpoint",
            hint="rows were inserted",
        )
    witnessed = None if witness is None else witness.check(tree, public_key)
    others = tuple(
        check_witnessed(other.read(), other.name, tree, public_key)
        for other in external
        if isinstance(other, DirectoryWitness)
    )
    genesis, mode = _genesis(leaves)
    warnings = _time_order(leaves, genesis)
    releases = _cross_check(session, leaves)
    report = AuditReport(
        len(leaves),
        len(checkpoints),
        tree.root().hex(),
        releases,
        witnessed,
        mode,
        genesis,
        tuple(warnings),
        tuple(check_state(session, leaves)),
        others,
    )
    if report.differences:
        raise StateMismatchError(report)
    return report


def _genesis(leaves: Sequence[StoredLeaf]) -> tuple[int | None, str]:
    """The genesis leaf's index and the mode it declares, its state checked against its hash."""
    for leaf in leaves:
        if leaf.kind is LeafKind.GENESIS:
            payload = json.loads(leaf.payload)
            if state_sha256(payload.get(STATE_FIELD)) != payload.get("state_sha256"):
                raise IntegrityError("audit log: the genesis leaf's state does not match its hash")
            return leaf.index, str(payload.get("mode", "live"))
    return None, "live"


def _time_order(leaves: Sequence[StoredLeaf], genesis: int | None) -> list[str]:
    """Leaves dated before the one they follow: warnings before the genesis leaf (logged before
    time order was kept) and in a replay program's leaves; a failure in a live program's."""
    warnings: list[str] = []
    for before, leaf in itertools.pairwise(leaves):
        if leaf.at >= before.at:
            continue
        what = (
            f"leaf {leaf.index} ({leaf.kind}) is dated {stamp(leaf.at)}, before leaf {before.index}"
        )
        if genesis is None or leaf.index < genesis:
            warnings.append(f"{what} (logged before time order was kept)")
        elif not json.loads(leaf.payload).get(REPLAY_FIELD):
            raise IntegrityError(
                f"audit log: {what}, in a live program", hint="a live program never goes back"
            )
    return warnings


def start_witness(session: Session, public_key: Ed25519PublicKey, witness: WitnessFile) -> int:
    """Begin a witness for a log that has none: its latest checkpoint, once the log verifies.

    This trusts the log as it is now (as any first witness must); from here on nothing can be
    removed from its end unnoticed. Returns the number of leaves witnessed.
    """
    if witness.read():
        raise ValidationError(f"the audit witness {witness.path} exists already")
    verify_audit(session, public_key)
    checkpoints = AuditRepository(session).checkpoints()
    if not checkpoints:
        raise ValidationError("the audit log is empty: its first entry starts the witness")
    witness.append([_checkpoint(checkpoints[-1])])
    return checkpoints[-1].size


def _cross_check(session: Session, leaves: Sequence[StoredLeaf]) -> int:
    """Every delivered release, fetch, ack, registered evidence item and embargo amendment in
    the tables has its leaf, and agrees with it."""
    by_release = {leaf.subject: leaf for leaf in leaves if leaf.kind is LeafKind.RELEASE}
    repo = ReleaseRepository(session)
    count = 0
    for release in repo.all_complete():
        leaf = by_release.get(release.id)
        if leaf is None:
            raise IntegrityError(f"release {release.id} is in the database but not in the log")
        manifest_sha256, bundle_sha256 = repo.hashes(release.id)
        recorded = recorded_payload(leaf)
        recorded.pop("sealed_sha256", None)  # the sealed copy changes on re-sealing: see the state
        recorded.pop("checkpoint_size", None)  # which checkpoint the bundle carries
        actual = release_payload(release.as_release(), release.tier, manifest_sha256, bundle_sha256)
        if recorded != json.loads(canonical_json(actual)):
            raise IntegrityError(f"release {release.id} differs from what the log recorded")
        count += 1
    fetches, acks = repo.count_fetches_and_acks()
    logged = Counter(leaf.kind for leaf in leaves)
    if (fetches, acks) != (logged[LeafKind.FETCH], logged[LeafKind.ACK]):
        raise IntegrityError("fetch or acknowledgement rows do not match the log")
    # imported here: the evidence use cases append leaves through this module
    from forewarn.program.amendments import check_amendments
    from forewarn.program.evidence import check_custody

    check_custody(session, leaves)
    check_amendments(session, leaves)
    return count


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
    return None if head is None else _checkpoint(head)


def checkpoint_of_size(session: Session, size: int) -> Checkpoint:
    """The signed checkpoint of `size` leaves, or `NotFoundError`."""
    stored = AuditRepository(session).checkpoint(size)
    if stored is None:
        raise NotFoundError(f"no signed checkpoint of {size} leaves")
    return _checkpoint(stored)


def _checkpoint(stored: StoredCheckpoint) -> Checkpoint:
    return Checkpoint(stored.size, bytes.fromhex(stored.root), stored.at, stored.signature)


def _checkpoint_json(checkpoint: StoredCheckpoint) -> dict[str, Any]:
    return {
        "size": checkpoint.size,
        "root": checkpoint.root,
        "at": stamp(checkpoint.at),
        "signature": base64.b64encode(checkpoint.signature).decode(),
    }


def prove_release(session: Session, release_id: str, keys: ProgramKeys) -> dict[str, Any]:
    """An inclusion proof document for a release's leaf under the newest signed checkpoint."""
    leaf = AuditRepository(session).find(LeafKind.RELEASE, release_id)
    if leaf is None:
        raise NotFoundError(f"no release {release_id!r} in the audit log")
    return prove_leaf(session, leaf, keys)


def prove_leaf(session: Session, leaf: StoredLeaf, keys: ProgramKeys) -> dict[str, Any]:
    """An inclusion proof document for one leaf."""
    _, tree = _tree(session)
    head = AuditRepository(session).head()
    if head is None:
        raise NotFoundError("the audit log is empty")
    proof = tree.inclusion_proof(leaf.index, head.size)
    return {
        "format": PROOF_FORMAT,
        "public_key": public_key_hex(keys.signing_key.public_key()),
        "leaf": {
            "index": leaf.index,
            "kind": leaf.kind.value,
            "at": stamp(leaf.at),
            "subject": leaf.subject,
            "payload": json.loads(leaf.payload),
        },
        "path": [h.hex() for h in proof.path],
        "checkpoint": _checkpoint_json(head),
    }


def prove_consistency(
    session: Session, first: int, keys: ProgramKeys, second: int | None = None
) -> dict[str, Any]:
    """A consistency proof document between two signed checkpoints."""
    _, tree = _tree(session)
    by_size = {c.size: c for c in AuditRepository(session).checkpoints()}
    second = max(by_size, default=0) if second is None else second
    if first not in by_size or second not in by_size:
        raise NotFoundError(f"no signed checkpoints of {first} and {second} leaves")
    proof = tree.consistency_proof(first, second)
    return {
        "format": CONSISTENCY_FORMAT,
        "public_key": public_key_hex(keys.signing_key.public_key()),
        "first": _checkpoint_json(by_size[first]),
        "second": _checkpoint_json(by_size[second]),
        "path": [h.hex() for h in proof.path],
    }


def _parse_checkpoint(raw: Mapping[str, Any]) -> Checkpoint:
    at = datetime.fromisoformat(str(raw["at"]))
    return Checkpoint(
        int(raw["size"]),
        bytes.fromhex(str(raw["root"])),
        at,
        base64.b64decode(str(raw["signature"]), validate=True),
    )


def verify_proof_document(document: Mapping[str, Any], public_key: Ed25519PublicKey) -> str:
    """Check a proof document with the program's public key alone; return what it proves."""
    try:
        if public_key_hex(load_public_key(str(document["public_key"]))) != public_key_hex(
            public_key
        ):
            raise IntegrityError("the proof was made for another program key")
        path = tuple(bytes.fromhex(str(h)) for h in document["path"])
        if document["format"] == PROOF_FORMAT:
            checkpoint = _parse_checkpoint(document["checkpoint"])
            raw = document["leaf"]
            at = datetime.fromisoformat(str(raw["at"]))
            payload = canonical_json(raw["payload"]).decode()
            data = leaf_data(int(raw["index"]), str(raw["kind"]), at, str(raw["subject"]), payload)
            verify_checkpoint(checkpoint, public_key)
            proof = InclusionProof(int(raw["index"]), checkpoint.size, path)
            verify_inclusion(proof, leaf_hash(data), checkpoint.root)
            what = f"leaf {raw['index']} ({raw['kind']} {raw['subject']})"
            return f"{what} is in the signed log of {checkpoint.size} leaves"
        if document["format"] == CONSISTENCY_FORMAT:
            first, second = (
                _parse_checkpoint(document["first"]),
                _parse_checkpoint(document["second"]),
            )
            verify_checkpoint(first, public_key)
            verify_checkpoint(second, public_key)
            verify_consistency(
                ConsistencyProof(first.size, second.size, path), first.root, second.root
            )
            return f"the signed log of {first.size} leaves is a prefix of the one of {second.size}"
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise IntegrityError("the proof document is malformed") from None
    raise IntegrityError(f"unknown proof format {document.get('format')!r}")
