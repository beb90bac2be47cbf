"""Publishing a case in a standards format: the vendor's view, or a partner's marked view.

`case_view` gathers what `forewarn.exchange` needs. The vendor's view holds the originals and
every tier's audience. A partner's view holds exactly the copies its delivered release holds:
each is regenerated with the case's marker (`marker_for_case`, the one that marked the release)
and must hash to what the release recorded, so a leaked CSAF, STIX or MISP document carries the
same text marks and tracking tokens as the partner's advisory and is traced like it. A partner
gets its view only once its release is delivered and due, and only while it is active.
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from forewarn.domain import Artifact, LeafKind, ReleaseState, Tier
from forewarn.errors import ExchangeError, IntegrityError, ValidationError
from forewarn.exchange import (
    CaseView,
    ExportedFile,
    Material,
    Publisher,
    Reschedule,
    embargoed,
    exporter_for,
    stix_objects,
)
from forewarn.marks.wire import evaluate_requests
from forewarn.program.artifacts import list_artifacts, read_artifact
from forewarn.program.case_marking import marker_for_case
from forewarn.program.cases import get_case
from forewarn.program.keys import ProgramKeys
from forewarn.program.release_access import own_release
from forewarn.program.tiers import list_tiers
from forewarn.store.audit_repo import AuditRepository
from forewarn.store.release_repo import ReleaseRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Published:
    """The files of one publication, before they are written."""

    case_id: str
    """The case."""
    format: str
    """The format (`csaf`, `cve`, `stix`, `misp`)."""
    partner: str | None
    """Whose marked view, or `None` for the vendor's."""
    files: tuple[ExportedFile, ...]
    """Name and content of each file."""
    embargoed: bool
    """Whether the files hold material that is not public yet (written mode 0600)."""


def make_publisher(name: str, url: str | None, cna_org_id: str | None) -> Publisher:
    """The publisher of the program's documents, its URL and CNA id checked."""
    if not url:
        raise ValidationError(
            "standards documents name their publisher's URL",
            hint="pass --publisher-url https://… or set FOREWARN_PUBLISHER_URL",
        )
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValidationError(f"publisher URL {url!r} is not an http(s) URL")
    if cna_org_id is not None:
        try:
            cna_org_id = str(uuid.UUID(cna_org_id))
        except ValueError as exc:
            raise ValidationError(f"CNA organisation id {cna_org_id!r} is not a UUID") from exc
    return Publisher(name, url, cna_org_id)


def _audience(artifact: Artifact, tiers: list[Tier]) -> tuple[str, ...]:
    """Tiers allowed to receive `artifact`, most trusted first (policy rules may withhold more)."""
    ranks = {t.name: t.rank for t in tiers}
    floor = ranks.get(artifact.min_tier, 0)
    allowed = [t for t in tiers if t.rank >= floor and artifact.kind in t.artifact_kinds]
    return tuple(t.name for t in sorted(allowed, key=lambda t: -t.rank))


def _text(content: bytes) -> str | None:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None  # a binary artifact has no place in a standards document


def _reschedules(session: Session, case_id: str) -> tuple[Reschedule, ...]:
    found = []
    for leaf in AuditRepository(session).leaves():
        if leaf.kind is not LeafKind.RESCHEDULE:
            continue
        payload: dict[str, Any] = json.loads(leaf.payload)
        if payload.get("case") == case_id:
            found.append(
                Reschedule(
                    leaf.at,
                    date.fromisoformat(payload["patch_planned_before"]),
                    date.fromisoformat(payload["patch_planned_after"]),
                )
            )
    return tuple(found)


def _requests(materials: list[Material]) -> tuple[Any, ...]:
    """What the view's PoCs send, read statically (never run)."""
    return tuple(r for m in materials if m.kind == "poc" for r in evaluate_requests(m.text))


def case_view(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    publisher: Publisher,
    now: datetime,
    partner: str | None = None,
) -> CaseView:
    """The vendor's view of a case (`partner=None`), or one partner's marked view."""
    case = get_case(session, case_id)
    artifacts = {a.name: a for a in list_artifacts(session, case_id)}
    tiers = list_tiers(session)
    reschedules = _reschedules(session, case_id)
    if partner is None:
        materials = []
        for name, artifact in sorted(artifacts.items()):
            text = _text(read_artifact(session, keys, case_id, name))
            if text is not None:
                materials.append(
                    Material(name, artifact.kind.value, text, _audience(artifact, tiers))
                )
        delivered = [
            r
            for r in ReleaseRepository(session).for_case(case_id, ReleaseState.COMPLETE)
            if r.available_at <= now
        ]
        members: dict[str, list[str]] = {}
        for r in delivered:
            members.setdefault(r.tier, []).append(r.partner)
        return CaseView(
            case,
            publisher,
            now,
            materials=tuple(materials),
            requests=_requests(materials),
            released_at=min((r.available_at for r in delivered), default=None),
            reschedules=reschedules,
            members={tier: tuple(sorted(set(who))) for tier, who in members.items()},
        )
    release = own_release(session, case_id, partner, now, None)
    marker = marker_for_case(session, keys, case_id)
    materials = []
    for item in sorted(release.items, key=lambda i: i.name):
        artifact = artifacts[item.name]
        original = read_artifact(session, keys, case_id, item.name)
        copy = marker.mark(item.name, artifact.kind, original, partner)
        if hashlib.sha256(copy.content).hexdigest() != item.sha256:
            raise IntegrityError(
                f"{partner}'s copy of {item.name} does not regenerate as released",
                hint="run `forewarn audit verify`; the marking code or the stored copy changed",
            )
        text = _text(copy.content)
        if text is not None:
            materials.append(Material(item.name, item.kind, text, (release.tier,)))
    return CaseView(
        case,
        publisher,
        now,
        partner=partner,
        tier=release.tier,
        materials=tuple(materials),
        requests=_requests(materials),
        released_at=release.available_at,
        reschedules=reschedules,
        members={release.tier: (partner,)},
    )


def publish(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    format_name: str,
    publisher: Publisher,
    now: datetime,
    partner: str | None = None,
) -> Published:
    """The files of the case in `format_name`, for the vendor or for one partner."""
    exporter = exporter_for(format_name)
    if partner is not None and not exporter.partner_views:
        raise ExchangeError(
            f"{format_name} has no partner view", hint="a CVE record is public: drop --partner"
        )
    view = case_view(session, keys, case_id, publisher=publisher, now=now, partner=partner)
    files = exporter.export(view)
    logger.info("case %s: %d %s file(s) made", case_id, len(files), format_name)
    return Published(case_id, format_name, partner, files, embargoed(view))


def partner_stix(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    partner: str,
    publisher: Publisher,
    now: datetime,
) -> list[Any]:
    """A partner's view as `stix2` objects: what the TAXII feed serves to that partner."""
    view = case_view(session, keys, case_id, publisher=publisher, now=now, partner=partner)
    return stix_objects(view)


__all__ = ["Published", "case_view", "make_publisher", "partner_stix", "publish"]
