"""Evidence intake: register material from the wild for a case, sealed, hashed and audited.

Each item is encrypted at rest exactly like an artifact (`artifacts.seal`, ChaCha20-Poly1305
under the program key; the associated data binds the case and the evidence id), its SHA-256 and
size are kept in clear, and the same transaction appends an `evidence` leaf to the audit log with
the hash, the seen time and its precision, the source and the collector. Rows are never updated;
`audit verify` checks every row against its leaf (`check_custody`). Content is never logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, TimePoint
from forewarn.domain.custody import EvidenceItem, evidence_id
from forewarn.domain.validation import format_time_point, require_name
from forewarn.errors import ConflictError, IntegrityError, NotFoundError, ValidationError
from forewarn.program.artifact_files import Confinement, read_confined
from forewarn.program.artifacts import seal, unseal
from forewarn.program.audit import AuditEntry, append_audit_many, recorded_payload
from forewarn.program.bundles import canonical_json
from forewarn.program.cases import get_case
from forewarn.program.keys import ProgramKeys
from forewarn.program.timeline import MAX_NOTE_LENGTH
from forewarn.store.audit_repo import StoredLeaf
from forewarn.store.evidence_repo import EvidenceRepository

logger = logging.getLogger(__name__)

MAX_EVIDENCE_BYTES = 128 * 1024 * 1024
"""Largest item registered: it is decrypted into memory to be traced, like an archive member."""

MAX_EVIDENCE_NAME = 255
"""Longest name an item is registered under."""

EVIDENCE_FILES = Confinement(
    what="evidence file",
    folder="the manifest's folder",
    hint="put the evidence in the manifest's folder and name it relative to it",
    missing_hint="check the row's `file`",
    max_bytes=MAX_EVIDENCE_BYTES,
)
"""How an evidence file is read: confined like a program file's artifacts, and capped."""

_NAMED_EVIDENCE_FILE = Confinement(
    what="evidence file",
    folder="its folder",
    hint="name one regular file, or register a folder's files with --manifest",
    missing_hint="check the path given",
    max_bytes=MAX_EVIDENCE_BYTES,
)
"""The same checks for the one FILE given on the command line, worded without a manifest."""


@dataclass(frozen=True, slots=True)
class Intake:
    """One item to register, read and checked but not stored yet."""

    name: str
    """The name it is registered under (the file name, or its path in the manifest)."""
    content: bytes
    """The bytes, as read."""
    seen: TimePoint
    """When it was seen in the wild."""
    source: str
    """Where it was seen."""
    collector: str
    """Who collected it."""


def read_evidence_file(path: Path, *, private: dict[str, Path] | None = None) -> bytes:
    """A user-named evidence file's bytes: a regular file, no symbolic link, not a program
    secret, at most `MAX_EVIDENCE_BYTES`."""
    return read_confined(path.parent, path.name, private=private, rules=_NAMED_EVIDENCE_FILE)


def _name(name: str) -> str:
    text = name.strip()
    if not text or len(text) > MAX_EVIDENCE_NAME or not text.isprintable():
        raise ValidationError(
            f"evidence name {name!r} must be 1 to {MAX_EVIDENCE_NAME} printable characters"
        )
    return text


def _text(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationError(f"evidence {what} is empty", hint=f"say the {what} with --{what}")
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(f"evidence {what} is longer than {MAX_NOTE_LENGTH} characters")
    return text


def check_intake(intake: Intake, now: datetime) -> Intake:
    """The intake with its texts trimmed, or a `ValidationError` naming what is wrong."""
    if not intake.content:
        raise ValidationError(f"evidence {intake.name!r} is empty")
    if len(intake.content) > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"evidence {intake.name!r} is larger than {MAX_EVIDENCE_BYTES} bytes")
    if intake.seen.start > now:
        raise ValidationError(
            f"evidence {intake.name!r} is said to be seen at {format_time_point(intake.seen)}, "
            "after the moment it is registered",
            hint="give --seen the moment it was seen, not a future one",
        )
    return Intake(
        name=_name(intake.name),
        content=intake.content,
        seen=intake.seen,
        source=_text(intake.source, "source"),
        collector=require_name(intake.collector, "collector"),
    )


def _associated_name(number: int) -> str:
    """The name the sealing binds: no artifact name contains `/`, so none can collide."""
    return f"evidence/{evidence_id(number)}"


