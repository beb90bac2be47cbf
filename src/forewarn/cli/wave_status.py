"""`forewarn wave status CASE`: per partner released / fetched / acknowledged, and a chase list."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.errors import ValidationError

if TYPE_CHECKING:
    from forewarn.program.wave_status import PartnerDelivery, WaveStatus

SHORT_ID = 12
"""Hex digits of a release id shown in tables (`--json` has the whole id)."""


def _when(at: datetime | None) -> str:
    return "" if at is None else at.strftime("%Y-%m-%d %H:%MZ")


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:.1f}h"


def _render(found: WaveStatus) -> None:
    common.table(
        f"deliveries of {found.case_id} at {_when(found.now)}",
        ("partner", "state", "wave", "released", "fetched", "acknowledged", "release"),
        [
            (
                p.partner,
                p.state.value if p.cancel_reason is None else f"cancelled: {p.cancel_reason}",
                _when(p.available_at),
                _when(p.released_at),
                _when(p.fetched_at) + (f" ({p.fetches}x)" if p.fetches > 1 else ""),
                _when(p.acknowledged_at),
                p.release_id[:SHORT_ID],
            )
            for p in found.partners
        ],
    )
    common.say(", ".join(f"{n} {state}" for state, n in found.counts.items() if n))
    if found.chase_after is None:
        return
    after = _hours(found.chase_after)
    if not found.chase:
        common.say(f"nobody to chase: every partner released {after} ago fetched and acknowledged")
        return
    common.table(
        f"chase: not fetched or not acknowledged {after} after release",
        ("partner", "released", "waiting", "missing", "release"),
        [
            (
                c.partner,
                _when(c.released_at),
                _hours(c.waiting),
                " and ".join(c.missing),
                c.release_id[:SHORT_ID],
            )
            for c in found.chase
        ],
    )


def _render_own(case_id: str, own: PartnerDelivery) -> None:
    when = "fetchable now" if own.fetchable else f"not fetchable; wave at {_when(own.available_at)}"
    common.fields(
        f"{own.partner}'s copy of {case_id}",
        [
            ("state", own.state.value),
            ("wave", _when(own.available_at)),
            ("released", _when(own.released_at)),
            ("fetched", _when(own.fetched_at)),
            ("acknowledged", _when(own.acknowledged_at)),
            ("release", own.release_id),
        ],
    )
    common.say(when)


def status(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id, e.g. FW-2021-0001.")],
    chase: Annotated[
        float | None,
        typer.Option(
            "--chase",
            metavar="HOURS",
            min=0,
            help="List who has not fetched or acknowledged this many hours after release.",
        ),
    ] = None,
    partner: Annotated[
        str | None,
        typer.Option("--partner", help="Only this partner's own copy: its state and instant."),
    ] = None,
    remind: Annotated[
        bool,
        typer.Option(
            "--remind",
            help="With --chase: record a reminder for each partner on the chase list (not one "
            "reminded within HOURS); `mail queue` then mails each its own.",
        ),
    ] = False,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Per partner: released, fetched and acknowledged, with times and release ids.

    `--json` adds each partner's tier, fetch count and the index of its `release` audit leaf.

    Prepared means sealed and held by the scheduler, not fetchable before the wave's instant.
    """
    from forewarn.program.wave_status import partner_delivery, wave_status

    at = common.now(now)
    if partner is not None:
        if chase is not None:
            raise ValidationError("--chase lists partners; it does not go with --partner")
        with common.open_program(ctx) as program, program.session() as session:
            own = partner_delivery(session, case_id, partner, now=at)
        common.emit(ctx, own, lambda: _render_own(case_id, own), json_flag=json_out)
        return
    after = None if chase is None else timedelta(seconds=round(chase * 3600))
    if remind:
        if after is None:
            raise ValidationError("--remind needs --chase HOURS: whom to remind, and how often")
        _remind(ctx, case_id, after, at, json_out)
        return
    with common.open_program(ctx) as program, program.session() as session:
        found = wave_status(session, case_id, now=at, chase_after=after)
    common.emit(ctx, found, lambda: _render(found), json_flag=json_out)


def _remind(
    ctx: typer.Context, case_id: str, after: timedelta, at: datetime, json_out: bool
) -> None:
    from forewarn.program.reminders import remind

    with common.open_program(ctx) as program, program.session() as session:
        done = remind(session, program.keys, case_id, after=after, now=at)

    def say() -> None:
        for entry in done.reminded:
            common.say(f"reminded {entry.partner}: not {' and '.join(entry.missing)} yet")
        if done.skipped:
            common.say(f"already reminded within {_hours(after)}: {len(done.skipped)} partner(s)")
        if not done.reminded:
            common.say("nobody to remind")
        else:
            common.say("run `forewarn mail queue` and `forewarn mail send` to mail them")

    common.emit(ctx, done, say, json_flag=json_out)
