"""Repository of cases, their encrypted artifacts and their timeline events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forewarn.domain import (
    Artifact,
    ArtifactKind,
    Case,
    CaseStatus,
    Cvss,
    Event,
    EventKind,
    TimePoint,
    TimePrecision,
)
from forewarn.store.models import ArtifactRow, CaseRow, EventRow
from forewarn.store.program_repo import ProgramRepository


@dataclass(frozen=True, slots=True)
class SealedContent:
    """An artifact's content as stored: AEAD nonce and ciphertext (tag included)."""

    nonce: bytes
    """The AEAD nonce used when sealing."""
    ciphertext: bytes
    """Ciphertext with its authentication tag."""


def case_from_row(row: CaseRow) -> Case:
    """Map a case row to the domain record."""
    cvss = None
    if row.cvss_vector is not None:
        cvss = Cvss(
            vector=row.cvss_vector,
            version=row.cvss_version or "",
            base_score=row.cvss_score or 0.0,
            severity=row.cvss_severity or "",
        )
    return Case(
        id=row.id,
        title=row.title,
        product=row.product,
        reported=row.reported,
        patch_planned=row.patch_planned,
        cves=tuple(row.cves),
        cvss=cvss,
        finder=row.finder,
        patch_actual=_patch_actual(row),
        status=CaseStatus(row.status),
        related=row.related_case_id,
    )


def _patch_actual(row: CaseRow) -> TimePoint | None:
    if row.patch_actual_at is None:
        return None
    return TimePoint(row.patch_actual_at, TimePrecision(row.patch_actual_precision or "instant"))


def artifact_from_row(row: ArtifactRow) -> Artifact:
    """Map an artifact row to the domain record (no content)."""
    return Artifact(
        case_id=row.case_id,
        name=row.name,
        kind=ArtifactKind(row.kind),
        min_tier=row.min_tier.name,
        sha256=row.sha256,
        size=row.size,
    )


def event_from_row(row: EventRow) -> Event:
    """Map an event row to the domain record."""
    return Event(
        case_id=row.case_id,
        at=TimePoint(start=row.at_start, precision=TimePrecision(row.precision)),
        kind=EventKind(row.kind),
        note=row.note,
        source=row.source,
    )


