"""Held bundles: prepared and sealed ahead of a wave, checked, released from, discarded.

The scheduler's mechanics (`scheduler.run_pass` orchestrates them). A held bundle is kept only
while it is exactly what its pending release would give now (`_Now.fits`: wave time, embargo end,
tier, artifacts and their originals, the partner active with the same age recipient, the case's
marking); it is checked when held, before each pass and again inside the transaction that
releases from it, so a bundle made for another plan is never handed out.

A held bundle is signed when it is sealed, so its manifest carries the audit log's newest signed
checkpoint *of that moment* (older than at the instant: the partner fetches the newest from the
API or the portal); the held row keeps its size and the release leaf records it, as for a bundle
sealed at the instant.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from forewarn.domain import PartnerStatus, Release, ReleasedArtifact, ReleaseState
from forewarn.domain.marking import MarkingParams
from forewarn.errors import IntegrityError
from forewarn.program.artifacts import list_artifacts, read_artifact
from forewarn.program.audit import AuditEntry, append_audit_many, latest_checkpoint
from forewarn.program.bundles import seal
from forewarn.program.case_marking import MARKS_PURPOSE, marking_for_case
from forewarn.program.delivery import Assembled, assemble, record_delivery
from forewarn.program.keys import ProgramKeys
from forewarn.program.marking_pool import marked_copies
from forewarn.store.database import Sessions
from forewarn.store.release_repo import ReleaseRepository, StoredRelease
from forewarn.store.schedule_repo import HeldBundle, HeldBundleRepository

logger = logging.getLogger(__name__)

PREPARE_BATCH = 64
"""Held bundles inserted per transaction."""

FIRST_RELEASE_BATCH = 10
"""Releases in a wave's first transaction (the later ones take the scheduler's batch size)."""

Observer = Callable[[str], None]
"""Told each step as it happens: `prepare-commit` (inside the transaction holding a batch, just
before it commits), `prepared` (after), `release-commit` and `released` likewise for a batch of
releases. The CLI logs them; a crash test pauses at one to kill the process there."""


@dataclass(frozen=True, slots=True)
class _Now:
    """What a held bundle of one case must still match, read once per transaction."""

    originals: dict[str, str]
    """Artifact name → SHA-256 of the original now."""
    marking: MarkingParams
    """How the case's copies are marked now."""
    recipients: dict[str, tuple[str, str | None]]
    """Partner name → status and age recipient now."""

    @classmethod
    def read(cls, session: Session, case_id: str) -> _Now:
        originals = {a.name: a.sha256 for a in list_artifacts(session, case_id)}
        recipients = HeldBundleRepository(session).recipients()
        return cls(originals, marking_for_case(session, case_id), recipients)

    def fits(self, held: HeldBundle, release: StoredRelease) -> bool:
        """Whether a held bundle is still exactly what the release would give now."""
        return (
            release.state is ReleaseState.PENDING
            and (held.available_at, held.embargo_end, held.tier, held.artifacts)
            == (release.available_at, release.embargo_end, release.tier, release.planned_artifacts)
            and self.recipients.get(release.partner) == (PartnerStatus.ACTIVE.value, held.recipient)
            and held.marking == self.marking
            and all(self.originals.get(i.name) == i.original_sha256 for i in held.items)
        )


def discard_stale(session: Session, case_id: str, pending: Sequence[StoredRelease]) -> list[str]:
    """Delete the case's held bundles that no longer fit their pending release."""
    repo = HeldBundleRepository(session)
    by_id = {r.id: r for r in pending}
    current = _Now.read(session, case_id)
    stale = sorted(
        release_id
        for release_id, held in repo.for_case(case_id).items()
        if release_id not in by_id or not current.fits(held, by_id[release_id])
    )
    repo.discard(stale)
    if stale:
        logger.info("case %s: %d held bundles no longer fit their plan", case_id, len(stale))
    return stale


def _deliver_held(
    session: Session, held: HeldBundle, release: StoredRelease, now: datetime
) -> AuditEntry | None:
    """Complete one release from its held bundle in the caller's transaction."""
    if hashlib.sha256(held.sealed).hexdigest() != held.sealed_sha256:
        raise IntegrityError(f"the bundle held for release {release.id} was changed")
    given = Release(
        release.id,
        release.case_id,
        release.partner,
        held.available_at,
        held.embargo_end,
        tuple(ReleasedArtifact(i.name, i.kind, i.sha256) for i in held.items),
    )
    return record_delivery(
        session,
        release,
        given,
        items=held.items,
        sealed=held.sealed,
        manifest_sha256=held.manifest_sha256,
        bundle_sha256=held.bundle_sha256,
        params=held.marking,
        now=now,
        checkpoint_size=held.checkpoint_size,
    )


