"""`forewarn staff …`: add (TOTP enrolment shown once), list, disable, reset-mfa."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.domain import StaffRole
from forewarn.encoding import encode
from forewarn.errors import ValidationError

if TYPE_CHECKING:
    from forewarn.domain import StaffAccount
    from forewarn.program.staff import Enrolment

app = typer.Typer(help="Staff accounts of the web portal (password + TOTP).", no_args_is_help=True)

ACTOR = "cli"
"""How the audit log names changes made with this command on the program's machine."""

_COLUMNS = ("name", "role", "added", "mfa enrolled", "last sign-in", "state")


def _row(account: StaffAccount) -> tuple[object, ...]:
    state = "active" if account.active else f"disabled {encode(account.disabled_at)}"
    last = encode(account.last_login_at) if account.last_login_at else ""
    return (
        account.name,
        account.role.value,
        encode(account.created_at),
        encode(account.mfa_enrolled_at),
        last,
        state,
    )


def _show_enrolment(enrolment: Enrolment) -> None:
    common.table("staff account", _COLUMNS, [_row(enrolment.account)])
    common.say(f"TOTP secret: {enrolment.secret}")
    common.say(f"otpauth URI: {enrolment.otpauth_uri}")
    common.warn("the TOTP secret is shown this once: add it to the account's authenticator app")


PasswordStdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]
PasswordFileOption = Annotated[
    Path | None,
    typer.Option("--password-file", help="Read the password from this file's first line."),
]


def _terminal() -> bool:
    """Whether a person can answer a prompt (a seam the tests turn on)."""
    return sys.stdin.isatty()


def read_password(from_stdin: bool, path: Path | None) -> str:
    """The password from a file's first line or standard input's, never prompting then; else
    typed at a hidden prompt and confirmed once. A password the rules refuse is refused before
    the confirmation, and two entries that differ are an error, not another round of prompts."""
    from forewarn.program.credentials import check_password_rules

    if from_stdin and path is not None:
        raise ValidationError("give --password-file or --password-stdin, not both")
    if path is not None:
        try:
            lines = common.read_file(path, limit=4096).decode("utf-8").splitlines()
        except UnicodeDecodeError:
            raise ValidationError(f"password file {path} is not UTF-8 text") from None
        if not lines:
            raise ValidationError(
                f"password file {path} is empty", hint="put the password on its first line"
            )
        return lines[0]
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise ValidationError(
                "no password on standard input", hint="write it on the first line"
            )
        return line
    if not _terminal():
        raise ValidationError(
            "no password given and no terminal to ask for one",
            hint="pass --password-file FILE or --password-stdin",
        )
    typed: str = typer.prompt("password", hide_input=True, err=True)
    check_password_rules(typed)
    again: str = typer.prompt("password again", hide_input=True, err=True)
    if again != typed:
        raise ValidationError("the two passwords differ; nothing was changed")
    return typed


def _require_new(ctx: typer.Context, name: str) -> None:
    """Raise unless the program opens and has no account `name` (checked again by `add_staff`)."""
    from forewarn.program.staff import require_new_staff

    with common.open_program(ctx) as program, program.session() as session:
        require_new_staff(session, name)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Login name (an e-mail address or a handle).")],
    role: Annotated[
        StaffRole, typer.Option("--role", help="admin, coordinator, analyst, auditor.")
    ],
    password_stdin: PasswordStdinOption = False,
    password_file: PasswordFileOption = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Add an account (the first admin too); prints its TOTP secret and otpauth URI once."""
    from forewarn.program.staff import add_staff

    at = common.now(now)
    _require_new(ctx, name)  # nobody types a password for an account that cannot be added
    password = read_password(password_stdin, password_file)
    with common.open_program(ctx) as program, program.session() as session:
        enrolment, entry = add_staff(
            session, program.keys, name=name, role=role, password=password, now=at, actor=ACTOR
        )
        common.log_entry(program, session, entry, at)
    data = {
        "account": enrolment.account,
        "totp_secret": enrolment.secret,
        "otpauth_uri": enrolment.otpauth_uri,
    }
    common.emit(ctx, data, lambda: _show_enrolment(enrolment), json_flag=json_out)


@app.command("list")
def list_(ctx: typer.Context, json_out: common.JsonOption = False) -> None:
    """Every staff account (never a password or a secret)."""
    from forewarn.program.staff import list_staff

    with common.open_program(ctx) as program, program.session() as session:
        accounts = list_staff(session)
    common.emit(
        ctx,
        accounts,
        lambda: common.table("staff accounts", _COLUMNS, [_row(a) for a in accounts]),
        json_flag=json_out,
    )


@app.command("disable")
def disable(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The account's login name.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, recorded in the audit log.")],
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Disable an account at once: it cannot sign in, and its sessions end."""
    from forewarn.program.staff import disable_staff

    at = common.now(now)
    with common.open_program(ctx) as program, program.session() as session:
        account, entry = disable_staff(session, name, now=at, actor=ACTOR, reason=reason)
        common.log_entry(program, session, entry, at)
    common.emit(ctx, account, lambda: common.say(f"disabled {account.name}"), json_flag=json_out)


@app.command("reset-mfa")
def reset_mfa(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The account's login name.")],
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Issue a new TOTP secret (a lost phone): the old one stops working, sessions end."""
    from forewarn.program import staff

    at = common.now(now)
    with common.open_program(ctx) as program, program.session() as session:
        enrolment, entry = staff.reset_mfa(session, program.keys, name, now=at, actor=ACTOR)
        common.log_entry(program, session, entry, at)
    data = {
        "account": enrolment.account,
        "totp_secret": enrolment.secret,
        "otpauth_uri": enrolment.otpauth_uri,
    }
    common.emit(ctx, data, lambda: _show_enrolment(enrolment), json_flag=json_out)
