"""What every format says alike about a view: its status, TLP, revisions, ids and JSON form.

One source for the rules the formats share, so that a partner's CSAF, STIX and MISP documents
agree: a published case is TLP:CLEAR and final; an embargoed one shared with partners is
interim, TLP:AMBER in a partner's view (its organisation may act on it) and TLP:RED in the
vendor's own (nobody else's to pass on); before any release it is a draft.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from forewarn.domain import CaseStatus
from forewarn.domain.timeline import TimePoint
from forewarn.encoding import dumps
from forewarn.exchange.interface import CaseView, Tlp, TrackingStatus

GENERATOR = "forewarn"
"""Name of the producing engine in the documents."""


@dataclass(frozen=True, slots=True)
class Revision:
    """One entry of a document's revision history."""

    number: int
    """Integer version the entry produced (`0` for a draft)."""
    at: datetime
    """When (UTC)."""
    summary: str
    """What changed, in one line."""


def status_of(view: CaseView) -> TrackingStatus:
    """Final once published, interim once shared with partners, a draft before."""
    if view.case.status is CaseStatus.PUBLISHED:
        return TrackingStatus.FINAL
    if view.released_at is None:
        return TrackingStatus.DRAFT
    return TrackingStatus.INTERIM


def embargoed(view: CaseView) -> bool:
    """Whether the view holds material not public yet (its files are written mode 0600)."""
    return view.case.status is not CaseStatus.PUBLISHED


def tlp_of(view: CaseView) -> Tlp:
    """CLEAR once published; AMBER for a partner under embargo; RED for the vendor's own."""
    if not embargoed(view):
        return Tlp.CLEAR
    return Tlp.AMBER if view.partner is not None else Tlp.RED


def start_of(day: date | TimePoint) -> datetime:
    """Midnight UTC of a day (or a time point's start), for formats that want instants."""
    if isinstance(day, TimePoint):
        return day.start
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def first_planned(view: CaseView) -> date:
    """The planned public date when the material was first shared: before the first move made
    after that, or the case's date when it never moved since."""
    shared = view.released_at
    later = [m for m in view.reschedules if shared is None or m.at >= shared]
    return later[0].before if later else view.case.patch_planned


def revisions(view: CaseView) -> tuple[Revision, ...]:
    """The revision history: first share, each later move of the date, publication."""
    case = view.case
    if status_of(view) is TrackingStatus.DRAFT:
        return (Revision(0, view.generated, "Draft, not shared with anyone yet"),)
    found: list[Revision] = []
    if view.released_at is not None:
        shared = "Shared with the partner" if view.partner else "Shared with partners"
        found.append(
            Revision(
                1,
                view.released_at,
                f"{shared} under embargo; planned public release {first_planned(view)}",
            )
        )
        for move in view.reschedules:
            if move.at >= view.released_at:
                found.append(
                    Revision(
                        len(found) + 1,
                        move.at,
                        f"Planned public release moved from {move.before} to {move.after}",
                    )
                )
    if case.status is CaseStatus.PUBLISHED:
        day = start_of(case.patch_actual or case.patch_planned)
        at = max([day, *(r.at for r in found)])
        found.append(Revision(len(found) + 1, at, "Public release"))
    return tuple(found)


def stable_uuid(view: CaseView, *parts: str, per_case: bool = True) -> uuid.UUID:
    """A random-looking (version 4) UUID that is the same every time for the same object of the
    same case (or, with `per_case=False`, of any case) and publisher, so a document regenerated
    later names the same objects."""
    scope = (view.case.id,) if per_case else ()
    seed = "\x1f".join((view.publisher.namespace, *scope, *parts)).encode("utf-8")
    return uuid.UUID(bytes=hashlib.sha256(seed).digest()[:16], version=4)


def instant(at: datetime) -> str:
    """An instant as the formats write it: UTC with `Z`, whole seconds."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_bytes(document: object) -> bytes:
    """A document as UTF-8 JSON through the one encoder, with a final newline."""
    return (dumps(document) + "\n").encode("utf-8")


def embargo_text(view: CaseView) -> str:
    """The distribution statement: who may read it and until when it is embargoed."""
    case = view.case
    if not embargoed(view):
        return f"Public since {case.patch_actual or case.patch_planned}."
    reader = f"{view.partner}'s product-security team" if view.partner else "the vendor"
    return (
        f"Embargoed until the planned public release on {case.patch_planned}. "
        f"For {reader} only, on a need-to-know basis; do not share outside it. "
        "Every copy is unique to its recipient."
    )


def slug(text: str) -> str:
    """A file-name-safe form (CSAF's rule: lower case, runs of other characters as `_`)."""
    collapsed = "".join(
        c if c.isascii() and (c.isalnum() or c in "+-") else "_" for c in text.lower()
    )
    while "__" in collapsed:
        collapsed = collapsed.replace("__", "_")
    return collapsed.strip("_") or "case"


def file_stem(view: CaseView) -> str:
    """The case id as CSAF names files, with the partner's name in a partner view."""
    stem = slug(view.case.id)
    return stem if view.partner is None else f"{stem}_{slug(view.partner)}"


__all__ = [
    "GENERATOR",
    "Revision",
    "embargo_text",
    "embargoed",
    "file_stem",
    "first_planned",
    "instant",
    "json_bytes",
    "revisions",
    "slug",
    "stable_uuid",
    "start_of",
    "status_of",
    "tlp_of",
]
