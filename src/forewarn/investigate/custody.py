"""The evidence an investigation reads, and the date it gives each piece (and why that one).

By default an investigation traces the case's registered evidence (`forewarn evidence add`),
decrypted into memory and read by the hunt's safe readers (limits, never executed). Files given
with `--evidence` are traced too; each file (or archive member, or the archive holding it) whose
SHA-256 matches a registered item is that item, and is not traced twice.

Each finding is dated by the earliest of what is known: the registered seen time, and for a web
log the day of its first line (the requests were made then, whenever the log was collected).
Only when neither exists is the file's modification day used; it is a guess (a copy made today
has today's), so the result carries a warning naming the files and how to register them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.domain.custody import DateBasis, Dating, EvidenceItem
from forewarn.domain.investigation import Finding
from forewarn.domain.timeline import TimePoint
from forewarn.errors import InvestigationError
from forewarn.hunt import Hunt, Item, TraceResult, read_bytes, read_paths
from forewarn.investigate.original import with_original_readings
from forewarn.investigate.program_hunt import program_hunt
from forewarn.investigate.tracing import LOG_HEAD, log_day, modification_day
from forewarn.program.evidence import list_evidence, read_evidence
from forewarn.program.keys import ProgramKeys

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Gathered:
    """The findings of one investigation's evidence, with what the reader must be told."""

    findings: tuple[Finding, ...]
    """One per item traced, dated."""
    warnings: tuple[str, ...]
    """Sentences for the output and the report (files dated by modification time)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    item: Item
    digest: str
    custody: EvidenceItem | None
    disk: Path | None


def _digest(item: Item) -> str:
    """SHA-256 of an item's content (streamed from disk, or held in memory)."""
    if item.error is not None:
        return ""
    if item.data is not None:
        return hashlib.sha256(item.data).hexdigest()
    return _file_digest(Path(item.source)) if item.source else ""


