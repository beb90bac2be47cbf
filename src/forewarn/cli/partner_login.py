"""`forewarn partner portal-login …`: an optional portal password + TOTP for a partner."""

from __future__ import annotations

from typing import Annotated

import typer

from forewarn.cli import common
from forewarn.cli.staff import ACTOR, PasswordFileOption, PasswordStdinOption, read_password

app = typer.Typer(
    help="A partner's optional web-portal password with TOTP (its API token works without).",
    no_args_is_help=True,
)


@app.command("set")
def set_(
    ctx: typer.Context,
    partner: Annotated[str, typer.Argument(help="The partner (its name is the login name).")],
    password_stdin: PasswordStdinOption = False,
    password_file: PasswordFileOption = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Set (or replace) the partner's portal password; prints its TOTP secret once."""
    from forewarn.program.partner_logins import partner_for_login, set_login

    at = common.now(now)
    with common.open_program(ctx) as program, program.session() as session:
        partner_for_login(session, partner)  # nobody types a password for an unknown partner
    password = read_password(password_stdin, password_file)
    with common.open_program(ctx) as program, program.session() as session:
        enrolment, entry = set_login(
            session, program.keys, partner, password=password, now=at, actor=ACTOR
        )
        common.log_entry(program, session, entry, at)

    def render() -> None:
        common.say(f"portal password set for {enrolment.partner}")
        common.say(f"TOTP secret: {enrolment.totp_secret}")
        common.say(f"otpauth URI: {enrolment.otpauth_uri}")
        common.warn(
            "the TOTP secret is shown this once: hand it to the partner over a safe channel"
        )

    common.emit(ctx, enrolment, render, json_flag=json_out)


@app.command("remove")
def remove(
    ctx: typer.Context,
    partner: Annotated[str, typer.Argument(help="The partner.")],
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Remove the partner's portal password (its password sessions end; tokens still work)."""
    from forewarn.program.partner_logins import remove_login

    at = common.now(now)
    with common.open_program(ctx) as program, program.session() as session:
        name, entry = remove_login(session, partner, now=at, actor=ACTOR)
        common.log_entry(program, session, entry, at)
    common.emit(
        ctx,
        {"partner": name, "portal_password": False},
        lambda: common.say(f"portal password removed for {name}"),
        json_flag=json_out,
    )