def evidence_payload(item: EvidenceItem) -> dict[str, Any]:
    """What an `evidence` leaf records (never the content)."""
    return {
        "case": item.case_id,
        "evidence": item.id,
        "name": item.name,
        "sha256": item.sha256,
        "size": item.size,
        "seen": format_time_point(item.seen),
        "precision": item.seen.precision.value,
        "source": item.source,
        "collector": item.collector,
    }


def add_evidence(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    intakes: Sequence[Intake],
    *,
    now: datetime,
) -> list[EvidenceItem]:
    """Register every intake for the case in the caller's transaction, or none of them.

    The same content (by SHA-256) is registered once per case: a second registration (in this
    batch or before) is a `ConflictError` naming the first, so one file never carries two
    stories.
    """
    get_case(session, case_id)
    if not intakes:
        raise ValidationError("no evidence to add")
    repo = EvidenceRepository(session)
    number = repo.next_number(case_id)
    added: list[EvidenceItem] = []
    for raw in intakes:
        intake = check_intake(raw, now)
        digest = hashlib.sha256(intake.content).hexdigest()
        earlier = repo.by_sha256(case_id, digest)
        if earlier is not None:
            raise ConflictError(
                f"{intake.name!r} is registered already as {earlier.id} "
                f"({earlier.name}, seen {format_time_point(earlier.seen)}, {earlier.source})",
                hint="the same content is registered once; see `forewarn evidence list`",
            )
        item = EvidenceItem(
            case_id=case_id,
            number=number,
            name=intake.name,
            sha256=digest,
            size=len(intake.content),
            seen=intake.seen,
            source=intake.source,
            collector=intake.collector,
            added_at=now,
        )
        sealed = seal(keys, case_id, _associated_name(number), intake.content)
        added.append(repo.add(item, sealed))
        number += 1
    entries = [AuditEntry(LeafKind.EVIDENCE, evidence_payload(i), i.case_id) for i in added]
    append_audit_many(session, entries, now, keys=keys)
    logger.info("registered %d evidence item(s) for %s", len(added), case_id)
    return added


def list_evidence(session: Session, case_id: str) -> list[EvidenceItem]:
    """A case's registered evidence, by number."""
    get_case(session, case_id)
    return EvidenceRepository(session).items(case_id)


def read_evidence(session: Session, keys: ProgramKeys, item: EvidenceItem) -> bytes:
    """An item's plaintext, checked against its recorded SHA-256."""
    sealed = EvidenceRepository(session).sealed_content(item.case_id, item.number)
    if sealed is None:
        raise NotFoundError(f"case {item.case_id!r} has no evidence {item.id}")
    try:
        content = unseal(keys, item.case_id, _associated_name(item.number), sealed)
    except IntegrityError as exc:
        raise IntegrityError(
            f"evidence {item.case_id}/{item.id} does not decrypt: wrong key or tampered data"
        ) from exc
    if hashlib.sha256(content).hexdigest() != item.sha256:
        raise IntegrityError(f"evidence {item.case_id}/{item.id} does not match its SHA-256")
    return content


def check_custody(session: Session, leaves: Sequence[StoredLeaf]) -> int:
    """Every registered item has one `evidence` leaf that agrees with it; how many there are.

    Called by `audit verify`: a row inserted or changed behind the log's back fails it.
    """
    logged: dict[tuple[str, str], dict[str, Any]] = {}
    for leaf in leaves:
        if leaf.kind is LeafKind.EVIDENCE:
            payload = recorded_payload(leaf)
            logged[(str(payload.get("case")), str(payload.get("evidence")))] = payload
    items = EvidenceRepository(session).items()
    for item in items:
        recorded = logged.pop((item.case_id, item.id), None)
        if recorded is None:
            raise IntegrityError(f"evidence {item.case_id}/{item.id} is not in the audit log")
        if recorded != json.loads(canonical_json(evidence_payload(item))):
            raise IntegrityError(f"evidence {item.case_id}/{item.id} differs from its audit leaf")
    if logged:
        missing = ", ".join(f"{case}/{number}" for case, number in sorted(logged))
        raise IntegrityError(f"evidence {missing} is in the audit log but not in the database")
    return len(items)


__all__ = [
    "EVIDENCE_FILES",
    "MAX_EVIDENCE_BYTES",
    "Intake",
    "add_evidence",
    "check_custody",
    "check_intake",
    "evidence_payload",
    "list_evidence",
    "read_evidence",
    "read_evidence_file",
]
