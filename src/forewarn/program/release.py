"""Release use cases: deliver due waves, fetch, acknowledge, regenerate and check a copy.

`release_due` is crash-safe and idempotent. Planning writes `pending` rows in one transaction;
then each partner's release is one transaction that flips its row `pending → complete` (only if
still pending), stores the age-encrypted bundle and items and appends the audit leaf. A process
killed at any point leaves each partner either untouched (pending, no bundle) or complete, and
running it again completes the rest; two runs at once cannot both complete the same row.
Marking (the costly part) runs in a process pool for large waves, outside any transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from forewarn.domain import (
    Artifact,
    CaseStatus,
    LeafKind,
    PartnerStatus,
    Release,
    ReleaseState,
)
from forewarn.domain.marking import MarkingParams
from forewarn.errors import (
    AuthorizationError,
    ConflictError,
    EmbargoError,
    IntegrityError,
    NotFoundError,
    ReleaseError,
)
from forewarn.marks.engine import MarkedCopy, Marker
from forewarn.marks.schemes import new_params
from forewarn.program.artifacts import list_artifacts, read_artifact
from forewarn.program.audit import (
    AuditEntry,
    append_audit,
    append_audit_many,
    checkpoint_of_size,
    latest_checkpoint,
)
from forewarn.program.bundles import build_bundle, seal
from forewarn.program.cases import get_case
from forewarn.program.delivery import Assembled, assemble, record_delivery
from forewarn.program.keys import ProgramKeys
from forewarn.program.merkle import Checkpoint
from forewarn.program.partners import get_partner
from forewarn.program.waves import LeftOut, left_out, sync_plan
from forewarn.store import PartnerRepository, ProgramRepository
from forewarn.store.audit_repo import AuditRepository
from forewarn.store.locks import (
    hold_run_lock,
    hold_write_lock,
    release_lock_name,
    release_run_lock_name,
)
from forewarn.store.marking_repo import MarkingRepository
from forewarn.store.release_repo import ReleaseRepository, StoredRelease

logger = logging.getLogger(__name__)

MARKS_PURPOSE = "marks"
"""HKDF purpose of the secret the fingerprinting engine is keyed with."""

MIN_CODE_PARTNERS = 64
"""Smallest population a case's code is sized for, so a growing program keeps one code."""

POOL_THRESHOLD = 64
"""Waves with more partners than this are marked in a process pool."""

BATCH_PARTNERS = 16
"""Partners delivered per transaction: one commit and one signed checkpoint for all of them.
A fetch waits only for the batch holding its own partner's row (`own_release`)."""

Sessions = Callable[[], AbstractContextManager[Session]]
"""A factory of transactions, e.g. `Program.session`."""


def marking_for_case(session: Session, case_id: str) -> MarkingParams:
    """How the case's copies are marked: as stored by its first delivered release, or, before
    that, as the next release will mark them (the code sized for the program's population)."""
    stored = MarkingRepository(session).marking(case_id)
    if stored is not None:
        return stored
    count = max(PartnerRepository(session).count(), MIN_CODE_PARTNERS)
    program = ProgramRepository(session).get()
    domains = program.domains if program is not None else ()
    return new_params(1 << (count - 1).bit_length(), domains=domains)


def marker_for_case(session: Session, keys: ProgramKeys, case_id: str) -> Marker:
    """The engine exactly as the case's copies were marked (tracing and investigation too)."""
    return Marker.for_case(keys.derive(MARKS_PURPOSE), case_id, marking_for_case(session, case_id))


@dataclass(frozen=True, slots=True)
class ReleaseReport:
    """What one `release_due` run did."""

    case_id: str
    """The case."""
    released: tuple[str, ...]
    """Release ids delivered by this run."""
    already: int
    """Releases of due waves delivered by an earlier run."""
    later: int
    """Pending releases whose wave is not due yet."""
    left_out: tuple[LeftOut, ...] = ()
    """Every partner this run gives nothing (or less), with the reason (`waves.left_out`)."""


_WORKER: dict[str, object] = {}


def _init_worker(
    secret: bytes, case_id: str, params: MarkingParams, originals: dict[str, Artifact]
) -> None:
    _WORKER["marker"] = Marker.for_case(secret, case_id, params)
    _WORKER["originals"] = originals


