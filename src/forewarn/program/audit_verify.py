"""Verifying the audit log: every leaf, root and signature, the witnesses, the recorded state.

`verify_audit` is what `forewarn audit verify` runs: it recomputes the whole log and raises
`IntegrityError` on the first thing that does not hold, checks the log against every witness
that can be read back (the witness file, a witness folder, a witness's read command, a copy
fetched from a cosigner: `witness_external`), cross-checks the delivery tables against their
leaves, and compares the state the log recorded with the database (`audit_state`).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from forewarn.domain import LeafKind
from forewarn.errors import IntegrityError, ValidationError
from forewarn.program.audit import (
    REPLAY_FIELD,
    as_checkpoint,
    leaf_data,
    recorded_payload,
    release_payload,
    stamp,
)
from forewarn.program.audit_state import STATE_FIELD, StateDifference, check_state, state_sha256
from forewarn.program.bundles import canonical_json
from forewarn.program.merkle import MerkleTree, leaf_hash
from forewarn.program.witness import WitnessFile, WitnessReport, check_extends, check_witnessed
from forewarn.program.witness_external import ReadableWitness, readable_witnesses
from forewarn.settings import Settings
from forewarn.store.audit_repo import AuditRepository, StoredLeaf
from forewarn.store.release_repo import ReleaseRepository


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
    """The checks against the witnesses read back (a folder, a read command, copies)."""


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


def verified_tree(session: Session) -> tuple[list[StoredLeaf], MerkleTree]:
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
    external: Sequence[ReadableWitness] = (),
) -> AuditReport:
    """Recompute the whole log; raise `IntegrityError` on the first thing that does not hold.

    With `witness`, also check that the log still holds every state the witness saw, and so
    for every witness read back in `external` (a witness folder, a read command, a copy). Then the
    state the log recorded is folded from its genesis leaf and compared with the database: any
    difference raises `StateMismatchError`, which carries the report listing them all.
    """
    leaves, tree = verified_tree(session)
    checkpoints = AuditRepository(session).checkpoints()
    for stored in checkpoints:
        check_extends(
            as_checkpoint(stored), tree, public_key, kept_by="a checkpoint in the database"
        )
    signed = checkpoints[-1].size if checkpoints else 0
    if signed != tree.size:
        raise IntegrityError(
            f"audit log: leaves {signed} to {tree.size - 1} are covered by no signed checkpoint",
            hint="rows were inserted",
        )
    witnessed = None if witness is None else witness.check(tree, public_key)
    others = tuple(
        check_witnessed(other.read(), other.name, tree, public_key) for other in external
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


def verify_program_log(
    session: Session,
    public_key: Ed25519PublicKey,
    witness: WitnessFile,
    settings: Settings,
    *,
    copies: Sequence[Path] = (),
) -> AuditReport:
    """`verify_audit` with every witness the settings name: the witness file when it exists,
    the witness folder, the external witness's read command, and `copies` fetched by hand.

    The one check behind `forewarn audit verify` and the staff portal's audit page, so that
    the page never passes a log the command would fail.
    """
    readable = readable_witnesses(settings.witness_read_command, settings.witness_dir, copies)
    return verify_audit(
        session,
        public_key,
        witness=witness if witness.path.exists() else None,
        external=readable,
    )


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
    witness.append([as_checkpoint(checkpoints[-1])])
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
