"""An evidence manifest: one row per file of a folder, with when, where and by whom it was seen.

YAML, JSON or CSV, chosen by the file's extension; rows have `file` (relative to the manifest's
folder, read under the rules of `evidence.EVIDENCE_FILES`), `seen` (`YYYY-MM`, `YYYY-MM-DD` or an
instant with a zone), `source` and, optionally, `collector` (else the default given). YAML and
JSON hold a list of rows, or a mapping with an `evidence:` list:

```yaml
evidence:
  - file: tools/exch_chain.py
    seen: 2021-02-28T14:10:00Z
    source: ticket INC-4411, web shell on a customer's mail server
    collector: R. Okafor
```

Every row is checked before anything is stored, and every problem is reported at once, each
naming its row, so a manifest of forty files is fixed in one pass.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pydantic

from forewarn.bounded import read_bounded_text
from forewarn.domain.validation import parse_time_point
from forewarn.encoding import decode_json
from forewarn.errors import Error, ValidationError
from forewarn.program.artifact_files import read_confined
from forewarn.program.evidence import EVIDENCE_FILES, Intake, check_intake
from forewarn.program.yaml_input import load_yaml

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}
"""Manifest extensions and the format each means."""
COLUMNS = ("file", "seen", "source", "collector")
"""The fields of a row, in CSV header order."""
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
"""Largest manifest read."""
MAX_ERRORS = 20
"""Problems listed in one error before "and N more"."""


class _Row(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", strict=True)

    file: str
    seen: str
    source: str
    collector: str | None = None


def _refused(path: Path, problem: str) -> ValidationError:
    return ValidationError(
        f"evidence manifest {path}: {problem}",
        hint=f"rows need {', '.join(COLUMNS[:3])} and may have collector",
    )


def _rows(path: Path, text: str) -> list[Any]:
    """The manifest's raw rows, or one error saying why it cannot be read as its format."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValidationError(
            f"evidence manifest {path}: unknown format {path.suffix or '(no extension)'}",
            hint=f"name it {', '.join(sorted(FORMATS))}",
        )
    try:
        if kind == "csv":
            reader = csv.DictReader(io.StringIO(text, newline=""))
            unknown = [c for c in reader.fieldnames or () if c not in COLUMNS]
            if unknown or not reader.fieldnames:
                raise _refused(path, f"the header must name {', '.join(COLUMNS)}")
            return [{k: v for k, v in row.items() if v not in (None, "")} for row in reader]
        if kind == "json":
            loaded = decode_json(text)
        else:  # every scalar a string: `seen: 2021-02-28` stays a day; no aliases, bounded depth
            loaded = load_yaml(text, source=f"evidence manifest {path}", strings=True)
    except (ValueError, csv.Error) as exc:  # JSONDecodeError, or decode_json's "too deep"
        raise _refused(path, f"not valid {kind.upper()}: {exc}".splitlines()[0]) from exc
    if isinstance(loaded, Mapping) and set(loaded) == {"evidence"}:
        loaded = loaded["evidence"]
    if not isinstance(loaded, list):
        raise _refused(path, "expected a list of rows (or `evidence:` with one)")
    return loaded


def _where(index: int, raw: object) -> str:
    name = raw.get("file") if isinstance(raw, Mapping) else None
    return f"row {index}" + (f" ({name})" if isinstance(name, str) and name else "")


def _pydantic_problems(exc: pydantic.ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "row"
        if error["type"] == "missing":
            problems.append(f"{field} is missing")
        elif error["type"] == "extra_forbidden":
            problems.append(f"unknown field {field}")
        else:
            problems.append(f"{field}: {error['msg'].lower()}")
    return problems


def load_manifest(
    path: Path,
    *,
    collector: str,
    now: datetime,
    private: Mapping[str, Path] | None = None,
) -> list[Intake]:
    """The manifest's rows, each with its file read (confined to the manifest's folder) and
    checked as `evidence.check_intake` checks it at `now`.

    `collector` is used for rows without one. Every problem of every row is gathered into one
    `ValidationError`; a refused file (a link, a path leaving the folder) keeps its
    `SecurityError` wording inside that list.
    """
    # bounded while reading: /dev/zero, a FIFO or a huge file is refused, never read whole
    text = read_bounded_text(path, limit=MAX_MANIFEST_BYTES, what="evidence manifest")
    rows = _rows(path, text)
    if not rows:
        raise _refused(path, "it lists no evidence")
    found: list[Intake] = []
    problems: list[str] = []
    seen_files: dict[str, int] = {}
    for index, raw in enumerate(rows, start=1):
        where = _where(index, raw)
        try:
            row = _Row.model_validate(raw)
        except pydantic.ValidationError as exc:
            problems += [f"{where}: {p}" for p in _pydantic_problems(exc)]
            continue
        if row.file in seen_files:
            problems.append(f"{where}: listed already in row {seen_files[row.file]}")
            continue
        seen_files[row.file] = index
        try:
            seen = parse_time_point(row.seen)
        except ValidationError as exc:
            problems.append(f"{where}: seen: {exc.diagnostics()}")
            continue
        try:
            content = read_confined(path.parent, row.file, private=private, rules=EVIDENCE_FILES)
            intake = Intake(row.file, content, seen, row.source, row.collector or collector)
            found.append(check_intake(intake, now))
        except Error as exc:
            problems.append(f"{where}: {exc.message}")
    if problems:
        shown = problems[:MAX_ERRORS]
        more = len(problems) - len(shown)
        listing = "; ".join(shown) + (f"; and {more} more" if more else "")
        raise _refused(path, f"{plural(len(problems))}: {listing}")
    return found


def plural(count: int) -> str:
    """`1 problem`, `3 problems`."""
    return f"{count} problem" if count == 1 else f"{count} problems"


__all__ = ["COLUMNS", "FORMATS", "load_manifest"]
