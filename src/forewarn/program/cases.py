"""Case use cases: create, show, list, publish."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from forewarn.domain import Case, CaseStatus
from forewarn.domain.validation import (
    parse_cvss,
    require_name,
    validate_case_dates,
    validate_case_id,
    validate_cves,
)
from forewarn.errors import ConflictError, NotFoundError
from forewarn.store import CaseRepository


def create_case(
    session: Session,
    *,
    case_id: str,
    title: str,
    product: str,
    reported: date,
    patch_planned: date,
    cves: Sequence[str] = (),
    cvss: str | None = None,
    finder: str = "",
    patch_actual: date | None = None,
    status: CaseStatus = CaseStatus.EMBARGOED,
) -> Case:
    """Open a case after checking its id, CVE ids, CVSS vector and dates."""
    validate_case_dates(reported, patch_planned, patch_actual)
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
    )
    repo = CaseRepository(session)
    if repo.get(case.id) is not None:
        raise ConflictError(f"case {case.id!r} exists already")
    return repo.add(case)


def get_case(session: Session, case_id: str) -> Case:
    """One case, or `NotFoundError`."""
    case = CaseRepository(session).get(case_id)
    if case is None:
        raise NotFoundError(f"unknown case {case_id!r}", hint="see `forewarn case list`")
    return case


def list_cases(session: Session) -> list[Case]:
    """Every case, ordered by id."""
    return CaseRepository(session).all()


def publish_case(session: Session, case_id: str, *, patch_actual: date) -> Case:
    """Mark a case published: its patch shipped on `patch_actual`."""
    case = get_case(session, case_id)
    validate_case_dates(case.reported, case.patch_planned, patch_actual)
    return CaseRepository(session).set_status(case_id, CaseStatus.PUBLISHED, patch_actual)
