"""`forewarn program …`: import and export the whole program file, migrate the schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.errors import ValidationError

if TYPE_CHECKING:
    from forewarn.program.programfile import TransferSummary

app = typer.Typer(help="The whole program as a YAML file; schema upgrades.", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="Program file (YAML, see docs/program-file.md).")]


def _summary_line(verb: str, path: Path, summary: TransferSummary) -> None:
    common.say(
        f"{verb} {path}: {summary.tiers} tiers, {summary.partners} partners, "
        f"{summary.cases} cases, {summary.artifacts} artifacts, {summary.events} events"
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: FileArg,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Load tiers, partners, cases, artifacts and events into a freshly initialised program."""
    from forewarn.program import programfile

    with common.open_program(ctx) as program, program.session() as session:
        summary = programfile.import_program(
            session, program.keys, file, now=common.now(now), private=program.private_files()
        )
    common.emit(ctx, summary, lambda: _summary_line("imported", file, summary), json_flag=json_out)


@app.command("export")
def export(
    ctx: typer.Context,
    file: FileArg,
    plaintext: Annotated[
        bool,
        typer.Option(
            "--plaintext",
            help="Accept that the export holds decrypted embargoed artifacts (files 0600).",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the files of an earlier export.")
    ] = False,
    json_out: common.JsonOption = False,
) -> None:
    """Write the program and its decrypted artifacts (beside the file) in canonical form;
    files that exist already are replaced only with `--force`."""
    from forewarn.program import programfile

    if not plaintext:
        raise ValidationError(
            "an export holds every embargoed artifact decrypted, in plaintext",
            hint="pass --plaintext to write them (owner-only files), and delete them when done",
        )
    with common.open_program(ctx) as program, program.session() as session:
        summary = programfile.export_program(session, program.keys, file, overwrite=force)
    common.warn(
        f"wrote {summary.artifacts} decrypted embargoed artifacts beside {file} "
        "(owner-only files); delete them when done"
    )
    common.emit(ctx, summary, lambda: _summary_line("exported", file, summary), json_flag=json_out)


@app.command("migrate")
def migrate(ctx: typer.Context, json_out: common.JsonOption = False) -> None:
    """Upgrade the database schema; a log without a genesis leaf gets one (and the witness
    starts there)."""
    from forewarn.program.service import migrate_program

    result = migrate_program(common.settings(ctx), now=common.now(None))

    def render() -> None:
        common.say(f"database at schema revision {result.revision}")
        if result.genesis is not None:
            common.say(
                f"audit log: genesis leaf {result.genesis} commits to the program's state now; "
                "the witness starts there"
            )

    common.emit(ctx, result, render, json_flag=json_out)
