"""Case use cases: create, show, list, publish."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from forewarn.domain import Case, CaseStatus, LeafKind, TimePoint
from forewarn.domain.validation import (
    format_time_point,
    parse_cvss,
    require_name,
    validate_case_dates,
    validate_case_id,
    validate_cves,
)
from forewarn.errors import ConflictError, NotFoundError, ValidationError
from forewarn.program.amendments import issue_amendments
from forewarn.program.audit import append_audit
from forewarn.program.keys import ProgramKeys
from forewarn.program.policy import embargo_end
from forewarn.store import CaseRepository


def actual_day(case: Case) -> date | None:
    """The day the patch shipped (the start of its recorded time), for date checks."""
    return None if case.patch_actual is None else case.patch_actual.start.date()


def create_case(
    session: Session,
    keys: ProgramKeys,
    *,
    now: datetime,
    case_id: str,
    title: str,
    product: str,
    reported: date,
    patch_planned: date,
    cves: Sequence[str] = (),
    cvss: str | None = None,
    finder: str = "",
    patch_actual: TimePoint | None = None,
    status: CaseStatus = CaseStatus.EMBARGOED,
    related: str | None = None,
) -> Case:
    """Open a case after checking its id, CVE ids, CVSS vector, dates and related case; logged
    (its planned patch date decides when partners get it)."""
    validate_case_dates(
        reported, patch_planned, None if patch_actual is None else patch_actual.start.date()
    )
    case = Case(
        id=validate_case_id(case_id),
        title=require_name(title, "title"),
        product=require_name(product, "product"),
        reported=reported,
        patch_planned=patch_planned,
        cves=validate_cves(cves),
        cvss=None if cvss is None else parse_cvss(cvss),
        finder=require_name(finder, "finder") if finder.strip() else "",
        patch_actual=patch_actual,
        status=status,
        related=related or None,
    )
    repo = CaseRepository(session)
    if repo.get(case.id) is not None:
        raise ConflictError(f"case {case.id!r} exists already")
    if case.related is not None:
        if case.related == case.id:
            raise ValidationError(f"case {case.id!r} cannot be related to itself")
        get_case(session, case.related)
    created = repo.add(case)
    payload = {
        "case": created.id,
        "patch_planned": created.patch_planned.isoformat(),
        "status": created.status.value,
    }
    append_audit(session, LeafKind.CASE_CREATED, payload, now, keys=keys, subject=created.id)
    return created


def get_case(session: Session, case_id: str) -> Case:
    """One case, or `NotFoundError`."""
    case = CaseRepository(session).get(case_id)
    if case is None:
        raise NotFoundError(f"unknown case {case_id!r}", hint="see `forewarn case list`")
    return case


def list_cases(session: Session) -> list[Case]:
    """Every case, ordered by id."""
    return CaseRepository(session).all()


def publish_case(
    session: Session, keys: ProgramKeys, case_id: str, *, at: TimePoint, now: datetime
) -> Case:
    """Record that the case's patch was released to the public at `at`, as an audit leaf.

    `at` keeps its precision (a day, or the instant the advisory went out): the investigation
    compares later activity with it at that precision. A release cannot be recorded before it
    happened (`at` after `now`), twice, or before the report.
    """
    case = get_case(session, case_id)
    if case.status is CaseStatus.PUBLISHED:
        when = "" if case.patch_actual is None else f" at {format_time_point(case.patch_actual)}"
        raise ConflictError(f"case {case_id} is published already{when}")
    validate_case_dates(case.reported, case.patch_planned, at.start.date())
    if at.start > now:
        raise ValidationError(
            f"the patch release {format_time_point(at)} is after now ({now:%Y-%m-%d %H:%M} UTC)",
            hint="record a release once it has happened, or replay history with --now",
        )
    published = CaseRepository(session).set_status(case_id, CaseStatus.PUBLISHED, at)
    append_audit(
        session,
        LeafKind.PUBLICATION,
        {
            "case": case_id,
            "patch_actual": format_time_point(at),
            "precision": at.precision.value,
            "patch_planned": case.patch_planned.isoformat(),
        },
        now,
        keys=keys,
        subject=case_id,
    )
    issue_amendments(
        session,
        keys,
        case_id,
        change="published",
        before=embargo_end(case),
        after=at.start,
        now=now,
    )
    return published