def _file_digest(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def _given(paths: Sequence[Path], hunt: Hunt, registry: Mapping[str, EvidenceItem]) -> list[_Entry]:
    """Every item under the given paths, each matched to a registered item by SHA-256 (its
    own, or that of the archive file holding it)."""
    tops: dict[str, str] = {}
    entries = []
    for item in read_paths(paths, hunt.limits):
        disk = Path(item.archive or item.source or item.path.split("!", 1)[0])
        digest = _digest(item)
        custody = registry.get(digest)
        if custody is None and item.archive is not None:
            if str(disk) not in tops:
                tops[str(disk)] = _file_digest(disk)
            custody = registry.get(tops[str(disk)])
        entries.append(_Entry(item, digest, custody, disk))
    return entries


def _registered(
    session: Session, keys: ProgramKeys, hunt: Hunt, items: Sequence[EvidenceItem]
) -> list[_Entry]:
    """Registered items, decrypted into memory and read exactly as files on disk are."""
    entries: list[_Entry] = []
    for custody in items:
        content = read_evidence(session, keys, custody)
        read = read_bytes(custody.name, content, hunt.limits)
        entries.extend(_Entry(item, _digest(item), custody, None) for item in read)
    return entries


def date_item(
    item: Item, custody: EvidenceItem | None, disk: Path | None, digest: str = ""
) -> tuple[TimePoint, Dating]:
    """The date a traced item gets, and how it was chosen (the module docstring's rule);
    `digest` is the item's SHA-256 when already known."""
    digest = digest or _digest(item)
    head = item.head(LOG_HEAD).decode("utf-8", "replace") if item.error is None else ""
    lines = log_day(head)
    known = []
    if custody is not None:
        known.append((custody.seen, DateBasis.REGISTERED))
    if lines is not None:
        known.append((lines, DateBasis.LOG_LINES))
    detail = ""
    if custody is not None and lines is not None:
        detail = f"registered as seen {custody.seen}; its lines start {lines}"
    if known:
        seen, basis = min(known, key=lambda k: (k[0].start, k[1] is not DateBasis.REGISTERED))
        return seen, Dating(basis, custody=custody, sha256=digest, detail=detail)
    if disk is None:
        raise InvestigationError(f"{item.path}: no date is known for it")
    return modification_day(disk), Dating(DateBasis.MTIME, sha256=digest)


def finding_of(
    result: TraceResult, seen: TimePoint, case_id: str, dating: Dating | None = None
) -> Finding:
    """A trace result as the engine's `Finding`, keeping only what concerns `case_id`."""
    name = result.path.rsplit("/", 1)[-1]
    return Finding(
        label=name,
        kind=result.kind,
        seen=seen,
        matches=tuple(m for m in result.matches if m.case == case_id),
        suspects=result.suspects,
        tokens=tuple(t for t in result.tokens if t.case == case_id),
        marks_read=tuple(sorted({r.artifact for r in result.read if r.case == case_id})),
        dating=dating,
    )


def mtime_warning(case_id: str, findings: Sequence[Finding]) -> str:
    """One sentence naming every finding dated by its modification day, or empty."""
    guessed = [f for f in findings if f.dating is not None and f.dating.basis is DateBasis.MTIME]
    if not guessed:
        return ""
    listed = ", ".join(f"{f.label} ({f.seen})" for f in guessed[:8])
    more = f" and {len(guessed) - 8} more" if len(guessed) > 8 else ""
    return (
        f"{len(guessed)} item(s) dated only by file modification day: {listed}{more}; a copy "
        "made later carries a later day, so their timing may be wrong. Register them with "
        f"`forewarn evidence add {case_id} FILE --seen TIME --source TEXT` to date them by "
        "when they were seen"
    )


def gather(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    paths: Sequence[Path] = (),
    *,
    registered: bool = True,
    as_of: datetime | None = None,
) -> Gathered:
    """Trace the case's registered evidence (unless `registered` is off) and the files under
    `paths`, in one run (every accusation's bound counts all of them), each finding dated.

    An investigation as of a past moment knows only what was registered by then: a replay of
    the timeline must not be told of a log somebody brought in later.
    """
    for path in paths:
        if not path.exists():
            raise InvestigationError(f"evidence {path} does not exist")
    stored = list_evidence(session, case_id)
    later = [i for i in stored if as_of is not None and i.added_at > as_of]
    notes = (_later_note(later, as_of),) if later and as_of is not None else ()
    stored = [i for i in stored if i not in later]
    if not paths and not (registered and stored):
        return Gathered((), notes if registered else ())
    hunt = program_hunt(session, keys, case_id=case_id)
    registry = {item.sha256: item for item in stored}
    entries = _given(paths, hunt, registry)
    if registered:
        matched = {e.custody.sha256 for e in entries if e.custody is not None}
        entries += _registered(session, keys, hunt, [i for i in stored if i.sha256 not in matched])
    # an investigation's evidence is read against the original too, so its items are kept
    examined = [hunt.examine_item(e.item) for e in entries]
    results = hunt.conclude_all(examined)
    pairs = []
    for entry, seen_item, result in zip(entries, examined, results, strict=True):
        if result.error is not None:
            logger.warning("%s: %s", result.path, result.error)
        seen, dating = date_item(entry.item, entry.custody, entry.disk, entry.digest)
        pairs.append((seen_item, finding_of(result, seen, case_id, dating)))
    findings = with_original_readings(session, keys, case_id, pairs)
    warning = mtime_warning(case_id, findings)
    warnings = (*(notes if registered else ()), *((warning,) if warning else ()))
    return Gathered(tuple(findings), warnings)


def _later_note(later: Sequence[EvidenceItem], as_of: datetime) -> str:
    ids = ", ".join(i.id for i in later[:5]) + (", …" if len(later) > 5 else "")
    return (
        f"{len(later)} registered evidence item(s) added after {as_of:%Y-%m-%d %H:%M} UTC left "
        f"out ({ids}): they were not known then"
    )


__all__ = ["Gathered", "date_item", "finding_of", "gather", "mtime_warning"]
