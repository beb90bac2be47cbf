"""`forewarn partner …`: add, list, show, suspend, reinstate, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.domain import Partner
from forewarn.encoding import encode

if TYPE_CHECKING:
    from forewarn.program.partners import StatusAction

app = typer.Typer(help="Partners of the program.", no_args_is_help=True)

ReasonOption = Annotated[str, typer.Option("--reason", help="Why, recorded in the history.")]


def _render_partner(partner: Partner) -> None:
    common.fields(
        partner.name,
        [
            ("country", partner.country),
            ("tier", partner.tier),
            ("status", partner.status.value),
            ("emails", ", ".join(partner.emails)),
            ("age recipient", partner.age_recipient or "(none)"),
            ("NDA date", partner.nda_date or "(none)"),
        ],
    )
    common.table(
        "status history",
        ("at", "status", "reason"),
        [(encode(c.at), c.status.value, c.reason) for c in partner.history],
    )


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Unique partner name.")],
    country: Annotated[str, typer.Option("--country", help="ISO 3166-1 alpha-2 code.")],
    tier: Annotated[str, typer.Option("--tier", help="Tier name, e.g. early-access.")],
    email: Annotated[
        list[str] | None, typer.Option("--email", help="PSIRT contact (repeatable).")
    ] = None,
    age_recipient: Annotated[
        str | None, typer.Option("--age-recipient", help="The partner's age1… public key.")
    ] = None,
    nda_date: Annotated[
        str | None, typer.Option("--nda-date", help="NDA signature date, YYYY-MM-DD.")
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Add an active partner."""
    from forewarn.program import partners

    nda = None if nda_date is None else common.date_arg(nda_date, "--nda-date")
    with common.open_program(ctx) as program, program.session() as session:
        partner = partners.add_partner(
            session,
            name=name,
            country=country,
            tier=tier,
            now=common.now(now),
            emails=email or (),
            age_recipient=age_recipient,
            nda_date=nda,
        )
    common.emit(
        ctx, partner, lambda: common.say(f"added partner {partner.name!r}"), json_flag=json_out
    )


@app.command("list")
def list_(ctx: typer.Context, json_out: common.JsonOption = False) -> None:
    """List partners in the order they joined."""
    from forewarn.program import partners

    with common.open_program(ctx) as program, program.session() as session:
        found = partners.list_partners(session)
    common.emit(
        ctx,
        found,
        lambda: common.table(
            "partners",
            ("name", "country", "tier", "status", "age key"),
            [
                (p.name, p.country, p.tier, p.status.value, "yes" if p.age_recipient else "no")
                for p in found
            ],
        ),
        json_flag=json_out,
    )


@app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Partner name.")],
    json_out: common.JsonOption = False,
) -> None:
    """Show a partner with its status history."""
    from forewarn.program import partners

    with common.open_program(ctx) as program, program.session() as session:
        partner = partners.get_partner(session, name)
    common.emit(ctx, partner, lambda: _render_partner(partner), json_flag=json_out)


def _status_action(verb: str) -> StatusAction:
    """The use case behind `partner suspend|reinstate|remove`, imported when it runs."""
    from forewarn.program import partners

    actions: dict[str, StatusAction] = {
        "suspend": partners.suspend_partner,
        "reinstate": partners.reinstate_partner,
        "remove": partners.remove_partner,
    }
    return actions[verb]


def _status_command(verb: str) -> None:
    def command(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Partner name.")],
        reason: ReasonOption,
        now: common.NowOption = None,
        json_out: common.JsonOption = False,
    ) -> None:
        action = _status_action(verb)
        with common.open_program(ctx) as program, program.session() as session:
            partner = action(session, program.keys, name, reason=reason, now=common.now(now))
        common.emit(
            ctx,
            partner,
            lambda: common.say(f"partner {partner.name!r} is now {partner.status.value}"),
            json_flag=json_out,
        )

    command.__doc__ = {
        "suspend": "Suspend a partner: nothing is sent to it until reinstated.",
        "reinstate": "Make a suspended partner active again.",
        "remove": "Remove a partner for good; its records stay for investigations.",
    }[verb]
    app.command(verb)(command)


_status_command("suspend")
_status_command("reinstate")
_status_command("remove")
