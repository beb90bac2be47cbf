"""`forewarn partner …`: add, list, show, edit, import, suspend, reinstate, remove."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.domain import Partner
from forewarn.encoding import encode
from forewarn.errors import ValidationError

if TYPE_CHECKING:
    from forewarn.program.partners import StatusAction

app = typer.Typer(help="Partners of the program.", no_args_is_help=True)

ReasonOption = Annotated[str, typer.Option("--reason", help="Why, recorded in the history.")]
NdaDateOption = Annotated[
    str | None, typer.Option("--nda-date", help="NDA signature date, YYYY-MM-DD.")
]
NdaExpiresOption = Annotated[
    str | None, typer.Option("--nda-expires", help="Last day the NDA covers, YYYY-MM-DD.")
]


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
            ("NDA expires", partner.nda_expires or "(none)"),
        ],
    )
    common.table(
        "status history",
        ("at", "status", "reason"),
        [(encode(c.at), c.status.value, c.reason) for c in partner.history],
    )
    if partner.changes:
        common.table(
            "edits",
            ("at", "field", "before", "after", "reason"),
            [(encode(c.at), c.field, c.before, c.after, c.reason) for c in partner.changes],
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
    nda_date: NdaDateOption = None,
    nda_expires: NdaExpiresOption = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Add an active partner."""
    from forewarn.program import partners

    nda = None if nda_date is None else common.date_arg(nda_date, "--nda-date")
    expires = None if nda_expires is None else common.date_arg(nda_expires, "--nda-expires")
    with common.open_program(ctx) as program, program.session() as session:
        partner = partners.add_partner(
            session,
            program.keys,
            name=name,
            country=country,
            tier=tier,
            now=common.now(now),
            emails=email or (),
            age_recipient=age_recipient,
            nda_date=nda,
            nda_expires=expires,
        )
    common.emit(
        ctx, partner, lambda: common.say(f"added partner {partner.name!r}"), json_flag=json_out
    )


@app.command("list")
def list_(
    ctx: typer.Context, now: common.NowOption = None, json_out: common.JsonOption = False
) -> None:
    """List partners in the order they joined; warn of NDAs that have lapsed or soon will."""
    from forewarn.program import partners
    from forewarn.program.nda import nda_warnings

    at = common.now(now)
    with common.open_program(ctx) as program, program.session() as session:
        found = partners.list_partners(session)
    warnings = nda_warnings(found, at)
    for warning in warnings:
        common.warn(warning.message)
    common.emit(
        ctx,
        found,
        lambda: common.table(
            "partners",
            ("name", "country", "tier", "status", "age key", "NDA expires"),
            [
                (
                    p.name,
                    p.country,
                    p.tier,
                    p.status.value,
                    "yes" if p.age_recipient else "no",
                    p.nda_expires or "",
                )
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


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Partner name.")],
    reason: ReasonOption,
    email: Annotated[
        list[str] | None,
        typer.Option("--email", help="Contact address (repeatable; replaces every address)."),
    ] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="New tier name.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="New country code.")] = None,
    age_recipient: Annotated[
        str | None,
        typer.Option("--age-recipient", help="New age1… key; stored bundles are re-sealed to it."),
    ] = None,
    nda_date: NdaDateOption = None,
    nda_expires: NdaExpiresOption = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Edit a partner's record; each change is kept in its history and the audit log."""
    from forewarn.program.partner_edit import PartnerEdit, edit_partner

    change = PartnerEdit(
        country=country,
        tier=tier,
        emails=None if email is None else tuple(email),
        age_recipient=age_recipient,
        nda_date=None if nda_date is None else common.date_arg(nda_date, "--nda-date"),
        nda_expires=None if nda_expires is None else common.date_arg(nda_expires, "--nda-expires"),
    )
    with common.open_program(ctx) as program, program.session() as session:
        result = edit_partner(
            session, program.keys, name, change, reason=reason, now=common.now(now)
        )

    def render() -> None:
        if not result.changes:
            common.say(f"partner {result.partner.name!r}: nothing to change")
        for c in result.changes:
            common.say(f"{result.partner.name}: {c.field} {c.before} → {c.after}")
        if result.resealed:
            common.say(
                f"{len(result.resealed)} stored bundle(s) re-sealed to the new age key "
                f"({len(result.unfetched)} not fetched yet)"
            )

    common.emit(ctx, result, render, json_flag=json_out)


@app.command("import")
def import_(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="CSV file with a header row.")],
    apply: Annotated[
        bool, typer.Option("--apply", help="Write the changes (default: a dry run).")
    ] = False,
    reason: Annotated[
        str, typer.Option("--reason", help="Recorded with every edit.")
    ] = "bulk import",
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Add or update partners from CSV (name, country, tier, emails, age_recipient, nda_date,
    nda_expires); a dry run unless `--apply`; every bad row is named, nothing is written and
    the exit status is 2."""
    from forewarn.program.partner_import import import_partners

    data = common.read_file(path)
    with common.open_program(ctx) as program, program.session() as session:
        report = import_partners(
            session, program.keys, data, apply=apply, reason=reason, now=common.now(now)
        )

    def render() -> None:
        common.table(
            "partner import" + ("" if apply else " (dry run: nothing written)"),
            ("row", "partner", "action", "what"),
            [(r.line, r.partner, r.action, r.detail) for r in report.rows],
        )
        if not apply and not bad:
            common.say("run again with --apply to write these changes")

    bad = [r for r in report.rows if r.action == "error"]
    common.emit(ctx, report, render, json_flag=json_out)
    if bad:
        # A dry run a script checks must fail as `--apply` would (exit 2), after its report,
        # with the one error line (a JSON object under `--json`) every refusal ends with.
        raise ValidationError(
            f"{len(bad)} bad row(s): fix them before --apply", hint="each is named in the report"
        )


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
