"""Wave use cases: plan a case's waves, keep pending releases in step, reschedule.

The plan is computed from the policy (`program.policy`) and is never stored as such; what is
stored are release rows. `sync_plan` makes the `pending` rows match the plan: new partners get a
row, moved waves move their rows, partners the plan drops (suspended, no key, a rule) have theirs
cancelled with the reason. Delivered (`complete`) releases are history and never move.
`left_out` says, for a release run, who gets nothing (or less) now and why.
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import assert_never

from sqlalchemy.orm import Session

from forewarn.domain import Case, LeafKind, ReleaseState, Wave
from forewarn.domain.validation import format_instant, require_name, validate_case_dates
from forewarn.errors import NotFoundError, ReleaseError, ValidationError
from forewarn.program.amendments import issue_amendments
from forewarn.program.artifacts import list_artifacts
from forewarn.program.audit import AuditEntry, append_audit, append_audit_many, stamp
from forewarn.program.cases import actual_day, get_case
from forewarn.program.keys import ProgramKeys
from forewarn.program.partners import list_partners
from forewarn.program.policy import embargo_end, parse_rules, plan_waves
from forewarn.program.tiers import list_tiers
from forewarn.store import CaseRepository, PartnerRepository, ProgramRepository
from forewarn.store.release_repo import ReleaseRepository, StoredRelease

logger = logging.getLogger(__name__)


def _aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValidationError("a time without a zone was given", hint="use UTC")


def plan_case(session: Session, case_id: str) -> list[Wave]:
    """The waves of a case under the current policy, delivered releases kept as they were."""
    case = get_case(session, case_id)
    program = ProgramRepository(session).get()
    if program is None:
        raise NotFoundError("no program in this database", hint="run `forewarn init` first")
    complete = ReleaseRepository(session).for_case(case_id, ReleaseState.COMPLETE)
    return plan_waves(
        case,
        list_tiers(session),
        list_partners(session),
        list_artifacts(session, case_id),
        parse_rules(program.rules),
        released=[r.as_release() for r in complete],
    )


def sync_plan(session: Session, keys: ProgramKeys, case_id: str, now: datetime) -> list[Wave]:
    """Make the case's pending releases match its plan; return the plan.

    A pending release the plan drops is cancelled with a `release-cancelled` leaf: who gets
    what is decided in the log, not behind it.
    """
    _aware(now)
    waves = plan_case(session, case_id)
    repo = ReleaseRepository(session)
    partners = PartnerRepository(session)
    existing = repo.for_case(case_id)
    done = {r.partner for r in existing if r.state is ReleaseState.COMPLETE}
    pending = {r.partner: r for r in existing if r.state is ReleaseState.PENDING}
    reasons = {e.partner: e.reason for w in waves for e in w.excluded}
    planned = {p: w for w in waves for p in w.partners if p not in done}
    end = embargo_end(get_case(session, case_id))
    cancelled: list[AuditEntry] = []
    for name, release in pending.items():
        wave = planned.get(name)
        if wave is None:
            reason = reasons.get(name, "no longer in the plan")
            if repo.cancel(release.id, reason=reason, now=now):
                payload = {"release_id": release.id, "partner": name, "reason": reason}
                cancelled.append(AuditEntry(LeafKind.RELEASE_CANCELLED, payload, release.id))
        elif (release.available_at, release.embargo_end, release.planned_artifacts) != (
            wave.at,
            end,
            wave.artifacts[name],
        ):
            _move(repo, existing, release, wave, end, now)
    for name, wave in planned.items():
        if name in pending:
            continue
        partner_id = partners.id_of(name)
        if partner_id is None:
            raise NotFoundError(f"unknown partner {name!r}")
        repo.add_pending(
            release_id=uuid.uuid4().hex,
            case_id=case_id,
            partner_id=partner_id,
            tier=wave.tier,
            available_at=wave.at,
            embargo_end=end,
            artifacts=wave.artifacts[name],
            now=now,
        )
    append_audit_many(session, cancelled, now, keys=keys)
    return waves


class LeftOutKind(enum.StrEnum):
    """Why a partner gets nothing, or less, from a release run."""

    EXCLUDED = "excluded"
    """The policy leaves it out of the case (suspended, no key, a rule)."""
    ADJUSTED = "adjusted"
    """Released with less: an artifact withheld or the notice delayed by a rule."""
    NOT_DUE = "not-due"
    """Its wave comes later."""
    ALREADY_RELEASED = "already-released"
    """An earlier run delivered it."""


@dataclass(frozen=True, slots=True)
class LeftOut:
    """One partner (or one artifact of a partner's) that a release run leaves out."""

    partner: str
    """Partner name."""
    kind: LeftOutKind
    """The kind of reason."""
    reason: str
    """Why, in one line (`suspended since …`, `poc withheld by rule 1`, `not yet due until …`)."""
    at: datetime | None = None
    """When its wave falls due (`not-due`) or was delivered (`already-released`)."""


def left_out(
    plan: Sequence[Wave], releases: Sequence[StoredRelease], now: datetime
) -> tuple[LeftOut, ...]:
    """What a release at `now` leaves out and why, read from the plan and the release rows.

    `releases` are the rows before the run delivers anything: `pending` ones due at `now` are
    what it delivers, so their rules' adjustments are listed; the rest say when or that it is done.
    """
    found = [LeftOut(e.partner, LeftOutKind.EXCLUDED, e.reason) for w in plan for e in w.excluded]
    due = {r.partner for r in releases if r.state is ReleaseState.PENDING and r.available_at <= now}
    found += [
        LeftOut(a.partner, LeftOutKind.ADJUSTED, a.reason)
        for w in plan
        for a in w.adjusted
        if a.partner in due
    ]
    for r in releases:
        match r.state:
            case ReleaseState.PENDING:
                if r.available_at > now:
                    why = f"not yet due until {format_instant(r.available_at)}"
                    found.append(LeftOut(r.partner, LeftOutKind.NOT_DUE, why, r.available_at))
            case ReleaseState.COMPLETE:
                why = f"already released at {format_instant(r.available_at)}"
                found.append(LeftOut(r.partner, LeftOutKind.ALREADY_RELEASED, why, r.available_at))
            case ReleaseState.CANCELLED:
                pass
            case _:
                assert_never(r.state)
    return tuple(found)


def _move(
    repo: ReleaseRepository,
    existing: list[StoredRelease],
    release: StoredRelease,
    wave: Wave,
    end: datetime,
    now: datetime,
) -> None:
    """Move a pending release; a cancelled row at the new time is left as history."""
    clash = any(
        r.partner == release.partner and r.available_at == wave.at and r.id != release.id
        for r in existing
    )
    if clash:
        repo.cancel(release.id, reason="replaced by a new plan", now=now)
        raise ReleaseError(
            f"partner {release.partner!r} already has a cancelled release at {stamp(wave.at)}",
            hint="run the command again to plan a fresh release",
        )
    repo.replan(
        release.id, available_at=wave.at, embargo_end=end, artifacts=wave.artifacts[release.partner]
    )


@dataclass(frozen=True, slots=True)
class LeadTimeChange:
    """A partner that will have less time to prepare than before a reschedule."""

    partner: str
    """Partner name."""
    before: timedelta
    """Lead time before the reschedule."""
    after: timedelta
    """Lead time after it (negative: the patch is already out when they learn of it)."""
    released: bool
    """Whether the partner already had its bundle."""


@dataclass(frozen=True, slots=True)
class RescheduleResult:
    """What a reschedule changed."""

    case: Case
    """The case with its new planned patch date."""
    waves: tuple[Wave, ...]
    """The recomputed plan."""
    less_lead_time: tuple[LeadTimeChange, ...]
    """Partners now getting less lead time, by partner name."""


def _lead(release: StoredRelease, end: datetime, now: datetime) -> timedelta:
    complete = release.state is ReleaseState.COMPLETE
    sent = release.available_at if complete else max(release.available_at, now)
    return end - sent


def reschedule(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    patch_planned: date,
    reason: str,
    now: datetime,
) -> RescheduleResult:
    """Move the planned patch date, recompute unreleased waves, log it, report lost lead time."""
    _aware(now)
    reason = require_name(reason, "reason")
    case = get_case(session, case_id)
    validate_case_dates(case.reported, patch_planned, actual_day(case))
    old_end = embargo_end(case)
    repo = ReleaseRepository(session)
    before = {
        r.partner: _lead(r, old_end, now)
        for r in repo.for_case(case_id)
        if r.state is not ReleaseState.CANCELLED
    }
    case = CaseRepository(session).set_patch_planned(case_id, patch_planned)
    waves = sync_plan(session, keys, case_id, now)
    new_end = embargo_end(case)
    changes = [
        LeadTimeChange(
            r.partner, before[r.partner], _lead(r, new_end, now), r.state is ReleaseState.COMPLETE
        )
        for r in repo.for_case(case_id)
        if r.state is not ReleaseState.CANCELLED
        and r.partner in before
        and _lead(r, new_end, now) < before[r.partner]
    ]
    append_audit(
        session,
        LeafKind.RESCHEDULE,
        {
            "case": case_id,
            "patch_planned_before": old_end.date().isoformat(),
            "patch_planned_after": patch_planned.isoformat(),
            "reason": reason,
        },
        now,
        keys=keys,
        subject=case_id,
    )
    issue_amendments(
        session, keys, case_id, change="rescheduled", before=old_end, after=new_end, now=now
    )
    logger.info("case %s rescheduled; %d partners lose lead time", case_id, len(changes))
    return RescheduleResult(case, tuple(waves), tuple(sorted(changes, key=lambda c: c.partner)))


def case_releases(session: Session, case_id: str) -> list[StoredRelease]:
    """A case's release rows (pending, complete and cancelled), by wave time then partner."""
    get_case(session, case_id)
    return ReleaseRepository(session).for_case(case_id)