class CaseRepository:
    """Cases by id, with their artifacts and events."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, case_id: str) -> Case | None:
        """One case by id."""
        row = self.session.get(CaseRow, case_id)
        return None if row is None else case_from_row(row)

    def all(self) -> list[Case]:
        """Every case, ordered by id."""
        return [
            case_from_row(row) for row in self.session.scalars(select(CaseRow).order_by(CaseRow.id))
        ]

    def count(self) -> int:
        """How many cases exist."""
        return self.session.scalar(select(func.count()).select_from(CaseRow)) or 0

    def add(self, case: Case) -> Case:
        """Insert a case."""
        row = CaseRow(
            id=case.id,
            title=case.title,
            product=case.product,
            finder=case.finder,
            reported=case.reported,
            patch_planned=case.patch_planned,
            patch_actual_at=case.patch_actual.start if case.patch_actual else None,
            patch_actual_precision=case.patch_actual.precision.value if case.patch_actual else None,
            status=case.status.value,
            cves=list(case.cves),
            cvss_vector=case.cvss.vector if case.cvss else None,
            cvss_version=case.cvss.version if case.cvss else None,
            cvss_score=case.cvss.base_score if case.cvss else None,
            cvss_severity=case.cvss.severity if case.cvss else None,
            related_case_id=case.related,
        )
        self.session.add(row)
        self.session.flush()
        return case_from_row(row)

    def set_status(self, case_id: str, status: CaseStatus, patch_actual: TimePoint | None) -> Case:
        """Change a case's status and actual patch release time."""
        row = self.session.get(CaseRow, case_id)
        if row is None:
            raise LookupError(f"case {case_id!r} missing")
        row.status = status.value
        row.patch_actual_at = patch_actual.start if patch_actual else None
        row.patch_actual_precision = patch_actual.precision.value if patch_actual else None
        self.session.flush()
        return case_from_row(row)

    def set_details(self, case: Case) -> Case:
        """Replace what describes a case (title, product, finder, report date, CVEs, CVSS);
        dates that drive waves and the status change through their own use cases."""
        row = self.session.get(CaseRow, case.id)
        if row is None:
            raise LookupError(f"case {case.id!r} missing")
        row.title = case.title
        row.product = case.product
        row.finder = case.finder
        row.reported = case.reported
        row.cves = list(case.cves)
        row.cvss_vector = case.cvss.vector if case.cvss else None
        row.cvss_version = case.cvss.version if case.cvss else None
        row.cvss_score = case.cvss.base_score if case.cvss else None
        row.cvss_severity = case.cvss.severity if case.cvss else None
        self.session.flush()
        return case_from_row(row)

    def set_patch_planned(self, case_id: str, patch_planned: date) -> Case:
        """Move a case's planned patch date (the caller has checked the date order)."""
        row = self.session.get(CaseRow, case_id)
        if row is None:
            raise LookupError(f"case {case_id!r} missing")
        row.patch_planned = patch_planned
        self.session.flush()
        return case_from_row(row)

    def add_artifact(self, artifact: Artifact, sealed: SealedContent) -> Artifact:
        """Insert an artifact with its sealed content; its case and tier must exist."""
        tier = ProgramRepository(self.session).tier_row(artifact.min_tier)
        if tier is None:
            raise LookupError(f"tier {artifact.min_tier!r} missing")
        row = ArtifactRow(
            case_id=artifact.case_id,
            name=artifact.name,
            kind=artifact.kind.value,
            min_tier_id=tier.id,
            sha256=artifact.sha256,
            size=artifact.size,
            nonce=sealed.nonce,
            ciphertext=sealed.ciphertext,
        )
        self.session.add(row)
        self.session.flush()
        return artifact_from_row(row)

    def _artifact_row(self, case_id: str, name: str) -> ArtifactRow | None:
        query = select(ArtifactRow).where(ArtifactRow.case_id == case_id, ArtifactRow.name == name)
        return self.session.scalars(query).one_or_none()

    def artifact_id(self, case_id: str, name: str) -> int | None:
        """The surrogate key of an artifact, for other tables' foreign keys."""
        row = self._artifact_row(case_id, name)
        return None if row is None else row.id

    def get_artifact(self, case_id: str, name: str) -> Artifact | None:
        """One artifact's metadata."""
        row = self._artifact_row(case_id, name)
        return None if row is None else artifact_from_row(row)

    def sealed_content(self, case_id: str, name: str) -> SealedContent | None:
        """One artifact's stored nonce and ciphertext."""
        row = self._artifact_row(case_id, name)
        return None if row is None else SealedContent(nonce=row.nonce, ciphertext=row.ciphertext)

    def artifacts(self, case_id: str) -> list[Artifact]:
        """A case's artifacts in the order they were added."""
        query = select(ArtifactRow).where(ArtifactRow.case_id == case_id).order_by(ArtifactRow.id)
        return [artifact_from_row(row) for row in self.session.scalars(query)]

    def add_event(self, event: Event) -> Event:
        """Append a timeline event to its case."""
        row = EventRow(
            case_id=event.case_id,
            at_start=event.at.start,
            precision=event.at.precision.value,
            kind=event.kind.value,
            note=event.note,
            source=event.source,
        )
        self.session.add(row)
        self.session.flush()
        return event_from_row(row)

    def events(self, case_id: str, *, chronological: bool = True) -> list[Event]:
        """A case's events, by time (ties in insertion order) or purely in insertion order."""
        query = select(EventRow).where(EventRow.case_id == case_id)
        order = (EventRow.at_start, EventRow.id) if chronological else (EventRow.id,)
        return [event_from_row(row) for row in self.session.scalars(query.order_by(*order))]