def _mark_one(job: tuple[str, tuple[str, ...], dict[str, bytes]]) -> dict[str, MarkedCopy]:
    partner, names, contents = job
    marker = _WORKER["marker"]
    originals = _WORKER["originals"]
    assert isinstance(marker, Marker) and isinstance(originals, dict)
    return {n: marker.mark(n, originals[n].kind, contents[n], partner) for n in names}


def marked_copies(
    secret: bytes,
    case_id: str,
    params: MarkingParams,
    originals: dict[str, Artifact],
    contents: dict[str, bytes],
    due: Sequence[StoredRelease],
    workers: int | None,
) -> Iterator[dict[str, MarkedCopy]]:
    """Each due release's marked copies, in order; a pool when the wave is large."""
    jobs = [
        (r.partner, r.planned_artifacts, {n: contents[n] for n in r.planned_artifacts}) for r in due
    ]
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if len(due) <= POOL_THRESHOLD or count <= 1:
        _init_worker(secret, case_id, params, originals)
        yield from map(_mark_one, jobs)
        return
    # `forkserver`, not `fork`: forking a process that runs threads (a server, a test runner,
    # native libraries' pools) can leave the child with a lock held or a broken native state.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(
        count,
        mp_context=context,
        initializer=_init_worker,
        initargs=(secret, case_id, params, originals),
    ) as pool:
        yield from pool.map(_mark_one, jobs, chunksize=16)


