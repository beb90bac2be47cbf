"""Scheduled wave release: bundles sealed ahead of each wave, released at its instant, once.

One `run_pass(sessions, keys, now=…)` does, for the embargoed cases:

1. keep the pending releases in step with the plan (`waves.sync_plan`: a suspension, a reschedule
   or a partner the plan drops cancels or moves its row, and `ReleaseRepository` drops the bundle
   held for it in the same transaction), and discard any held bundle that no longer matches its
   release (`held`: wave time, embargo end, tier, artifacts and their originals, recipient,
   marking);
2. release every due wave, every case's before any preparing: a held bundle moves into `bundles`
   in the transaction that completes its release and appends its `release` leaf (a batch shares
   one signed checkpoint); a due release with no valid held bundle (the scheduler was down, the
   plan changed at the last minute) is then marked on the spot by `release.release_due`;
3. prepare what falls due within `prepare_ahead`, earliest wave first, at most `prepare_limit`
   bundles a pass (the next pass follows at once): mark, sign and seal each partner's bundle
   outside any transaction, then hold it (`held_bundles`, age-encrypted, not fetchable).

Crash safety and exactly-once come from the store: held bundles are inserted in one transaction
(a crash before commit leaves none, the next pass prepares again), and a release is completed by
a conditional `pending → complete` update in the transaction that writes its leaf, so two passes,
or a pass after a crash, can never release a partner's wave twice. Time is an input (`now`);
`next_wake` says when the next pass has work, so a loop can sleep until the instant.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from forewarn.domain import CaseStatus, ReleaseState
from forewarn.errors import Error, ValidationError
from forewarn.program.cases import list_cases
from forewarn.program.held import Observer, discard_stale, prepare_held, release_held
from forewarn.program.keys import ProgramKeys
from forewarn.program.release import release_due
from forewarn.program.waves import sync_plan
from forewarn.store.database import Sessions
from forewarn.store.locks import hold_write_lock, release_lock_name
from forewarn.store.release_repo import ReleaseRepository, StoredRelease
from forewarn.store.schedule_repo import HeldBundleRepository

logger = logging.getLogger(__name__)

DEFAULT_PREPARE_AHEAD = timedelta(hours=1)
"""How long before a wave's instant its bundles are sealed and held."""

RELEASE_BATCH = 100
"""Held releases completed per transaction (one signed checkpoint each)."""

PREPARE_LIMIT = 32
"""Bundles one pass prepares at most, so that a pass stays short and the next one (which
releases first) comes soon; the rest are prepared by the passes that follow at once."""


@dataclass(frozen=True, slots=True)
class PassReport:
    """What one scheduler pass did."""

    now: datetime
    """The instant the pass ran at."""
    released: tuple[str, ...]
    """Release ids made fetchable from bundles held ahead of time."""
    marked_at_release: tuple[str, ...]
    """Release ids made fetchable with no held bundle (marked at the instant)."""
    prepared: tuple[str, ...]
    """Release ids whose bundles were sealed and are now held."""
    discarded: tuple[str, ...]
    """Release ids whose held bundles no longer matched their plan and were deleted."""
    next_wake: datetime | None
    """When the next pass has something to do (a bundle to prepare, a wave to release)."""
    failed: dict[str, str] = field(default_factory=dict)
    """Case id → why the pass could not handle it (the other cases were handled)."""


def _aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValidationError("a time without a zone was given", hint="use UTC")


def run_pass(
    sessions: Sessions,
    keys: ProgramKeys,
    *,
    now: datetime,
    prepare_ahead: timedelta = DEFAULT_PREPARE_AHEAD,
    release_batch: int = RELEASE_BATCH,
    prepare_limit: int = PREPARE_LIMIT,
    observe: Observer | None = None,
    workers: int | None = None,
) -> PassReport:
    """Release every due wave, then prepare and hold (at most `prepare_limit` bundles, earliest
    wave first) what falls due within `prepare_ahead`.

    Every case's due releases come before any preparing, so an instant never waits for another
    wave being prepared; when preparing is left over, `next_wake` is `now`. A case whose plan
    cannot be made (a partner in an unknown tier, say) is named in `failed`; the others go on.
    """
    _aware(now)
    if prepare_ahead < timedelta(0) or release_batch < 1 or prepare_limit < 1:
        raise ValidationError("the prepare lead cannot be negative, nor a batch or limit empty")
    run = _Pass(sessions, keys, now, observe or (lambda _step: None), workers)
    live = run.start()
    first = run.due_cases(live)
    for case_id in first:  # the instant first: cases whose due releases are planned already
        run.guard(case_id, lambda c: run.release(c, release_batch))
    rest = [c for c in live if c not in first]
    for case_id in rest:  # then the others, in step with the plan (a partner added late, …)
        run.guard(case_id, run.sync)
    for case_id in run.due_cases(rest):
        run.guard(case_id, lambda c: run.release(c, release_batch))
    for case_id in list(run.to_mark):
        run.guard(case_id, run.mark_due)
    todo: list[tuple[str, list[StoredRelease]]] = []
    for case_id in live:
        run.guard(case_id, lambda c: todo.append((c, run.to_prepare(c, prepare_ahead))))
    todo.sort(key=lambda t: min((r.available_at for r in t[1]), default=now))
    budget, more = prepare_limit, False
    for case_id, releases in todo:
        chosen = releases[:budget]
        budget -= len(chosen)
        more = more or len(chosen) < len(releases)
        if chosen:
            run.guard(case_id, partial(run.prepare, releases=chosen))
    with sessions() as session:
        wake = now if more else next_wake(session, now, prepare_ahead)
    report = run.report(wake)
    if report.released or report.marked_at_release or report.prepared or report.discarded:
        logger.info(
            "scheduler at %s: %d released (%d marked at the instant), %d prepared, %d discarded",
            now.isoformat(),
            len(report.released) + len(report.marked_at_release),
            len(report.marked_at_release),
            len(report.prepared),
            len(report.discarded),
        )
    return report


