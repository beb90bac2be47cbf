"""`forewarn evidence …`: register material from the wild with when, where and by whom it was seen.

`investigate` then dates each finding by its registered seen time instead of the file's
modification time (a copy made today has today's), and matches files given with `--evidence`
to registered items by SHA-256.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.domain.validation import format_instant, format_time_point, parse_time_point
from forewarn.errors import ValidationError

if TYPE_CHECKING:
    from forewarn.domain.custody import EvidenceItem
    from forewarn.encoding import JsonValue

app = typer.Typer(
    help="Evidence from the wild: registered, encrypted, hashed, audited.", no_args_is_help=True
)

CaseId = Annotated[str, typer.Argument(help="Case id, e.g. FW-2021-0001.")]


def default_collector() -> str:
    """The login name of whoever runs the command: who added it, when `--collector` is not given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment
        return "unknown"


def _record(item: EvidenceItem) -> JsonValue:
    """An item as JSON, its id first (docs/json.md)."""
    from forewarn.encoding import encode

    body = encode(item)
    assert isinstance(body, dict)
    return {"id": item.id, **body}


def _table(title: str, items: Sequence[EvidenceItem]) -> None:
    common.table(
        title,
        ("id", "name", "sha256", "seen", "source", "collector", "added (UTC)"),
        [
            (
                i.id,
                i.name,
                i.sha256[:16] + "…",
                format_time_point(i.seen),
                i.source,
                i.collector,
                format_instant(i.added_at),
            )
            for i in items
        ],
    )


@app.command("add")
def add(
    ctx: typer.Context,
    case_id: CaseId,
    file: Annotated[
        Path | None, typer.Argument(help="The file to register (or give --manifest).")
    ] = None,
    seen: Annotated[
        str | None,
        typer.Option(
            "--seen",
            help="When it was seen in the wild: YYYY-MM, YYYY-MM-DD or an ISO 8601 instant "
            "with zone (the precision is kept).",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Where it was seen: a ticket, a honeypot, a paste site."),
    ] = None,
    collector: Annotated[
        str | None,
        typer.Option(
            "--collector", help="Who collected it (default: your login name; a manifest's default)."
        ),
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            help="A YAML, JSON or CSV manifest of a folder: file, seen, source, collector per "
            "row; files are named relative to it.",
        ),
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Register evidence for a case: stored encrypted, with its SHA-256 and an audit leaf."""
    from forewarn.program.evidence import Intake, add_evidence, read_evidence_file
    from forewarn.program.evidence_manifest import load_manifest

    if (file is None) == (manifest is None):
        raise ValidationError(
            "give one FILE or --manifest", hint="see `forewarn evidence add --help`"
        )
    if manifest is not None and (seen is not None or source is not None):
        raise ValidationError(
            "--seen and --source go in the manifest's rows, not on the command line"
        )
    at = common.now(now)
    who = collector or default_collector()
    with common.open_program(ctx) as program, program.session() as session:
        private = program.private_files()
        if manifest is not None:
            intakes = load_manifest(manifest, collector=who, now=at, private=private)
        else:
            assert file is not None
            if seen is None or source is None:
                raise ValidationError(
                    "--seen and --source are required with FILE",
                    hint="say when and where it was seen, e.g. --seen 2021-02-28 "
                    '--source "ticket INC-4411"',
                )
            point = parse_time_point(seen)
            content = read_evidence_file(file, private=private)
            intakes = [Intake(file.name, content, point, source, who)]
        added = add_evidence(session, program.keys, case_id, intakes, now=at)
    common.emit(
        ctx,
        [_record(i) for i in added],
        lambda: _table(f"evidence added to {case_id}", added),
        json_flag=json_out,
    )


@app.command("list")
def list_(ctx: typer.Context, case_id: CaseId, json_out: common.JsonOption = False) -> None:
    """The case's registered evidence: hash, when and where seen, who collected it."""
    from forewarn.program.evidence import list_evidence

    with common.open_program(ctx) as program, program.session() as session:
        items = list_evidence(session, case_id)
    common.emit(
        ctx,
        [_record(i) for i in items],
        lambda: _table(f"evidence of {case_id}", items),
        json_flag=json_out,
    )


__all__ = ["add", "app", "default_collector", "list_"]
