"""One partner's delivery: its signed bundle assembled from marked copies, then recorded.

Shared by the two ways a release happens: `release.release_due` (marked and sealed at the
instant) and `scheduler` (sealed ahead, held, recorded at the instant). `record_delivery` is
the one place a pending release becomes fetchable: the conditional `pending → complete` update,
the bundle, the items, the case's marking fixed, and the `release` leaf to append with them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from forewarn.domain import Artifact, LeafKind, Release, ReleasedArtifact
from forewarn.domain.marking import MarkingParams
from forewarn.errors import ReleaseError
from forewarn.marks.engine import MarkedCopy
from forewarn.program.audit import AuditEntry, release_payload
from forewarn.program.bundles import build_bundle, manifest_of
from forewarn.program.keys import ProgramKeys
from forewarn.program.merkle import Checkpoint
from forewarn.store.marking_repo import MarkingRepository
from forewarn.store.release_completion import Completion, ItemRecord, ReleaseCompletions
from forewarn.store.release_repo import StoredRelease


@dataclass(frozen=True, slots=True)
class Assembled:
    """One partner's signed bundle, made from its marked copies, before it is sealed."""

    release: Release
    """What it gives, as the manifest and the release leaf say."""
    items: tuple[ItemRecord, ...]
    """The marked copies' records."""
    bundle: bytes
    """The signed plaintext tar (embargoed: sealed at once, never stored)."""
    manifest_sha256: str
    """SHA-256 of the canonical manifest."""
    bundle_sha256: str
    """SHA-256 of `bundle`."""
    checkpoint: Checkpoint | None = None
    """The audit checkpoint the bundle carries (its size goes into the release leaf)."""


def assemble(
    keys: ProgramKeys,
    pending: StoredRelease,
    originals: dict[str, Artifact],
    marked: dict[str, MarkedCopy],
    checkpoint: Checkpoint | None = None,
) -> Assembled:
    """The signed bundle of a pending release from its marked copies (`marked_copies`),
    carrying the audit log's latest signed `checkpoint`."""
    items = tuple(
        ItemRecord(
            name,
            originals[name].kind.value,
            originals[name].sha256,
            hashlib.sha256(copy.content).hexdigest(),
            len(copy.content),
        )
        for name, copy in sorted(marked.items())
    )
    release = Release(
        pending.id,
        pending.case_id,
        pending.partner,
        pending.available_at,
        pending.embargo_end,
        tuple(ReleasedArtifact(i.name, i.kind, i.sha256) for i in items),
    )
    contents = {name: copy.content for name, copy in marked.items()}
    bundle = build_bundle(release, contents, keys.signing_key, checkpoint)
    sizes = {name: len(data) for name, data in contents.items()}
    manifest = manifest_of(release, sizes, keys.signing_key.public_key(), checkpoint)
    return Assembled(
        release,
        items,
        bundle,
        hashlib.sha256(manifest).hexdigest(),
        hashlib.sha256(bundle).hexdigest(),
        checkpoint,
    )


def record_delivery(
    session: Session,
    pending: StoredRelease,
    release: Release,
    *,
    items: Sequence[ItemRecord],
    sealed: bytes,
    manifest_sha256: str,
    bundle_sha256: str,
    params: MarkingParams,
    now: datetime,
    checkpoint_size: int | None = None,
) -> AuditEntry | None:
    """Make a pending release delivered (fetchable) in the caller's transaction; the `release`
    leaf to append with it, or `None` when another run delivered it first."""
    sealed_sha256 = hashlib.sha256(sealed).hexdigest()
    if not ReleaseCompletions(session).complete(
        pending.id,
        items=items,
        sealed=sealed,
        sealed_sha256=sealed_sha256,
        manifest_sha256=manifest_sha256,
        bundle_sha256=bundle_sha256,
        now=now,
    ):
        return None
    if MarkingRepository(session).fix_marking(pending.case_id, params, now) != params:
        raise ReleaseError(
            f"case {pending.case_id} was marked differently by another release run meanwhile",
            hint="run `forewarn wave release` again: it marks with the stored parameters",
        )
    payload = release_payload(release, pending.tier, manifest_sha256, bundle_sha256, sealed_sha256)
    if checkpoint_size is not None:
        payload["checkpoint_size"] = checkpoint_size
    return AuditEntry(LeafKind.RELEASE, payload, subject=pending.id)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One partner's sealed bundle, ready to record (`record_deliveries`)."""

    pending: StoredRelease
    """The pending release it delivers."""
    made: Assembled
    """Its signed bundle and what it gives."""
    sealed: bytes
    """The bundle encrypted to the partner's age recipient."""


def record_deliveries(
    session: Session,
    deliveries: Sequence[Delivery],
    *,
    params: MarkingParams,
    now: datetime,
    checkpoint_size: int | None = None,
) -> list[AuditEntry | None]:
    """`record_delivery` for several partners in the caller's transaction, in a few statements
    whatever their number (a release batch); per partner its `release` leaf to append, or
    `None` when another run delivered it first."""
    if not deliveries:
        return []
    hashed = [hashlib.sha256(d.sealed).hexdigest() for d in deliveries]
    won = ReleaseCompletions(session).complete_many(
        [
            Completion(
                d.pending.id,
                d.made.items,
                d.sealed,
                sealed_sha256,
                d.made.manifest_sha256,
                d.made.bundle_sha256,
            )
            for d, sealed_sha256 in zip(deliveries, hashed, strict=True)
        ],
        now=now,
    )
    cases = {d.pending.case_id for d, ok in zip(deliveries, won, strict=True) if ok}
    for case_id in sorted(cases):
        if MarkingRepository(session).fix_marking(case_id, params, now) != params:
            raise ReleaseError(
                f"case {case_id} was marked differently by another release run meanwhile",
                hint="run `forewarn wave release` again: it marks with the stored parameters",
            )
    entries: list[AuditEntry | None] = []
    for d, sealed_sha256, ok in zip(deliveries, hashed, won, strict=True):
        if not ok:
            entries.append(None)
            continue
        payload = release_payload(
            d.made.release,
            d.pending.tier,
            d.made.manifest_sha256,
            d.made.bundle_sha256,
            sealed_sha256,
        )
        if checkpoint_size is not None:
            payload["checkpoint_size"] = checkpoint_size
        entries.append(AuditEntry(LeafKind.RELEASE, payload, subject=d.pending.id))
    return entries