@dataclass
class _Pass:
    """One pass in progress: what it did so far, case by case."""

    sessions: Sessions
    keys: ProgramKeys
    now: datetime
    tell: Observer
    workers: int | None
    released: list[str] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)
    prepared: list[str] = field(default_factory=list)
    discarded: list[str] = field(default_factory=list)
    to_mark: list[str] = field(default_factory=list)
    pending: dict[str, list[StoredRelease]] = field(default_factory=dict)
    """Per case synced, its pending releases then (released ones are not prepared again)."""
    failed: dict[str, str] = field(default_factory=dict)

    def start(self) -> list[str]:
        """Discard what is held for published cases; the embargoed cases' ids."""
        with self.sessions() as session:
            cases = list_cases(session)
            held = HeldBundleRepository(session)
            published = [c.id for c in cases if c.status is not CaseStatus.EMBARGOED]
            gone = [rid for case_id in published for rid in sorted(held.held_ids(case_id))]
            held.discard(gone)
        self.discarded += gone
        return [c.id for c in cases if c.status is CaseStatus.EMBARGOED]

    def due_cases(self, live: Sequence[str]) -> list[str]:
        """Cases with a pending release due now (and not failed)."""
        with self.sessions() as session:
            repo = ReleaseRepository(session)
            return [
                c
                for c in live
                if c not in self.failed
                and any(r.available_at <= self.now for r in repo.for_case(c, ReleaseState.PENDING))
            ]

    def guard(self, case_id: str, step: Callable[[str], object]) -> None:
        """Run one step of a case; an `Error` fails that case (for the rest of the pass) only."""
        if case_id in self.failed:
            return
        try:
            step(case_id)
        except Error as exc:
            logger.warning("scheduler: case %s failed: %s", case_id, exc.message)
            self.failed[case_id] = exc.message

    def sync(self, case_id: str) -> list[StoredRelease]:
        """Pending releases in step with the plan, stale held bundles gone (once per pass)."""
        if case_id in self.pending:
            return self.pending[case_id]
        with self.sessions() as session:
            hold_write_lock(session, release_lock_name(case_id))  # one planner at a time
            sync_plan(session, self.keys, case_id, self.now)
            pending = ReleaseRepository(session).for_case(case_id, ReleaseState.PENDING)
            self.discarded += discard_stale(session, case_id, pending)
        self.pending[case_id] = pending
        return pending

    def release(self, case_id: str, batch: int) -> None:
        """Make the case's due releases fetchable from their held bundles."""
        pending = self.sync(case_id)
        with self.sessions() as session:
            held = HeldBundleRepository(session).held_ids(case_id)
        due = [r for r in pending if r.available_at <= self.now]
        done = release_held(
            self.sessions, self.keys, [r for r in due if r.id in held], self.now, batch, self.tell
        )
        self.released += done
        if len(done) < len(due):
            self.to_mark.append(case_id)

    def mark_due(self, case_id: str) -> None:
        """Release, marked on the spot, what was due with no valid held bundle."""
        report = release_due(self.sessions, self.keys, case_id, now=self.now, workers=self.workers)
        self.fresh += report.released

    def to_prepare(self, case_id: str, ahead: timedelta) -> list[StoredRelease]:
        """The case's releases falling due within `ahead` with no held bundle yet."""
        pending = self.sync(case_id)
        with self.sessions() as session:
            held = HeldBundleRepository(session).held_ids(case_id)
        return [
            r for r in pending if self.now < r.available_at <= self.now + ahead and r.id not in held
        ]

    def prepare(self, case_id: str, releases: Sequence[StoredRelease]) -> None:
        """Seal and hold `releases`."""
        self.prepared += prepare_held(
            self.sessions, self.keys, case_id, releases, self.now, self.tell, self.workers
        )

    def report(self, wake: datetime | None) -> PassReport:
        """The pass's report."""
        return PassReport(
            self.now,
            tuple(self.released),
            tuple(self.fresh),
            tuple(self.prepared),
            tuple(self.discarded),
            wake,
            dict(self.failed),
        )


def next_wake(session: Session, now: datetime, prepare_ahead: timedelta) -> datetime | None:
    """The next instant after `now` at which a pass has work: a wave to prepare or release."""
    held = HeldBundleRepository(session).held_ids()
    repo = ReleaseRepository(session)
    times: list[datetime] = []
    for case in list_cases(session):
        if case.status is not CaseStatus.EMBARGOED:
            continue
        for release in repo.for_case(case.id, ReleaseState.PENDING):
            times.append(release.available_at)
            if release.id not in held:
                times.append(release.available_at - prepare_ahead)
    later = [t for t in times if t > now]
    return min(later, default=None)