def release_held(
    sessions: Sessions,
    keys: ProgramKeys,
    due: Sequence[StoredRelease],
    now: datetime,
    batch: int,
    tell: Observer,
) -> list[str]:
    """Make due releases fetchable from their held bundles, `batch` per transaction."""
    released: list[str] = []
    # a small first batch: the first partners' bundles are fetchable as soon as can be
    first = min(batch, FIRST_RELEASE_BATCH)
    starts = [0, *range(first, len(due), batch)] if due else []
    for start in starts:
        chunk = due[start : start + (first if start == 0 else batch)]
        with sessions() as session:
            # read (and checked) again inside the transaction that releases them
            case_id = chunk[0].case_id
            current = _Now.read(session, case_id)
            ids = {r.id for r in chunk}
            releases = [
                r
                for r in ReleaseRepository(session).for_case(case_id, ReleaseState.PENDING)
                if r.id in ids
            ]
            held = HeldBundleRepository(session).get_many(r.id for r in releases)
            entries = [
                (r.id, _deliver_held(session, held[r.id], r, now))
                for r in releases
                if r.id in held and current.fits(held[r.id], r)
            ]
            done = [(rid, e) for rid, e in entries if e is not None]
            if done:
                append_audit_many(session, [e for _, e in done], now, keys=keys)
            tell("release-commit")
        released += [rid for rid, _ in done]
        tell("released")
    return released


def prepare_held(
    sessions: Sessions,
    keys: ProgramKeys,
    case_id: str,
    todo: Sequence[StoredRelease],
    now: datetime,
    tell: Observer,
    workers: int | None,
) -> list[str]:
    """Mark, sign and seal the bundles of `todo` and hold them, `PREPARE_BATCH` per transaction."""
    if not todo:
        return []
    with sessions() as session:
        names = sorted({n for r in todo for n in r.planned_artifacts})
        originals = {a.name: a for a in list_artifacts(session, case_id) if a.name in names}
        contents = {n: read_artifact(session, keys, case_id, n) for n in names}
        params = marking_for_case(session, case_id)
        repo = ReleaseRepository(session)
        recipients = {r.partner: repo.recipient(r.partner) for r in todo}
        # the newest checkpoint now: the bundle is signed and sealed here, not at the instant
        checkpoint = latest_checkpoint(session)
    copies = marked_copies(
        keys.derive(MARKS_PURPOSE), case_id, params, originals, contents, todo, workers
    )
    held: list[str] = []
    batch: list[HeldBundle] = []
    for pending, marked in zip(todo, copies, strict=True):
        found = recipients[pending.partner]
        if found is None or found[0] != PartnerStatus.ACTIVE.value or found[1] is None:
            continue
        made = assemble(keys, pending, originals, marked, checkpoint)
        sealed = seal(made.bundle, found[1])
        batch.append(_held_bundle(pending, made, sealed, params, found[1], now))
        if len(batch) >= PREPARE_BATCH:
            held += _hold(sessions, batch, tell)
            batch = []
    if batch:
        held += _hold(sessions, batch, tell)
    return held


def _held_bundle(
    pending: StoredRelease,
    made: Assembled,
    sealed: bytes,
    params: MarkingParams,
    recipient: str,
    now: datetime,
) -> HeldBundle:
    return HeldBundle(
        release_id=pending.id,
        case_id=pending.case_id,
        available_at=pending.available_at,
        embargo_end=pending.embargo_end,
        tier=pending.tier,
        artifacts=pending.planned_artifacts,
        recipient=recipient,
        marking=params,
        items=made.items,
        sealed=sealed,
        sealed_sha256=hashlib.sha256(sealed).hexdigest(),
        manifest_sha256=made.manifest_sha256,
        bundle_sha256=made.bundle_sha256,
        prepared_at=now,
        checkpoint_size=None if made.checkpoint is None else made.checkpoint.size,
    )


def _hold(sessions: Sessions, batch: Sequence[HeldBundle], tell: Observer) -> list[str]:
    """Insert held bundles whose release still fits them, in one transaction."""
    with sessions() as session:
        case_id = batch[0].case_id
        repo = HeldBundleRepository(session)
        pending = ReleaseRepository(session).for_case(case_id, ReleaseState.PENDING)
        releases = {r.id: r for r in pending}
        current = _Now.read(session, case_id)
        already = repo.held_ids(case_id)
        kept: list[str] = []
        for held in batch:
            release = releases.get(held.release_id)
            if release is None or held.release_id in already:
                continue
            if current.fits(held, release):
                repo.add(held)
                kept.append(held.release_id)
        tell("prepare-commit")
    tell("prepared")
    return kept
