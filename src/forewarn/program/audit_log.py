"""Listing the audit log: each entry with its leaf index, and the case, partner and release it is
about, filtered by case, partner, kind and time.

Leaves record a case, a partner and a release id in their payloads where they have one; a leaf
that names only a release (a cancellation) is matched to its case and partner through the
release rows. The log is read whole (100,000 leaves load in well under a second), newest last.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind
from forewarn.errors import ValidationError
from forewarn.store.audit_repo import AuditRepository
from forewarn.store.schedule_repo import DeliveryRepository

DEFAULT_LIMIT = 50
"""Entries `audit log` lists unless told otherwise: the newest ones."""


@dataclass(frozen=True, slots=True)
class AuditLogEntry:
    """One leaf of the log, with what it is about."""

    index: int
    """Leaf index (`audit prove`, inclusion proofs)."""
    kind: LeafKind
    """What it records."""
    at: datetime
    """When."""
    subject: str
    """The leaf's subject (a release id, a partner, a case)."""
    case: str | None
    """The case it is about, if any."""
    partner: str | None
    """The partner it is about, if any."""
    release_id: str | None
    """The release it is about, if any."""
    payload: dict[str, Any]
    """Its recorded details (never embargoed content)."""


@dataclass(frozen=True, slots=True)
class AuditLog:
    """A filtered listing of the audit log."""

    entries: tuple[AuditLogEntry, ...]
    """The entries listed, oldest first (the newest `limit` of those that matched)."""
    matched: int
    """How many entries matched the filters."""
    leaves: int
    """Leaves in the whole log."""


def audit_log(
    session: Session,
    *,
    case: str | None = None,
    partner: str | None = None,
    kind: LeafKind | None = None,
    since: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
) -> AuditLog:
    """The entries matching every filter given; `limit` 0 lists them all."""
    if limit < 0:
        raise ValidationError("the limit cannot be negative", hint="0 lists every entry")
    if since is not None and since.tzinfo is None:
        raise ValidationError("a time without a zone was given", hint="use UTC")
    leaves = AuditRepository(session).leaves()
    owners = DeliveryRepository(session).release_owners()
    matched: list[AuditLogEntry] = []
    for leaf in leaves:
        if (kind is not None and leaf.kind is not kind) or (since is not None and leaf.at < since):
            continue
        payload = json.loads(leaf.payload)
        release_id = payload.get("release_id")
        if release_id is None and leaf.subject in owners:
            release_id = leaf.subject
        owner = owners.get(str(release_id)) if release_id is not None else None
        about_case = payload.get("case") or (owner[0] if owner else None)
        about_partner = payload.get("partner") or (owner[1] if owner else None)
        if case is not None and about_case != case:
            continue
        if partner is not None and about_partner != partner:
            continue
        matched.append(
            AuditLogEntry(
                leaf.index,
                leaf.kind,
                leaf.at,
                leaf.subject,
                None if about_case is None else str(about_case),
                None if about_partner is None else str(about_partner),
                None if release_id is None else str(release_id),
                payload,
            )
        )
    shown = matched if limit == 0 else matched[-limit:]
    return AuditLog(tuple(shown), len(matched), len(leaves))
