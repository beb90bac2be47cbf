"""Bulk import and update of partners from CSV into a live program.

Columns (a header row names them; order free; only `name` is required):

```
name,country,tier,emails,age_recipient,nda_date,nda_expires
Northwind Labs,US,early-access,psirt@northwind.example;soc@northwind.example,age1…,,2027-01-14
```

A row naming an unknown partner adds it (`country` and `tier` then required); a row naming an
existing one edits it, each non-empty cell replacing that field (`emails` separated by `;`), with
the same checks, history, audit leaf and key-rotation re-sealing as `partner edit`. Every row is
checked first; any bad row is reported by line and nothing at all is written. Without `apply`
nothing is written either: the report says what each row would do.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from forewarn.domain import Partner, PartnerChange, PartnerStatus, StatusChange
from forewarn.domain.identities import normal_form, skeleton
from forewarn.domain.validation import parse_date, require_name
from forewarn.errors import Error, ValidationError
from forewarn.program.keys import ProgramKeys
from forewarn.program.partner_edit import PartnerEdit, apply_edit, plan_edit
from forewarn.program.partners import (
    JOINED_REASON,
    log_partner_added,
    save_partner,
    validate_partner,
)
from forewarn.store import PartnerRepository

COLUMNS = ("name", "country", "tier", "emails", "age_recipient", "nda_date", "nda_expires")
"""The columns a partner CSV may have."""

MAX_ROWS = 10_000
"""Largest file accepted in one import."""


@dataclass(frozen=True, slots=True)
class ImportRow:
    """What one CSV row does (or would do)."""

    line: int
    """Line number in the file (the header is line 1)."""
    partner: str
    """The partner named."""
    action: str
    """`add`, `update`, `unchanged` or `error`."""
    detail: str
    """The fields changed, or the error."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (`applied`) or would do."""

    applied: bool
    """Whether the changes were written."""
    rows: tuple[ImportRow, ...]
    """One entry per data row."""


def _cell(row: dict[str, str | None], key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return value or None


def _day(row: dict[str, str | None], key: str) -> date | None:
    text = _cell(row, key)
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValidationError as exc:
        raise ValidationError(f"{key}: {exc.message}") from None


def _edit(row: dict[str, str | None]) -> PartnerEdit:
    emails = _cell(row, "emails")
    return PartnerEdit(
        country=_cell(row, "country"),
        tier=_cell(row, "tier"),
        emails=None if emails is None else tuple(e.strip() for e in emails.split(";") if e.strip()),
        age_recipient=_cell(row, "age_recipient"),
        nda_date=_day(row, "nda_date"),
        nda_expires=_day(row, "nda_expires"),
    )


def read_partner_csv(data: bytes) -> list[tuple[int, dict[str, str | None]]]:
    """The data rows of a partner CSV with their line numbers; a malformed file is refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("the partner CSV is not UTF-8") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in reader.fieldnames or []]
        if "name" not in header:
            raise ValidationError("the partner CSV has no `name` column", hint=", ".join(COLUMNS))
        unknown = sorted(set(header) - set(COLUMNS))
        if unknown:
            raise ValidationError(
                f"unknown columns {unknown}", hint=f"columns: {', '.join(COLUMNS)}"
            )
        if len(set(header)) != len(header):
            raise ValidationError("the partner CSV names a column twice")
        reader.fieldnames = header
        rows = []
        for row in reader:
            line = reader.line_num
            if None in row:
                raise ValidationError(f"line {line}: more cells than columns")
            rows.append((line, dict(row)))
            if len(rows) > MAX_ROWS:
                raise ValidationError(f"more than {MAX_ROWS} rows; split the file")
    except csv.Error as exc:
        raise ValidationError(f"the partner CSV is malformed: {exc}") from None
    return rows


def _new_partner(session: Session, name: str, edit: PartnerEdit, now: datetime) -> Partner:
    if edit.country is None or edit.tier is None:
        raise ValidationError("a new partner needs a country and a tier")
    return validate_partner(
        session,
        Partner(
            name=name,
            country=edit.country,
            tier=edit.tier,
            emails=edit.emails or (),
            age_recipient=edit.age_recipient,
            nda_date=edit.nda_date,
            nda_expires=edit.nda_expires,
            history=(StatusChange(at=now, status=PartnerStatus.ACTIVE, reason=JOINED_REASON),),
        ),
    )


def import_partners(
    session: Session,
    keys: ProgramKeys,
    data: bytes,
    *,
    apply: bool,
    reason: str,
    now: datetime,
) -> ImportReport:
    """Check every row, then (with `apply`, and only if no row is bad) write them all."""
    reason = require_name(reason, "reason")
    repo = PartnerRepository(session)
    shapes = {skeleton(n): n for n in repo.names()}
    report: list[ImportRow] = []
    work: list[tuple[Partner, tuple[PartnerChange, ...], bool]] = []
    seen: dict[str, int] = {}
    for line, row in read_partner_csv(data):
        raw = _cell(row, "name") or ""
        name = normal_form(raw)
        try:
            require_name(raw, "partner name")
            if name in seen:
                raise ValidationError(f"the file names {name!r} twice (line {seen[name]})")
            seen[name] = line
            edit = _edit(row)
            existing = repo.get(name)
            if existing is None:
                partner = _new_partner(session, name, edit, now)
                other = shapes.get(skeleton(partner.name))
                if other is not None:
                    raise ValidationError(f"the name looks like the partner {other!r}")
                shapes[skeleton(partner.name)] = partner.name
                work.append((partner, (), True))
                report.append(ImportRow(line, partner.name, "add", "new partner"))
                continue
            edited, changes = plan_edit(session, existing, edit, reason=reason, now=now)
            work.append((edited, changes, False))
            what = ", ".join(f"{c.field}: {c.before} → {c.after}" for c in changes)
            report.append(ImportRow(line, name, "update" if changes else "unchanged", what))
        except Error as exc:
            report.append(ImportRow(line, name or "(no name)", "error", exc.message))
    errors = [r for r in report if r.action == "error"]
    if apply and errors:
        listed = "; ".join(f"line {r.line} ({r.partner}): {r.detail}" for r in errors)
        raise ValidationError(
            f"{len(errors)} bad row(s), nothing was written: {listed}",
            hint="fix the rows (run without --apply to see every row) and import again",
        )
    if apply:
        for partner, changes, new in work:
            if new:
                log_partner_added(session, keys, save_partner(session, partner), now)
            else:
                apply_edit(session, keys, partner, changes, reason=reason, now=now)
    return ImportReport(apply, tuple(report))
