"""Deliver a case's due waves: mark every due partner's copy, then seal and record it in batches.

`release_due` is crash-safe and idempotent. Planning writes `pending` rows in one transaction;
then each batch of partners' releases is one transaction that flips their rows
`pending → complete` (only if still pending), stores the age-encrypted bundles and items and
appends the audit leaves. A process killed at any point leaves each partner either untouched
(pending, no bundle) or complete, and running it again completes the rest; two runs at once
cannot both complete the same row. Marking (the costly part, `marking_pool`) runs in a process
pool for large waves, outside any transaction. A partner then takes its copy through
`bundle_handover`; `regenerate` checks a delivered copy against its record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from forewarn.domain import CaseStatus, PartnerStatus, ReleaseState
from forewarn.domain.marking import MarkingParams
from forewarn.errors import NotFoundError, ReleaseError
from forewarn.program.artifacts import list_artifacts, read_artifact
from forewarn.program.audit import append_audit_many, latest_checkpoint
from forewarn.program.bundles import seal
from forewarn.program.case_marking import MARKS_PURPOSE, marking_for_case
from forewarn.program.cases import get_case
from forewarn.program.delivery import Assembled, Delivery, assemble, record_deliveries
from forewarn.program.keys import ProgramKeys
from forewarn.program.marking_pool import marked_copies
from forewarn.program.merkle import Checkpoint
from forewarn.program.waves import LeftOut, left_out, sync_plan
from forewarn.store.database import Sessions
from forewarn.store.locks import (
    hold_run_lock,
    hold_write_lock,
    release_lock_name,
    release_run_lock_name,
)
from forewarn.store.release_repo import ReleaseRepository, StoredRelease

logger = logging.getLogger(__name__)

BATCH_PARTNERS = 16
"""Partners delivered per transaction: one commit and one signed checkpoint for all of them.
A fetch waits only for the batch holding its own partner's row (`release_access.own_release`)."""


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
    with sessions() as session:
        repo = ReleaseRepository(session)
        found = repo.recipients([pending.partner for pending, _ in batch])
        deliveries: list[Delivery] = []
        for pending, made in batch:
            if pending.partner not in found:
                raise NotFoundError(f"unknown partner {pending.partner!r}")
            status, recipient = found[pending.partner]
            if recipient is not None and status == PartnerStatus.ACTIVE.value:
                deliveries.append(Delivery(pending, made, seal(made.bundle, recipient)))
        recorded = record_deliveries(
            session,
            deliveries,
            params=params,
            now=now,
            checkpoint_size=None if checkpoint is None else checkpoint.size,
        )
        delivered = {
            d.pending.id for d, e in zip(deliveries, recorded, strict=True) if e is not None
        }
        append_audit_many(session, [e for e in recorded if e is not None], now, keys=keys)
    return [pending.id in delivered for pending, _ in batch]
