"""`forewarn partner api-token …`: issue (the secret shown once), revoke, list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.encoding import encode

if TYPE_CHECKING:
    from forewarn.domain import ApiToken

app = typer.Typer(help="Partner API tokens for `forewarn serve`.", no_args_is_help=True)


def _row(token: ApiToken) -> tuple[object, ...]:
    state = "revoked" if token.revoked_at is not None else "active"
    return (
        token.id,
        token.partner,
        " ".join(sorted(token.scopes)),
        encode(token.created_at),
        encode(token.expires_at),
        state,
        token.label,
    )


_COLUMNS = ("id", "partner", "scopes", "issued", "expires", "state", "label")


@app.command("issue")
def issue(
    ctx: typer.Context,
    partner: Annotated[str, typer.Argument(help="The partner the token acts for.")],
    days: Annotated[int, typer.Option("--days", help="Days until it expires (1 to 366).")] = 90,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="cases:read, bundles:fetch, acks:write or feedback:write (repeatable; "
            "default: all).",
        ),
    ] = None,
    label: Annotated[str, typer.Option("--label", help="Who holds it, what for.")] = "",
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Issue a token; its secret is printed this once and never stored (only its hash)."""
    from forewarn.program import api_tokens

    scopes = api_tokens.parse_scopes(scope or ())
    with common.open_program(ctx) as program, program.session() as session:
        issued = api_tokens.issue_token(
            session,
            program.keys,
            partner=partner,
            now=common.now(now),
            days=days,
            scopes=scopes,
            label=label,
        )

    def render() -> None:
        common.table("API token", _COLUMNS, [_row(issued.token)])
        common.say(f"token id: {issued.token.id} (what `revoke` takes)")
        common.say(issued.secret)
        common.warn("the secret above is shown once: hand it to the partner over a safe channel")

    common.emit(ctx, {"token": issued.token, "secret": issued.secret}, render, json_flag=json_out)


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    token_id: Annotated[
        str,
        typer.Argument(help="The token id (tok-…), from `list`; or the secret (fwp_…), if leaked."),
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why, recorded in the audit log.")],
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Revoke a token at once: it is refused from the next request on."""
    from forewarn.program import api_tokens

    with common.open_program(ctx) as program, program.session() as session:
        token = api_tokens.revoke_token(
            session, program.keys, token_id, reason=reason, now=common.now(now)
        )
    common.emit(
        ctx,
        token,
        lambda: common.say(f"revoked {token.id} of {token.partner}"),
        json_flag=json_out,
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    partner: Annotated[
        str | None, typer.Option("--partner", help="Only this partner's tokens.")
    ] = None,
    json_out: common.JsonOption = False,
) -> None:
    """Every token (ids, scopes, expiry, state), never a secret."""
    from forewarn.program import api_tokens

    with common.open_program(ctx) as program, program.session() as session:
        tokens = api_tokens.list_tokens(session, partner=partner)
    common.emit(
        ctx,
        tokens,
        lambda: common.table("API tokens", _COLUMNS, [_row(t) for t in tokens]),
        json_flag=json_out,
    )
