"""The `forewarn` command: root Typer app, global options and the one place errors are caught.

Command groups live in their own modules and are registered below with one line each:
`app.add_typer(module.app, name="...")` for a group, `app.command("name")(module.function)` for a
single command. `ForewarnGroup` turns any `forewarn.errors.Error` into one line on stderr and the
error's exit code, for the installed entry point and for in-process tests alike; with `--json`
anywhere on the command line, that line (and a usage error's) is `{"error": …, "hint": …}`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from forewarn.cli import (
    api_token,
    audit,
    audit_log,
    bundle,
    case,
    evidence,
    hunt_cluster,
    mail,
    partner,
    partner_login,
    program,
    publish,
    scheduler,
    staff,
    trace,
    wave,
    wave_status,
)
from forewarn.cli.common import CliState, printable
from forewarn.cli.demo import demo
from forewarn.cli.init import init
from forewarn.cli.investigate import investigate
from forewarn.cli.serve import serve
from forewarn.errors import Error
from forewarn.settings import Settings

_JSON_ERRORS = "forewarn.json_errors"
"""`Context.meta` key: whether this invocation asked for JSON, so errors are JSON too."""


def _asks_for_json(args: Sequence[str]) -> bool:
    """`--json` among the options, before the command or after it (not after `--`)."""
    for arg in args:
        if arg == "--":
            return False
        if arg == "--json":
            return True
    return False


def _json_error(message: str, hint: str | None, exit_code: int) -> typer.Exit:
    """Write `{"error": …, "hint": …}` on one line of stderr; the exit to raise."""
    typer.echo(json.dumps({"error": message, "hint": hint}, ensure_ascii=False), err=True)
    return typer.Exit(exit_code)


def _usage_error(exc: UsageError, *, as_json: bool) -> typer.Exit | None:
    """A usage error as JSON when asked for, else `None` (Click prints it as usual)."""
    if not as_json or isinstance(exc, NoArgsIsHelpError):
        return None
    where = exc.ctx.command_path if exc.ctx is not None else "forewarn"
    return _json_error(exc.format_message(), f"see `{where} --help`", exc.exit_code)


class ForewarnGroup(TyperGroup):
    """Root group: catches `Error` once for every command below it."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        as_json = _asks_for_json(args)
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            raise _usage_error(exc, as_json=as_json) or exc from None
        ctx.meta[_JSON_ERRORS] = as_json
        return ctx

    def invoke(self, ctx: Any) -> Any:
        as_json = bool(ctx.meta.get(_JSON_ERRORS))
        try:
            return super().invoke(ctx)
        except Error as exc:
            if as_json:
                raise _json_error(exc.message, exc.hint, exc.exit_code) from None
            typer.echo(f"error: {printable(exc.diagnostics())}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except UsageError as exc:
            raise _usage_error(exc, as_json=as_json) or exc from None


def _print_version(value: bool) -> None:
    """`--version`: the installed package's version, then exit 0."""
    if value:
        typer.echo(f"forewarn {package_version('forewarn')}")
        raise typer.Exit()


app = typer.Typer(
    cls=ForewarnGroup,
    name="forewarn",
    help="Run a vulnerability pre-disclosure partner program whose leaks trace themselves.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain Click help: Typer's Rich panels print `<bool>` after every flag (typer 0.29.2).
    rich_markup_mode=None,
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
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Global options, valid before any command."""
    ctx.obj = CliState(database_url=db, key_file=key_file, json=json_out)


app.command("init")(init)
app.add_typer(partner.app, name="partner")
partner.app.add_typer(api_token.app, name="api-token")
partner.app.add_typer(partner_login.app, name="portal-login")
app.add_typer(case.app, name="case")
app.add_typer(program.app, name="program")
app.add_typer(wave.app, name="wave")
app.add_typer(bundle.app, name="bundle")
app.add_typer(audit.app, name="audit")
app.add_typer(evidence.app, name="evidence")
app.add_typer(mail.app, name="mail")
app.add_typer(staff.app, name="staff")
case.app.command("reschedule")(wave.reschedule)
wave.app.command("status")(wave_status.status)
audit.app.command("log")(audit_log.log)
app.command("investigate")(investigate)
app.command("trace")(trace.trace)
app.command("hunt")(trace.hunt)
app.command("hunt-cluster")(hunt_cluster.hunt_cluster)
app.command("publish")(publish.publish)
app.command("demo")(demo)
app.command("scheduler")(scheduler.scheduler)
app.command("serve")(serve)


def main() -> None:
    """Entry point of the installed `forewarn` script."""
    level = Settings.from_environment().log_level
    logging.basicConfig(
        level=getattr(logging, level, logging.WARNING),
        format="%(levelname)s %(name)s: %(message)s",
    )
    app(prog_name="forewarn")
