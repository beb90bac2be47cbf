"""`forewarn case import`: a CSAF 2.0 advisory or a CVE JSON 5 record creates or updates a case.

The document is read by `forewarn.exchange` (format told by content), then every field goes
through the same domain rules as `case create`. An update replaces what describes the case
(title, product, finder, report date, CVSS) and adds the document's CVE ids; it never moves the
planned date (that is `case reschedule`, which replans the waves and logs it) and never turns a
published case back to embargoed. A final document publishes an embargoed case.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from forewarn.domain import Case, CaseStatus
from forewarn.domain.timeline import TimePoint, TimePrecision
from forewarn.domain.validation import (
    parse_cvss,
    require_name,
    validate_case_dates,
    validate_case_id,
    validate_cves,
)
from forewarn.errors import ConflictError, ValidationError
from forewarn.exchange import ImportedCase, read_document
from forewarn.program.cases import create_case, publish_case
from forewarn.program.keys import ProgramKeys
from forewarn.store import CaseRepository


@dataclass(frozen=True, slots=True)
class CaseImport:
    """What one import did."""

    case: Case
    """The case as stored afterwards."""
    created: bool
    """A new case (`True`) or an update of an existing one."""
    format: str
    """The document's format (`csaf`, `cve`)."""
    notes: tuple[str, ...] = ()
    """What was assumed or left alone, one line each."""


def _required(imported: ImportedCase) -> tuple[str, str]:
    if not imported.title.strip() or not imported.product.strip():
        raise ValidationError(f"the {imported.format} document gives no title or no product")
    return imported.title, imported.product


def _day(value: date | None) -> TimePoint | None:
    """A document's public date as a day-precision time point (documents give dates)."""
    if value is None:
        return None
    return TimePoint(datetime.combine(value, time(0, 0), tzinfo=UTC), TimePrecision.DAY)


def import_case(
    session: Session,
    keys: ProgramKeys,
    imported: ImportedCase,
    *,
    now: datetime,
    case_id: str | None = None,
) -> CaseImport:
    """Create the case the document describes, or update it when it exists.

    A final document publishes an embargoed case, through `publish_case` (an audit leaf).
    """
    chosen = case_id or imported.case_id
    if chosen is None:
        raise ValidationError(
            f"the {imported.format} document names no case of this program",
            hint="pass --case ID",
        )
    chosen = validate_case_id(chosen)
    title, product = _required(imported)
    repo = CaseRepository(session)
    existing = repo.get(chosen)
    notes = list(imported.notes)
    if existing is None:
        if imported.reported is None or imported.patch_planned is None:
            raise ValidationError(
                f"the {imported.format} document gives no report or public date",
                hint="create the case with `forewarn case create`, then import into it",
            )
        case = create_case(
            session,
            keys,
            now=now,
            case_id=chosen,
            title=title,
            product=product,
            reported=imported.reported,
            patch_planned=imported.patch_planned,
            cves=imported.cves,
            cvss=imported.cvss,
            finder=imported.finder,
            patch_actual=_day(imported.patch_actual) if imported.published else None,
            status=CaseStatus.PUBLISHED if imported.published else CaseStatus.EMBARGOED,
        )
        return CaseImport(case, True, imported.format, tuple(notes))
    updated = dataclasses.replace(
        existing,
        title=require_name(title, "title"),
        product=require_name(product, "product"),
        reported=imported.reported or existing.reported,
        cves=validate_cves(dict.fromkeys((*existing.cves, *imported.cves))),
        cvss=parse_cvss(imported.cvss) if imported.cvss else existing.cvss,
        finder=imported.finder or existing.finder,
    )
    actual = None if updated.patch_actual is None else updated.patch_actual.start.date()
    validate_case_dates(updated.reported, updated.patch_planned, actual)
    if (
        imported.patch_planned is not None
        and imported.patch_planned != existing.patch_planned
        and not imported.published
    ):
        raise ConflictError(
            f"the document plans {imported.patch_planned}, case {chosen} plans "
            f"{existing.patch_planned}",
            hint=f"move the date with `forewarn case reschedule {chosen}` first",
        )
    case = repo.set_details(updated)
    if imported.published and case.status is CaseStatus.EMBARGOED:
        day = imported.patch_actual or imported.patch_planned or case.patch_planned
        point = _day(day)
        assert point is not None
        case = publish_case(session, keys, chosen, at=point, now=max(now, point.end))
        notes.append(f"case published: the document is final (public on {day})")
    elif not imported.published and case.status is CaseStatus.PUBLISHED:
        notes.append("the case is published already; it stays published")
    return CaseImport(case, False, imported.format, tuple(notes))


def import_document(
    session: Session,
    keys: ProgramKeys,
    content: bytes,
    *,
    now: datetime,
    case_id: str | None = None,
) -> CaseImport:
    """`import_case` of a document's bytes (CSAF 2.0 or CVE JSON 5, told by content)."""
    return import_case(session, keys, read_document(content), now=now, case_id=case_id)


__all__ = ["CaseImport", "import_case", "import_document"]
