"""Partner notices: which audit events call for a mail, to whom, saying what.

The outbox is filled from the audit log, not by hooks in each use case: every release (a
partner's wave is due), reschedule (the planned patch date moved), publication and artifact
added after a release is already a leaf, written in the same transaction as the change itself,
whoever made it (the CLI, a scheduler, the API). `queue_notices` reads the leaves after the
outbox's cursor, queues one mail per partner concerned and moves the cursor, in one
transaction; `(leaf, partner)` is unique in the outbox, so reading a leaf twice never queues
twice.

A notice says what changed and links to the portal (`<portal>/portal/cases/<case>`). It never
carries embargoed content: no title, product, advisory text, PoC, CVE or CVSS, and not the
reason a date moved (a reason may describe the flaw) — only the case id, the dates and the link.
Who else receives a case is never said.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, Partner, PartnerStatus
from forewarn.errors import ConfigError
from forewarn.store import PartnerRepository, ProgramRepository
from forewarn.store.outbox_repo import EventLeaf, NewMessage, OutboxRepository

logger = logging.getLogger(__name__)

NOTICE_LEAVES = (
    LeafKind.RELEASE,
    LeafKind.RESCHEDULE,
    LeafKind.PUBLICATION,
    LeafKind.ARTIFACT,
    LeafKind.REMINDER,
)
"""Audit events that are announced to partners."""

NOTICE_KINDS = {
    LeafKind.RELEASE: "wave-due",
    LeafKind.RESCHEDULE: "patch-moved",
    LeafKind.PUBLICATION: "published",
    LeafKind.ARTIFACT: "new-artifact",
    LeafKind.REMINDER: "reminder",
}
"""The outbox `kind` of each announced event."""

_PORTAL_HINT = (
    "set FOREWARN_PORTAL_URL to the partner portal's base URL, e.g. https://psirt.example"
)


@dataclass(frozen=True, slots=True)
class QueueReport:
    """What one `queue_notices` run did."""

    queued: int
    """Mails added to the outbox."""
    leaves_read: int
    """Audit leaves read past the cursor."""
    without_address: tuple[str, ...]
    """Partners concerned who have no contact address (nothing queued for them)."""


def portal_link(portal_url: str | None, case_id: str) -> str:
    """The deep link to a case in the partner portal."""
    if not portal_url or not portal_url.startswith(("https://", "http://")):
        raise ConfigError("no partner portal URL is configured for notices", hint=_PORTAL_HINT)
    return f"{portal_url.rstrip('/')}/portal/cases/{quote(case_id, safe='')}"


def _day_time(stamp: str) -> str:
    """`2021-03-09T00:00:00.000000Z` as `2021-03-09 00:00 UTC`."""
    return f"{stamp[:10]} {stamp[11:16]} UTC"


def _texts(leaf: EventLeaf, payload: dict[str, str], link: str) -> tuple[str, str]:
    """Subject and the lines that say what changed, per event kind."""
    case = payload["case"]
    if leaf.kind is LeafKind.RELEASE:
        return f"{case}: your copy is available", (
            f"Your copy of case {case} is available since {_day_time(payload['available_at'])}.\n"
            f"The embargo ends {_day_time(payload['embargo_end'])}.\n\n"
            f"Fetch it from the portal: {link}"
        )
    if leaf.kind is LeafKind.RESCHEDULE:
        before, after = payload["patch_planned_before"], payload["patch_planned_after"]
        return f"{case}: the planned patch date moved", (
            f"The planned patch date of case {case} moved from {before} to {after}.\n"
            f"The embargo now ends {after} 00:00 UTC.\n\n"
            f"A signed embargo amendment is available with your bundle: {link}"
        )
    if leaf.kind is LeafKind.REMINDER:
        missing = " and ".join(
            {"fetch": "fetched", "ack": "acknowledged"}[m] for m in payload["missing"]
        )
        return f"{case}: your copy is waiting", (
            f"Your copy of case {case} has been available since "
            f"{_day_time(payload['released_at'])} and is not {missing} yet.\n\n"
            f"Fetch and acknowledge it from the portal: {link}"
        )
    if leaf.kind is LeafKind.ARTIFACT:
        return f"{case}: a new artifact", (
            f"A new {payload['kind']} artifact was added to case {case} after your copy was "
            "released.\n"
            "It is not in the bundle you received; the program will tell you how it is shared.\n\n"
            f"Case page: {link}"
        )
    return f"{case}: the patch is public", (
        f"The patch of case {case} was released to the public ({payload['patch_actual']}).\n"
        "The embargo has ended.\n\n"
        f"A signed embargo amendment is available with your bundle: {link}"
    )


def compose(leaf: EventLeaf, partner: str, program_name: str, link: str) -> tuple[str, str]:
    """The subject and plain-text body of one notice (what changed, the link, nothing else)."""
    payload = json.loads(leaf.payload)
    subject, what = _texts(leaf, payload, link)
    body = (
        f"Hello {partner},\n\n{what}\n\n"
        "This mail carries no embargoed content; your bundle is encrypted to your age key.\n\n"
        f"-- \n{program_name}\n"
    )
    return f"[{program_name}] {subject}", body


def _concerned(
    session: Session, leaf: EventLeaf, payload: dict[str, Any], partners: dict[str, Partner]
) -> list[Partner]:
    """Partners an event concerns: the receiver of a release or a reminder; every partner that
    had the case for the other events (only they know of it). Inactive partners get nothing."""
    if leaf.kind in (LeafKind.RELEASE, LeafKind.REMINDER):
        names = [str(payload["partner"])]
    else:
        names = [name for _, name in OutboxRepository(session).receivers(payload["case"], leaf.at)]
    found = [partners[n] for n in names if n in partners]
    return [p for p in found if p.status is PartnerStatus.ACTIVE]


def queue_notices(
    session: Session, *, portal_url: str | None, sender: str, now: datetime
) -> QueueReport:
    """Queue the notices of every announced leaf past the cursor, and move the cursor."""
    outbox = OutboxRepository(session)
    start = outbox.lock_cursor()
    leaves, end = outbox.event_leaves(start, NOTICE_LEAVES)
    if not leaves:
        outbox.advance_cursor(end)
        return QueueReport(0, end - start, ())
    program = ProgramRepository(session).get()
    name = "forewarn" if program is None else program.name
    domain = sender.rpartition("@")[2] or "localhost"
    partners = {p.name: p for p in PartnerRepository(session).all()}
    ids = outbox.partner_ids()
    queued, silent = 0, []
    for leaf in leaves:
        payload = json.loads(leaf.payload)
        link = portal_link(portal_url, str(payload["case"]))
        for partner in _concerned(session, leaf, payload, partners):
            partner_id = ids.get(partner.name)
            if not partner.emails or partner_id is None:
                silent.append(partner.name)
                continue
            subject, body = compose(leaf, partner.name, name, link)
            message = NewMessage(
                message_id=f"<{uuid.uuid4().hex}@{domain}>",
                source_leaf=leaf.index,
                partner_id=partner_id,
                case_id=str(payload["case"]),
                kind=NOTICE_KINDS[leaf.kind],
                recipients=partner.emails,
                subject=subject,
                body=body,
            )
            queued += outbox.add(message, now)
    outbox.advance_cursor(end)
    logger.info("outbox: %d notices queued from %d leaves", queued, end - start)
    return QueueReport(queued, end - start, tuple(sorted(set(silent))))
