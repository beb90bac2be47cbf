"""The `forewarn` command: root Typer app, global options and the one place errors are caught.

Command groups live in their own modules and are registered below with one line each:
`app.add_typer(module.app, name="...")` for a group, `app.command("name")(module.function)` for a
single command. `ForewarnGroup.invoke` turns any `forewarn.errors.Error` into one line on stderr
and the error's exit code, for the installed entry point and for in-process tests alike.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from forewarn.cli import audit, bundle, case, partner, program, trace, wave
from forewarn.cli.common import CliState
from forewarn.cli.demo import demo
from forewarn.cli.init import init
from forewarn.cli.investigate import investigate
from forewarn.errors import Error
from forewarn.settings import Settings


class ForewarnGroup(TyperGroup):
    """Root group: catches `Error` once for every command below it."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Error as exc:
            typer.echo(f"error: {exc.diagnostics()}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=ForewarnGroup,
    name="forewarn",
    help="Run a vulnerability pre-disclosure partner program whose leaks trace themselves.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Database URL (default: FOREWARN_DATABASE_URL, else ./forewarn.db).",
        ),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file", help="Program key file (default: FOREWARN_KEY_FILE, else ./forewarn.key)."
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Global options, valid before any command."""
    ctx.obj = CliState(database_url=db, key_file=key_file, json=json_out)


app.command("init")(init)
app.add_typer(partner.app, name="partner")
app.add_typer(case.app, name="case")
app.add_typer(program.app, name="program")
app.add_typer(wave.app, name="wave")
app.add_typer(bundle.app, name="bundle")
app.add_typer(audit.app, name="audit")
case.app.command("reschedule")(wave.reschedule)
app.command("investigate")(investigate)
app.command("trace")(trace.trace)
app.command("hunt")(trace.hunt)
app.command("demo")(demo)


def main() -> None:
    """Entry point of the installed `forewarn` script."""
    level = Settings.from_environment().log_level
    logging.basicConfig(
        level=getattr(logging, level, logging.WARNING),
        format="%(levelname)s %(name)s: %(message)s",
    )
    app(prog_name="forewarn")
