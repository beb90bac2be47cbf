"""`forewarn mail …`: queue, send and list partner notices (the outbox)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from forewarn.cli import common
from forewarn.encoding import encode

app = typer.Typer(help="Partner notices by mail: the outbox.", no_args_is_help=True)


@app.command("queue")
def queue(
    ctx: typer.Context, now: common.NowOption = None, json_out: common.JsonOption = False
) -> None:
    """Read new releases, reschedules and publications from the audit log into the outbox."""
    from forewarn.program.mail_send import queue_only

    settings = common.settings(ctx)
    with common.open_program(ctx) as program:
        report = queue_only(
            program.session, settings.smtp, portal_url=settings.portal_url, now=common.now(now)
        )

    def render() -> None:
        common.say(f"{report.queued} notice(s) queued ({report.leaves_read} audit leaves read)")
        for name in report.without_address:
            common.warn(f"partner {name!r} has no contact address; nothing was queued for it")

    common.emit(ctx, report, render, json_flag=json_out)


@app.command("send")
def send(
    ctx: typer.Context,
    retries: Annotated[
        int, typer.Option("--retries", min=1, max=10, help="Tries per message in this run.")
    ] = 3,
    backoff: Annotated[
        float,
        typer.Option("--backoff", min=0.0, max=300.0, help="Seconds before the 2nd try; doubles."),
    ] = 2.0,
    stale_after: Annotated[
        int,
        typer.Option(
            "--stale-after",
            min=1,
            help="Minutes after which a message left `sending` by a dead sender is sent again.",
        ),
    ] = 10,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Queue new notices, then hand every due message to the SMTP server (FOREWARN_SMTP_*)."""
    from forewarn.program.mail_send import send_outbox
    from forewarn.program.mail_transport import SmtpTransport

    settings = common.settings(ctx)
    transport = SmtpTransport(settings.smtp)
    with common.open_program(ctx) as program:
        report = send_outbox(
            program.session,
            transport,
            settings.smtp,
            portal_url=settings.portal_url,
            now=common.now(now),
            retries=retries,
            backoff=backoff,
            stale_after=timedelta(minutes=stale_after),
        )

    def render() -> None:
        common.say(
            f"{len(report.sent)} sent, {len(report.deferred)} left for a later run, "
            f"{len(report.failed)} failed ({report.retried} tries repeated, "
            f"{report.queue.queued} newly queued)"
        )
        if report.resumed:
            common.warn(
                f"{report.resumed} message(s) were interrupted while sending and were sent "
                "again with the same Message-ID"
            )
        for name in report.queue.without_address:
            common.warn(f"partner {name!r} has no contact address; nothing was queued for it")

    common.emit(ctx, report, render, json_flag=json_out)
    if report.failed:
        raise typer.Exit(1)


@app.command("list")
def list_(
    ctx: typer.Context,
    state: Annotated[
        str | None, typer.Option("--state", help="Only pending, sending, sent or failed.")
    ] = None,
    json_out: common.JsonOption = False,
) -> None:
    """List the outbox, oldest first."""
    from forewarn.errors import ValidationError
    from forewarn.program.mail_send import list_outbox
    from forewarn.store.notify_models import OUTBOX_STATES

    if state is not None and state not in OUTBOX_STATES:
        raise ValidationError(f"--state must be one of {', '.join(OUTBOX_STATES)}")
    with common.open_program(ctx) as program:
        found = list_outbox(program.session, state)
    common.emit(
        ctx,
        found,
        lambda: common.table(
            "outbox",
            ("id", "partner", "case", "kind", "state", "tries", "sent"),
            [
                (
                    m.id,
                    m.partner,
                    m.case_id,
                    m.kind,
                    m.state,
                    m.attempts,
                    encode(m.sent_at) if m.sent_at else m.last_error or "",
                )
                for m in found
            ],
        ),
        json_flag=json_out,
    )
