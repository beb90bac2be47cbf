"""A partner's feed: one collection per case released to it, holding its own marked STIX view.

What the TAXII server serves, without HTTP. A partner's collections are the cases whose copy is
delivered and due to it at `now` (`partner_view.partner_cases`); a collection's id is derived
from the partner and the case, so two partners on one case hold different ids and neither can
name the other's. A collection's objects are the STIX 2.1 objects of the partner's own marked
view (`publish.case_view` + `exchange.stix_objects`, the documents `forewarn publish --format
stix --partner P` writes), each with the instant it was added to the collection: the partner's
wave instant, or the last move of the patch date or the case's publication after it (the
view's text changes then and its objects get a new version). Objects are never built for a
case that is not due.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, Release
from forewarn.errors import NotFoundError
from forewarn.exchange import Publisher, stix_objects
from forewarn.program.cases import get_case
from forewarn.program.keys import ProgramKeys
from forewarn.program.partner_view import PartnerCase, partner_cases
from forewarn.program.publish import case_view
from forewarn.program.release_access import own_release
from forewarn.store.audit_repo import AuditRepository
from forewarn.store.release_repo import StoredRelease

DEFAULT_CACHE_SIZE = 256
"""Releases whose objects a service keeps made (a few kB each)."""

FEED_NAMESPACE = "forewarn taxii collection"
"""Salt of collection ids (a partner's collection of a case is always the same id)."""


@dataclass(frozen=True, slots=True)
class Collection:
    """One case as a partner's collection."""

    id: str
    """The collection id (a UUID, the partner's own)."""
    case_id: str
    """The case."""
    title: str
    """`<case id>: <case title>`."""
    available_at: datetime
    """The partner's wave instant for the case."""
    embargo_end: datetime | None
    """The planned end of the embargo."""


@dataclass(frozen=True, slots=True)
class Feed:
    """What a partner's collection holds at one instant."""

    release: Release
    """The partner's release the objects are made from."""
    objects: tuple[FeedObject, ...]
    """Its STIX objects, marking definition and identity first."""


@dataclass(frozen=True, slots=True)
class FeedObject:
    """One STIX object of a collection."""

    id: str
    """The STIX id."""
    type: str
    """The STIX type."""
    version: str
    """Its `modified` (or `created`, for objects without `modified`), as written in STIX."""
    date_added: datetime
    """When this version was added to the partner's collection."""
    spec_version: str
    """The STIX version of the object (`2.1`)."""
    content: dict[str, Any]
    """The object as JSON."""


def collection_id(partner: str, case_id: str) -> str:
    """The id of `partner`'s collection of `case_id`."""
    seed = "\x1f".join((FEED_NAMESPACE, partner, case_id)).encode("utf-8")
    return str(uuid.UUID(bytes=hashlib.sha256(seed).digest()[:16], version=4))


def _collection(partner: str, view: PartnerCase) -> Collection:
    assert view.case is not None
    return Collection(
        id=collection_id(partner, view.case_id),
        case_id=view.case_id,
        title=f"{view.case_id}: {view.case.title}",
        available_at=view.available_at,
        embargo_end=view.embargo_end,
    )


def collections(session: Session, partner: str, now: datetime) -> list[Collection]:
    """The partner's collections at `now`: its cases whose copy is due, by wave instant."""
    return [_collection(partner, v) for v in partner_cases(session, partner, now) if v.due]


def collection(session: Session, partner: str, wanted: str, now: datetime) -> Collection:
    """One of the partner's collections; any other id (another partner's, a case not due yet,
    an unknown one) is `NotFoundError`, all alike."""
    for found in collections(session, partner, now):
        if found.id == wanted:
            return found
    raise NotFoundError(f"no collection {wanted!r} for you")


class FeedCache:
    """The objects last made of a few releases, so that a client paging through a collection
    (or polling it) does not have every copy regenerated and re-marked for each request.

    Keyed by the release, the case as it is now (a moved date, a publication make a new entry)
    and the publisher; looked up only after the due check, so a suspension or cancellation
    still wins at once. Held in memory only, bounded, shared by the threads of one service.
    """

    def __init__(self, size: int = DEFAULT_CACHE_SIZE) -> None:
        self.size = size
        self._found: OrderedDict[str, tuple[FeedObject, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[FeedObject, ...] | None:
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
            return found

    def put(self, key: str, objects: tuple[FeedObject, ...]) -> None:
        with self._lock:
            self._found[key] = objects
            self._found.move_to_end(key)
            while len(self._found) > self.size:
                self._found.popitem(last=False)


def feed_objects(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    partner: str,
    publisher: Publisher,
    now: datetime,
    cache: FeedCache | None = None,
) -> Feed:
    """The objects of the partner's collection of `case_id` (raises unless its copy is due and
    the partner active, like a bundle fetch)."""
    release = own_release(session, case_id, partner, now, None)
    key = "\x1f".join((release.id, repr(get_case(session, case_id)), repr(publisher)))
    cached = cache.get(key) if cache is not None else None
    if cached is not None:
        return Feed(release.as_release(), cached)
    made = _make(session, keys, release, publisher=publisher, now=now)
    if cache is not None:
        cache.put(key, made)
    return Feed(release.as_release(), made)


def _make(
    session: Session,
    keys: ProgramKeys,
    release: StoredRelease,
    *,
    publisher: Publisher,
    now: datetime,
) -> tuple[FeedObject, ...]:
    partner, case_id = release.partner, release.case_id
    view = case_view(session, keys, case_id, publisher=publisher, now=now, partner=partner)
    moves = [r.at for r in view.reschedules if release.available_at < r.at <= now]
    published = AuditRepository(session).find(LeafKind.PUBLICATION, case_id)
    if published is not None and release.available_at < published.at <= now:
        moves.append(published.at)  # the fix is out: the courses of action say so now
    added = max([release.available_at, *moves])
    added = added.replace(microsecond=added.microsecond // 1000 * 1000)  # TAXII's precision
    # the objects' `modified` is the instant this version was added, not the request's
    stable = dataclasses.replace(view, generated=added)
    found = []
    for made in stix_objects(stable):
        content: dict[str, Any] = json.loads(made.serialize())
        found.append(
            FeedObject(
                id=str(content["id"]),
                type=str(content["type"]),
                version=str(content.get("modified", content["created"])),
                date_added=added,
                spec_version=str(content.get("spec_version", "2.1")),
                content=content,
            )
        )
    return tuple(found)


__all__ = [
    "Collection",
    "Feed",
    "FeedCache",
    "FeedObject",
    "collection",
    "collection_id",
    "collections",
    "feed_objects",
]