def release_due(
    sessions: Sessions,
    keys: ProgramKeys,
    case_id: str,
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> ReleaseReport:
    """Deliver every release of `case_id` whose wave time is at or before `now`.

    Runs of one case serialise: on PostgreSQL a second run waits for the first to end (an
    advisory lock held by a guard transaction), then finds its releases delivered and counts
    them `already`; on SQLite each transaction holds the write lock, so two runs interleave
    batch by batch and each row is delivered by exactly one of them.
    """
    with sessions() as guard:
        hold_run_lock(guard, release_run_lock_name(case_id))
        return _release_due(sessions, keys, case_id, now=now, progress=progress, workers=workers)


def _release_due(
    sessions: Sessions,
    keys: ProgramKeys,
    case_id: str,
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None,
    workers: int | None,
) -> ReleaseReport:
    with sessions() as session:
        # Planning writes the pending rows: one planner at a time (else a duplicate row).
        hold_write_lock(session, release_lock_name(case_id))
        case = get_case(session, case_id)
        if case.status is CaseStatus.PUBLISHED:
            raise ReleaseError(f"case {case_id} is published; there is nothing to pre-release")
        plan = sync_plan(session, keys, case_id, now)
        releases = ReleaseRepository(session).for_case(case_id)
        skipped = left_out(plan, releases, now)
        due = [r for r in releases if r.state is ReleaseState.PENDING and r.available_at <= now]
        already = sum(
            1 for r in releases if r.state is ReleaseState.COMPLETE and r.available_at <= now
        )
        later = sum(1 for r in releases if r.state is ReleaseState.PENDING and r.available_at > now)
        names = sorted({n for r in due for n in r.planned_artifacts})
        originals = {a.name: a for a in list_artifacts(session, case_id) if a.name in names}
        contents = {n: read_artifact(session, keys, case_id, n) for n in names}
        params = marking_for_case(session, case_id)
        checkpoint = latest_checkpoint(session)
    released: list[str] = []
    copies = marked_copies(
        keys.derive(MARKS_PURPOSE), case_id, params, originals, contents, due, workers
    )
    batch: list[tuple[StoredRelease, Assembled]] = []
    done = 0
    for pending, marked in zip(due, copies, strict=True):
        batch.append((pending, assemble(keys, pending, originals, marked, checkpoint)))
        if len(batch) < BATCH_PARTNERS and done + len(batch) < len(due):
            continue
        for (delivered, _), ok in zip(
            batch, _deliver(sessions, keys, batch, params, now, checkpoint), strict=True
        ):
            if ok:
                released.append(delivered.id)
            else:
                already += 1
        done += len(batch)
        batch = []
        if progress is not None:
            progress(done, len(due))
    logger.info("case %s: %d releases delivered", case_id, len(released))
    return ReleaseReport(case_id, tuple(released), already, later, skipped)


def _deliver(
    sessions: Sessions,
    keys: ProgramKeys,
    batch: Sequence[tuple[StoredRelease, Assembled]],
    params: MarkingParams,
    now: datetime,
    checkpoint: Checkpoint | None = None,
) -> list[bool]:
    """Several partners' releases in one transaction (one commit, one signed checkpoint); per
    partner `False` when another run delivered it or it may no longer have it. A crash leaves
    each partner of the batch pending, never half delivered."""
    outcome: list[bool] = []
    with sessions() as session:
        repo = ReleaseRepository(session)
        entries: list[AuditEntry] = []
        for pending, made in batch:
            found = repo.recipient(pending.partner)
            if found is None:
                raise NotFoundError(f"unknown partner {pending.partner!r}")
            status, recipient = found
            if recipient is None or status != PartnerStatus.ACTIVE.value:
                outcome.append(False)
                continue
            entry = record_delivery(
                session,
                pending,
                made.release,
                items=made.items,
                sealed=seal(made.bundle, recipient),
                manifest_sha256=made.manifest_sha256,
                bundle_sha256=made.bundle_sha256,
                params=params,
                now=now,
                checkpoint_size=None if checkpoint is None else checkpoint.size,
            )
            outcome.append(entry is not None)
            if entry is not None:
                entries.append(entry)
        append_audit_many(session, entries, now, keys=keys)
    return outcome


@dataclass(frozen=True, slots=True)
class FetchedBundle:
    """A partner's encrypted bundle, as handed over."""

    release: Release
    """What it contains."""
    sealed: bytes
    """The age-encrypted tar."""


def own_release(
    session: Session, case_id: str, partner: str, now: datetime, release_id: str | None
) -> StoredRelease:
    """The partner's delivered release of the case; raise unless it is theirs, due and the
    partner active (bundles and standards views alike)."""
    found = get_partner(session, partner)
    get_case(session, case_id)
    repo = ReleaseRepository(session)
    if release_id is not None:
        chosen = repo.get(release_id)
        if chosen is None or chosen.case_id != case_id:
            raise NotFoundError(f"case {case_id} has no release {release_id!r}")
        if chosen.partner != partner:
            raise AuthorizationError(f"release {release_id} is not {partner!r}'s copy")
        candidates = [chosen]
    else:
        candidates = repo.for_case(case_id, partner=found.name)
    if found.status is not PartnerStatus.ACTIVE:
        raise AuthorizationError(f"partner {partner!r} is {found.status.value}; nothing is sent")
    complete = [r for r in candidates if r.state is ReleaseState.COMPLETE]
    due = ReleaseState.PENDING
    in_flight = [r for r in candidates if r.state is due and r.available_at <= now]
    if not complete and in_flight:
        # Due but not delivered yet: a release run may be writing this partner's row right
        # now. Wait for that row (not for the whole wave), then read again.
        for pending in in_flight:
            repo.settled_state(pending.id)
        again = repo.for_case(case_id, partner=found.name, fresh=True)
        candidates = [r for r in again if release_id is None or r.id == release_id]
        complete = [r for r in candidates if r.state is ReleaseState.COMPLETE]
        if not complete and any(r.state is ReleaseState.PENDING for r in candidates):
            raise ConflictError(
                f"{case_id} is due to {partner!r} but not delivered yet",
                hint="its release may be under way (`forewarn wave release`): fetch again soon",
            )
    if not complete:
        waiting = [r for r in candidates if r.state is ReleaseState.PENDING]
        if waiting:
            when = waiting[0].available_at
            raise EmbargoError(
                f"{partner!r} may not have {case_id} before {when:%Y-%m-%dT%H:%M:%SZ}"
            )
        raise NotFoundError(f"nothing of {case_id} was released to {partner!r}")
    release = complete[-1]
    if release.available_at > now:
        raise EmbargoError(
            f"{partner!r} may not have {case_id} before {release.available_at:%Y-%m-%dT%H:%M:%SZ}"
        )
    return release


def prepare_fetch(
    session: Session,
    case_id: str,
    *,
    partner: str,
    now: datetime,
    release_id: str | None = None,
) -> FetchedBundle:
    """A partner's own encrypted bundle, once due, checked against its recorded hash; it is
    not handed over until `record_fetch`'s leaf is committed (read-only here)."""
    release = own_release(session, case_id, partner, now, release_id)
    stored = ReleaseRepository(session).sealed_bundle(release.id)
    if stored is None:
        raise IntegrityError(f"release {release.id} is complete but has no bundle")
    sealed, recorded = stored
    if hashlib.sha256(sealed).hexdigest() != recorded:
        raise IntegrityError(f"the stored bundle of release {release.id} was changed")
    return FetchedBundle(release.as_release(), sealed)


def require_still_due(session: Session, release: Release, now: datetime) -> None:
    """Raise unless `release` is still delivered, due at `now` and its partner active: the
    check a fetch repeats in the transaction that logs it (a suspension meanwhile wins)."""
    found = ReleaseRepository(session).delivery(release.id)
    if found is None or found[0] is not ReleaseState.COMPLETE:
        raise NotFoundError(f"release {release.id} is no longer delivered")
    _, available_at, status = found
    if available_at > now:
        raise EmbargoError(f"release {release.id} is not due before {available_at}")
    if status != PartnerStatus.ACTIVE.value:
        raise AuthorizationError(f"partner {release.partner!r} is not active; nothing is sent")


def record_fetch(session: Session, release: Release, *, now: datetime, channel: str) -> AuditEntry:
    """Write the download row of `release`; the leaf to append in the same transaction."""
    ReleaseRepository(session).add_fetch(release.id, now, channel)
    payload = {
        "release_id": release.id,
        "case": release.case_id,
        "partner": release.partner,
        "channel": channel,
    }
    return AuditEntry(LeafKind.FETCH, payload, release.id)


def fetch_bundle(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    partner: str,
    now: datetime,
    release_id: str | None = None,
    channel: str = "cli",
) -> FetchedBundle:
    """Hand a partner its own encrypted bundle, once due, and log the download."""
    fetched = prepare_fetch(session, case_id, partner=partner, now=now, release_id=release_id)
    entry = record_fetch(session, fetched.release, now=now, channel=channel)
    append_audit(session, entry.kind, entry.payload, now, keys=keys, subject=entry.subject)
    return fetched


def record_ack(
    session: Session, case_id: str, *, partner: str, now: datetime, note: str = ""
) -> tuple[Release, AuditEntry]:
    """Check the partner's release is due and theirs, write the acknowledgement row; the
    release and the leaf to append in the same transaction."""
    release = own_release(session, case_id, partner, now, None)
    ReleaseRepository(session).add_ack(release.id, now, note)
    payload = {"release_id": release.id, "case": case_id, "partner": partner, "note": note}
    return release.as_release(), AuditEntry(LeafKind.ACK, payload, release.id)


def ack_bundle(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    partner: str,
    now: datetime,
    note: str = "",
) -> Release:
    """Record that a partner acknowledged its bundle."""
    release, entry = record_ack(session, case_id, partner=partner, now=now, note=note)
    append_audit(session, entry.kind, entry.payload, now, keys=keys, subject=entry.subject)
    return release


def check_release(session: Session, keys: ProgramKeys, release_id: str) -> Release:
    """Regenerate a delivered copy from the originals and raise unless it matches the record."""
    release, _ = regenerate_bundle(session, keys, release_id)
    return release


def regenerate_bundle(
    session: Session, keys: ProgramKeys, release_id: str
) -> tuple[Release, bytes]:
    """A delivered release's plaintext bundle rebuilt from the originals (marks are
    deterministic), checked against the recorded hashes; e.g. to re-seal it to a new age key."""
    repo = ReleaseRepository(session)
    release = repo.get(release_id)
    if release is None or release.state is not ReleaseState.COMPLETE:
        raise NotFoundError(f"no delivered release {release_id!r}")
    marker = marker_for_case(session, keys, release.case_id)
    originals = {a.name: a for a in list_artifacts(session, release.case_id)}
    contents: dict[str, bytes] = {}
    for item in release.items:
        original = read_artifact(session, keys, release.case_id, item.name)
        copy = marker.mark(item.name, originals[item.name].kind, original, release.partner)
        if hashlib.sha256(copy.content).hexdigest() != item.sha256:
            raise IntegrityError(f"release {release_id}: {item.name} does not regenerate")
        contents[item.name] = copy.content
    bundle = build_bundle(
        release.as_release(), contents, keys.signing_key, _carried_checkpoint(session, release_id)
    )
    if hashlib.sha256(bundle).hexdigest() != repo.hashes(release_id)[1]:
        raise IntegrityError(f"release {release_id}: the bundle does not regenerate")
    return release.as_release(), bundle


def _carried_checkpoint(session: Session, release_id: str) -> Checkpoint | None:
    """The audit checkpoint a delivered bundle carries, as its release leaf records it."""
    leaf = AuditRepository(session).find(LeafKind.RELEASE, release_id)
    size = None if leaf is None else json.loads(leaf.payload).get("checkpoint_size")
    return None if size is None else checkpoint_of_size(session, int(size))
