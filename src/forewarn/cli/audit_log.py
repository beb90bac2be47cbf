"""`forewarn audit log`: list the audit log's entries, with leaf indexes and release ids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.cli.wave_status import SHORT_ID
from forewarn.domain import LeafKind
from forewarn.domain.validation import format_instant
from forewarn.errors import ValidationError

if TYPE_CHECKING:
    from forewarn.program.audit_log import AuditLog

_DETAIL_KEYS = ("reason", "channel", "note", "status", "patch_planned_after", "name", "activity")
"""Payload fields shown in the table's `detail` column, when a leaf has them."""


def _kind(text: str | None) -> LeafKind | None:
    if text is None:
        return None
    try:
        return LeafKind(text)
    except ValueError:
        known = ", ".join(k.value for k in LeafKind)
        raise ValidationError(
            f"--kind: unknown entry kind {text!r}", hint=f"one of {known}"
        ) from None


def _render(log: AuditLog) -> None:
    common.table(
        "audit log",
        ("leaf", "at", "kind", "case", "partner", "release", "detail"),
        [
            (
                e.index,
                format_instant(e.at),
                e.kind.value,
                e.case,
                e.partner,
                None if e.release_id is None else e.release_id[:SHORT_ID],
                "; ".join(f"{k}: {e.payload[k]}" for k in _DETAIL_KEYS if e.payload.get(k)),
            )
            for e in log.entries
        ],
    )
    common.say(
        f"{len(log.entries)} of {log.matched} matching entries shown ({log.leaves} in the log)"
    )


def log(
    ctx: typer.Context,
    case: Annotated[
        str | None, typer.Option("--case", help="Only entries about this case.")
    ] = None,
    partner: Annotated[
        str | None, typer.Option("--partner", help="Only entries about this partner.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only this kind: release, fetch, ack, …")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only entries at or after this ISO 8601 instant.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Newest entries to list (0: all).")
    ] = 50,
    json_out: common.JsonOption = False,
) -> None:
    """List audit entries (newest last) with their leaf index, case, partner and release id."""
    from forewarn.program.audit_log import audit_log

    with common.open_program(ctx) as program, program.session() as session:
        found = audit_log(
            session,
            case=case,
            partner=partner,
            kind=_kind(kind),
            since=None if since is None else common.now(since),
            limit=limit,
        )
    common.emit(ctx, found, lambda: _render(found), json_flag=json_out)
