"""A partner takes its bundle: the fetch (checked, then logged) and the acknowledgement.

Each comes in two forms: `prepare_fetch` / `record_fetch` / `record_ack` write rows and return
the audit leaf for a caller that appends it in its own transaction (the partner API, TAXII);
`fetch_bundle` and `ack_bundle` do it all in one (the CLI, scenarios).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, Release
from forewarn.errors import IntegrityError
from forewarn.program.audit import AuditEntry, append_audit
from forewarn.program.keys import ProgramKeys
from forewarn.program.release_access import own_release
from forewarn.store.release_repo import ReleaseRepository


@dataclass(frozen=True, slots=True)
class FetchedBundle:
    """A partner's encrypted bundle, as handed over."""

    release: Release
    """What it contains."""
    sealed: bytes
    """The age-encrypted tar."""


def prepare_fetch(
    session: Session,
    case_id: str,
    *,
    partner: str,
    now: datetime,
    release_id: str | None = None,
) -> FetchedBundle:
    """A partner's own encrypted bundle, once due, checked against its recorded hash; it is
    not handed over until `record_fetch`'s leaf is committed (read-only here)."""
    release = own_release(session, case_id, partner, now, release_id)
    stored = ReleaseRepository(session).sealed_bundle(release.id)
    if stored is None:
        raise IntegrityError(f"release {release.id} is complete but has no bundle")
    sealed, recorded = stored
    if hashlib.sha256(sealed).hexdigest() != recorded:
        raise IntegrityError(f"the stored bundle of release {release.id} was changed")
    return FetchedBundle(release.as_release(), sealed)


def record_fetch(session: Session, release: Release, *, now: datetime, channel: str) -> AuditEntry:
    """Write the download row of `release`; the leaf to append in the same transaction."""
    ReleaseRepository(session).add_fetch(release.id, now, channel)
    payload = {
        "release_id": release.id,
        "case": release.case_id,
        "partner": release.partner,
        "channel": channel,
    }
    return AuditEntry(LeafKind.FETCH, payload, release.id)


def fetch_bundle(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    partner: str,
    now: datetime,
    release_id: str | None = None,
    channel: str = "cli",
) -> FetchedBundle:
    """Hand a partner its own encrypted bundle, once due, and log the download."""
    fetched = prepare_fetch(session, case_id, partner=partner, now=now, release_id=release_id)
    entry = record_fetch(session, fetched.release, now=now, channel=channel)
    append_audit(session, entry.kind, entry.payload, now, keys=keys, subject=entry.subject)
    return fetched


def record_ack(
    session: Session, case_id: str, *, partner: str, now: datetime, note: str = ""
) -> tuple[Release, AuditEntry]:
    """Check the partner's release is due and theirs, write the acknowledgement row; the
    release and the leaf to append in the same transaction."""
    release = own_release(session, case_id, partner, now, None)
    ReleaseRepository(session).add_ack(release.id, now, note)
    payload = {"release_id": release.id, "case": case_id, "partner": partner, "note": note}
    return release.as_release(), AuditEntry(LeafKind.ACK, payload, release.id)


def ack_bundle(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    partner: str,
    now: datetime,
    note: str = "",
) -> Release:
    """Record that a partner acknowledged its bundle."""
    release, entry = record_ack(session, case_id, partner=partner, now=now, note=note)
    append_audit(session, entry.kind, entry.payload, now, keys=keys, subject=entry.subject)
    return release
