"""The program file's schema (YAML, docs/program-file.md): what a document may hold, checked
by Pydantic at this edge, and how it is read and written as text.

`programfile` applies a parsed document to a program (import) and builds one from it (export);
this module only knows the document.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from forewarn.bounded import read_bounded_text
from forewarn.domain import (
    ArtifactKind,
    CaseStatus,
    EventKind,
    PartnerStatus,
)
from forewarn.domain.validation import (
    EARLIEST,
    LATEST,
    format_instant,
)
from forewarn.errors import ValidationError
from forewarn.program.policy import parse_rules
from forewarn.program.yaml_input import load_yaml

PROGRAM_FILE_LIMIT = 64 * 1024**2
"""Largest program file read (a 10,000-partner program is a few MB)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _time_text(value: object) -> object:
    """YAML turns unquoted dates and timestamps into objects; keep our text forms."""
    if isinstance(value, datetime):
        return format_instant(value) if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class TierEntry(_Model):
    """A tier as written in the file."""

    name: str
    rank: int
    lead_time: str
    artifact_kinds: list[ArtifactKind]


class ProgramSection(_Model):
    """The `program:` mapping."""

    name: str
    tiers: list[TierEntry]
    rules: list[dict[str, Any]] = []


def _in_calendar(value: date | None) -> date | None:
    """A file's dates stay in the years forewarn accepts (no overflow when waves are planned)."""
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValueError(f"{value.isoformat()} is outside {EARLIEST.year}–{LATEST.year}")
    return value


class HistoryEntry(_Model):
    """One status change of a partner."""

    at: str
    status: PartnerStatus
    reason: str

    _at = field_validator("at", mode="before")(_time_text)


class ChangeEntry(_Model):
    """One edit of a partner's record (`partner edit`, `partner import`)."""

    at: str
    field: str
    before: str
    after: str
    reason: str

    _at = field_validator("at", mode="before")(_time_text)


class PartnerEntry(_Model):
    """A partner as written in the file."""

    name: str
    country: str
    tier: str
    emails: list[str] = []
    age_recipient: str | None = None
    nda_date: date | None = None
    nda_expires: date | None = None
    history: list[HistoryEntry] = []
    changes: list[ChangeEntry] = []

    _dates = field_validator("nda_date", "nda_expires")(_in_calendar)


class ArtifactEntry(_Model):
    """An artifact and the file holding its content, relative to the YAML."""

    name: str
    kind: ArtifactKind
    min_tier: str
    file: str


class EventEntry(_Model):
    """A timeline event; `at` keeps its precision (`2020-12`, `2021-02-27`, an instant)."""

    at: str
    kind: EventKind
    note: str = ""
    source: str = ""

    _at = field_validator("at", mode="before")(_time_text)


class CaseEntry(_Model):
    """A case with its artifacts and events."""

    id: str
    title: str
    product: str
    cves: list[str] = []
    cvss: str | None = None
    finder: str = ""
    reported: date
    patch_planned: date
    patch_actual: str | None = None
    status: CaseStatus = CaseStatus.EMBARGOED
    related: str | None = None
    artifacts: list[ArtifactEntry] = []
    events: list[EventEntry] = []

    _patch_actual = field_validator("patch_actual", mode="before")(_time_text)
    _dates = field_validator("reported", "patch_planned")(_in_calendar)


class ProgramFile(_Model):
    """The whole document."""

    program: ProgramSection
    partners: list[PartnerEntry] = []
    cases: list[CaseEntry] = []


def parse_program_file(text: str, *, source: str = "program file") -> ProgramFile:
    """Parse and validate YAML text into a `ProgramFile`."""
    raw = load_yaml(text, source=source)
    try:
        document = ProgramFile.model_validate(raw)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        raise ValidationError(f"{source}: {where}: {first['msg']}") from exc
    for index, rule in enumerate(document.program.rules):
        try:
            json.dumps(rule)
        except TypeError as exc:
            raise ValidationError(
                f"{source}: program.rules.{index}: {exc}", hint="quote dates and times in rules"
            ) from exc
    try:
        parse_rules(document.program.rules)
    except ValidationError as exc:
        raise ValidationError(
            f"{source}: {exc.message}", hint=exc.hint or "see docs/program-file.md, Policy rules"
        ) from exc
    return document


def read_program_file(path: Path) -> ProgramFile:
    """Read and validate a program file from disk."""
    text = read_bounded_text(path, limit=PROGRAM_FILE_LIMIT, what="program file")
    return parse_program_file(text, source=str(path))


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def dump_program_file(document: ProgramFile) -> str:
    """The canonical YAML text of a document."""
    data = _plain(document.model_dump(mode="python"))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
