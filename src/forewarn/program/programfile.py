"""The program file (YAML, docs/program-file.md): a whole program in and out.

Pydantic validates the document at this edge; the use cases then apply every domain rule, all
inside the caller's transaction, so a bad file writes nothing. Export writes the canonical form
(every field, artifact files at `<case id>/<name>` next to the YAML), and importing that form
and exporting again gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.domain import (
    ArtifactKind,
    LeafKind,
    Partner,
    PartnerChange,
    PartnerStatus,
    StatusChange,
    Tier,
)
from forewarn.domain.validation import (
    format_duration,
    format_instant,
    format_time_point,
    parse_duration,
    parse_instant,
    parse_time_point,
    require_name,
)
from forewarn.errors import ValidationError
from forewarn.program import artifacts, cases, partners, tiers, timeline
from forewarn.program.artifact_files import read_confined
from forewarn.program.audit import append_audit
from forewarn.program.keys import ProgramKeys
from forewarn.program.owner_only import make_owner_folder, write_owner_only
from forewarn.program.partners import JOINED_REASON
from forewarn.program.programfile_schema import (
    ArtifactEntry,
    CaseEntry,
    ChangeEntry,
    EventEntry,
    HistoryEntry,
    PartnerEntry,
    ProgramFile,
    ProgramSection,
    TierEntry,
    dump_program_file,
    read_program_file,
)
from forewarn.store import CaseRepository, ProgramRepository


@dataclass(frozen=True, slots=True)
class TransferSummary:
    """What an import or export moved."""

    tiers: int
    """Tiers."""
    partners: int
    """Partners."""
    cases: int
    """Cases."""
    artifacts: int
    """Artifacts (files)."""
    events: int
    """Timeline events."""


def _summary(document: ProgramFile) -> TransferSummary:
    return TransferSummary(
        tiers=len(document.program.tiers),
        partners=len(document.partners),
        cases=len(document.cases),
        artifacts=sum(len(case.artifacts) for case in document.cases),
        events=sum(len(case.events) for case in document.cases),
    )


def import_program(
    session: Session,
    keys: ProgramKeys,
    path: Path,
    *,
    now: datetime,
    private: Mapping[str, Path],
) -> TransferSummary:
    """Load a whole program from `path` into an initialised program without partners or cases.

    Artifact files are read first, confined to the program file's folder and never one of the
    `private` files (`Program.private_files()`), see `artifact_files`; a refusal writes nothing.
    """
    document = read_program_file(path)
    contents = {
        (case.id, item.name): read_confined(path.parent, item.file, private=private)
        for case in document.cases
        for item in case.artifacts
    }
    tiers.configure_tiers(
        session,
        [
            Tier(
                name=entry.name,
                rank=entry.rank,
                lead_time=parse_duration(entry.lead_time),
                artifact_kinds=frozenset(entry.artifact_kinds),
            )
            for entry in document.program.tiers
        ],
    )
    ProgramRepository(session).update(
        name=require_name(document.program.name, "program name"), rules=document.program.rules
    )
    for entry in document.partners:
        history = tuple(
            StatusChange(at=parse_instant(change.at), status=change.status, reason=change.reason)
            for change in entry.history
        ) or (StatusChange(at=now, status=PartnerStatus.ACTIVE, reason=JOINED_REASON),)
        partners.save_partner(
            session,
            Partner(
                name=entry.name,
                country=entry.country,
                tier=entry.tier,
                emails=tuple(entry.emails),
                age_recipient=entry.age_recipient,
                nda_date=entry.nda_date,
                nda_expires=entry.nda_expires,
                history=history,
                changes=tuple(
                    PartnerChange(
                        at=parse_instant(c.at),
                        field=c.field,
                        before=c.before,
                        after=c.after,
                        reason=c.reason,
                    )
                    for c in entry.changes
                ),
            ),
        )
    for case in _related_first(document.cases):
        _import_case(session, keys, case, contents, now)
    summary = _summary(document)
    payload = {"file": path.name, "partners": summary.partners, "cases": summary.cases}
    append_audit(session, LeafKind.PROGRAM_IMPORT, payload, now, keys=keys)
    return summary


def _related_first(entries: Sequence[CaseEntry]) -> list[CaseEntry]:
    """Cases in file order, except that a case comes after the case it is related to."""
    ids = {c.id for c in entries}
    placed: list[CaseEntry] = []
    done: set[str] = set()
    waiting = list(entries)
    while waiting:
        ready = [
            c for c in waiting if c.related is None or c.related in done or c.related not in ids
        ]
        if not ready:  # a cycle: create_case then reports the first missing case
            ready = waiting[:1]
        for case in ready:
            placed.append(case)
            done.add(case.id)
        waiting = [c for c in waiting if c.id not in done]
    return placed


def _import_case(
    session: Session,
    keys: ProgramKeys,
    case: CaseEntry,
    contents: Mapping[tuple[str, str], bytes],
    now: datetime,
) -> None:
    cases.create_case(
        session,
        keys,
        now=now,
        case_id=case.id,
        title=case.title,
        product=case.product,
        reported=case.reported,
        patch_planned=case.patch_planned,
        cves=case.cves,
        cvss=case.cvss,
        finder=case.finder,
        patch_actual=None if case.patch_actual is None else parse_time_point(case.patch_actual),
        status=case.status,
        related=case.related,
    )
    for item in case.artifacts:
        artifacts.add_artifact(
            session,
            keys,
            case_id=case.id,
            name=item.name,
            content=contents[(case.id, item.name)],
            kind=item.kind,
            min_tier=item.min_tier,
            now=now,
        )
    for event in case.events:
        timeline.add_event(
            session,
            case_id=case.id,
            at=parse_time_point(event.at),
            kind=event.kind,
            note=event.note,
            source=event.source,
        )


def build_program_file(session: Session) -> ProgramFile:
    """The program's current state as a document (artifact contents not included)."""
    info = ProgramRepository(session).get()
    if info is None:
        raise ValidationError("the database holds no program", hint="run `forewarn init` first")
    repo = CaseRepository(session)
    return ProgramFile(
        program=ProgramSection(
            name=info.name,
            tiers=[
                TierEntry(
                    name=tier.name,
                    rank=tier.rank,
                    lead_time=format_duration(tier.lead_time),
                    artifact_kinds=[kind for kind in ArtifactKind if kind in tier.artifact_kinds],
                )
                for tier in tiers.list_tiers(session)
            ],
            rules=list(info.rules),
        ),
        partners=[
            PartnerEntry(
                name=partner.name,
                country=partner.country,
                tier=partner.tier,
                emails=list(partner.emails),
                age_recipient=partner.age_recipient,
                nda_date=partner.nda_date,
                nda_expires=partner.nda_expires,
                history=[
                    HistoryEntry(at=format_instant(c.at), status=c.status, reason=c.reason)
                    for c in partner.history
                ],
                changes=[
                    ChangeEntry(
                        at=format_instant(c.at),
                        field=c.field,
                        before=c.before,
                        after=c.after,
                        reason=c.reason,
                    )
                    for c in partner.changes
                ],
            )
            for partner in partners.list_partners(session)
        ],
        cases=[
            CaseEntry(
                id=case.id,
                title=case.title,
                product=case.product,
                cves=list(case.cves),
                cvss=case.cvss.vector if case.cvss else None,
                finder=case.finder,
                reported=case.reported,
                patch_planned=case.patch_planned,
                patch_actual=None
                if case.patch_actual is None
                else format_time_point(case.patch_actual),
                status=case.status,
                related=case.related,
                artifacts=[
                    ArtifactEntry(
                        name=a.name, kind=a.kind, min_tier=a.min_tier, file=f"{case.id}/{a.name}"
                    )
                    for a in repo.artifacts(case.id)
                ],
                events=[
                    EventEntry(
                        at=format_time_point(e.at), kind=e.kind, note=e.note, source=e.source
                    )
                    for e in repo.events(case.id, chronological=False)
                ],
            )
            for case in cases.list_cases(session)
        ],
    )


def export_program(
    session: Session, keys: ProgramKeys, path: Path, *, overwrite: bool = False
) -> TransferSummary:
    """Write the program to `path` and its decrypted artifacts to `<case id>/<name>` beside it.

    Everything written is embargoed plaintext: files 0600, folders 0700, never through a link.
    A file that exists already is replaced only with `overwrite`, and found before any is written.
    """
    if path.is_symlink():
        raise ValidationError(f"refusing to write through the symbolic link {path}")
    document = build_program_file(session)
    base = path.parent
    if not overwrite:
        targets = [path] + [base / i.file for c in document.cases for i in c.artifacts]
        existing = next((t for t in targets if t.exists() or t.is_symlink()), None)
        if existing is not None:
            raise ValidationError(
                f"{existing} exists already; nothing was written",
                hint="pass --force to replace the export's files",
            )
    make_owner_folder(base)
    for case in document.cases:
        for item in case.artifacts:
            content = artifacts.read_artifact(session, keys, case.id, item.name)
            target = base / item.file
            make_owner_folder(target.parent)
            write_owner_only(target, content)
    write_owner_only(path, dump_program_file(document).encode("utf-8"))
    return _summary(document)
