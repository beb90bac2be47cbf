"""The TAXII 2.1 server: each partner's own marked STIX views, one read-only collection per case.

```
GET  /taxii2/                                        discovery
GET  /taxii2/feed/                                   the API root
GET  /taxii2/feed/collections/                       my collections (cases due to me)
GET  /taxii2/feed/collections/{id}/                  one of them
GET  /taxii2/feed/collections/{id}/objects/          its STIX objects (filters, pages)
GET  /taxii2/feed/collections/{id}/objects/{obj}/    one object
GET  /taxii2/feed/collections/{id}/objects/{obj}/versions/
GET  /taxii2/feed/collections/{id}/manifest/
POST /taxii2/feed/collections/{id}/objects/, DELETE …/objects/{obj}/   403: read-only
GET  /taxii2/feed/status/{id}/                       404: nothing is ever written
```

A partner authenticates with its API token, as `Authorization: Bearer fwp_…` or as the password
of HTTP Basic (what most TAXII clients send; the user name is ignored). What a collection holds
is decided by `forewarn.program.feed`; the objects are a fetch of the partner's copy (a `fetch`
leaf on channel `taxii`, its due check repeated in the logging transaction, committed before the
answer, needing `bundles:fetch`), every other collection query a `query` leaf (`cases:read`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from forewarn.api import deps
from forewarn.api.context import ServiceContext
from forewarn.api.middleware import credential
from forewarn.api.problems import NotAcceptableError
from forewarn.api.taxii_query import Page, Query, taxii_time
from forewarn.api.taxii_schemas import (
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    TAXII_PREFIX,
    ApiRootOut,
    CollectionOut,
    CollectionsOut,
    DiscoveryOut,
    EnvelopeOut,
    ManifestOut,
    ManifestRecordOut,
    StixResponse,
    TaxiiResponse,
    VersionsOut,
    error_responses,
    taxii_content,
)
from forewarn.domain import ApiScope
from forewarn.errors import AuthenticationError, AuthorizationError, NotFoundError
from forewarn.exchange import Publisher
from forewarn.program.api_tokens import Caller, authenticate
from forewarn.program.audit import AuditEntry
from forewarn.program.bundle_handover import record_fetch
from forewarn.program.feed import Collection, Feed, collection, collections, feed_objects
from forewarn.program.partner_view import query_entry
from forewarn.program.publish import make_publisher
from forewarn.program.release_access import require_still_due

CHANNEL = "taxii"
"""How fetches and queries through this router are recorded."""

API_ROOT = "feed"
"""The one API root's path segment."""


router = APIRouter(
    prefix=TAXII_PREFIX,
    tags=["taxii"],
    default_response_class=TaxiiResponse,
    responses=error_responses(
        {
            400: "A filter, page token or parameter the server does not understand.",
            401: "No, unknown, revoked or expired token.",
            403: "A suspended partner, a missing scope, or a write to a read-only collection.",
            404: "No such collection or object for you.",
            406: "The client accepts no TAXII 2.1 media type.",
            413: "Request body too large.",
            429: "Too many requests.",
        }
    ),
)

CollectionId = Annotated[str, Path(min_length=1, max_length=64, description="A collection id.")]
ObjectId = Annotated[str, Path(min_length=1, max_length=300, description="A STIX object id.")]


def _accepts(request: Request, offered: tuple[str, ...]) -> str:
    """The first of `offered` the request's `Accept` allows; `NotAcceptable` if none."""
    header = request.headers.get("accept", "").strip()
    if not header:
        return offered[0]
    for wanted in header.split(","):
        kind, *params = (part.strip() for part in wanted.split(";"))
        parsed = dict(p.partition("=")[::2] for p in params)
        if parsed.get("q", "1").strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        version = parsed.get("version")
        for media in offered:
            main, _, own = media.partition(";version=")
            if kind.lower() in ("*/*", "application/*") or (
                kind.lower() == main and version in (None, own)
            ):
                return media
    raise NotAcceptableError(
        "none of the media types you accept is served here", hint=f"accept {offered[0]}"
    )


def taxii_caller(request: Request, session: deps.SessionDep, now: deps.NowDep) -> Caller:
    """The partner behind a Bearer token or the password of HTTP Basic; checks `Accept`."""
    objects = "/objects/" in request.url.path and not request.url.path.endswith("/versions/")
    _accepts(request, (TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE) if objects else (TAXII_MEDIA_TYPE,))
    header = request.headers.get("authorization", "")
    scheme = header.partition(" ")[0].lower()
    if scheme not in ("basic", "bearer"):
        raise AuthenticationError(
            "a partner API token is required",
            hint="send `Bearer fwp_…`, or the token as the password of HTTP Basic",
        )
    secret = credential(header)
    caller = authenticate(session, secret, now)
    setattr(request.state, deps.CALLER_STATE, caller)
    return caller


TaxiiCaller = Annotated[Caller, Depends(taxii_caller)]


def _publisher(context: ServiceContext) -> Publisher:
    settings = context.settings
    url = settings.program.publisher_url or settings.public_url
    return make_publisher(context.program.info.name, url, None)


@dataclass(frozen=True, slots=True)
class Served:
    """One authenticated TAXII request: who asks, its transaction, its instant and the service;
    what every collection route does with them, written once."""

    caller: Caller
    session: Session
    now: datetime
    context: ServiceContext

    def collection(self, collection_id: str) -> Collection:
        """The caller's collection `collection_id` (404 for any other)."""
        return collection(self.session, self.caller.partner.name, collection_id, self.now)

    def page(
        self,
        request: Request,
        scope: ApiScope,
        collection_id: str,
        *,
        object_id: str | None = None,
        all_versions: bool = False,
    ) -> tuple[Feed, Page]:
        """The caller's objects of a collection, filtered and paged as the request asks; one
        object's (404 if it has none), every version of it when `all_versions`."""
        self.caller.require(scope)
        params = dict(request.query_params)
        if all_versions:
            params["match[version]"] = "all"
        query = Query.parse(params, object_id=object_id)
        found = self.collection(collection_id)
        feed = feed_objects(
            self.session,
            self.context.program.keys,
            found.case_id,
            partner=self.caller.partner.name,
            publisher=_publisher(self.context),
            now=self.now,
            cache=self.context.feed,
        )
        page = query.page(feed.objects)
        if object_id is not None and not page.objects:
            raise NotFoundError(f"no object {object_id!r} in this collection")
        return feed, page

    def log_query(self, what: str, case_id: str = "") -> None:
        """Log a collection query as a `query` leaf (group commit, no connection held)."""
        entry = query_entry(self.caller.partner.name, what, channel=CHANNEL, case_id=case_id)
        deps.end_reads(self.session)
        self.context.audit.submit(lambda _s, _at: (None, [entry]))

    def log_fetch(self, feed: Feed) -> None:
        """Log the objects handed over as a fetch of the partner's copy (committed first)."""

        def log(batch: Session, at: datetime) -> tuple[None, list[AuditEntry]]:
            require_still_due(batch, feed.release, at)
            return None, [record_fetch(batch, feed.release, now=at, channel=CHANNEL)]

        deps.end_reads(self.session)
        self.context.audit.submit(log)


def served(
    caller: TaxiiCaller, session: deps.SessionDep, now: deps.NowDep, context: deps.ContextDep
) -> Served:
    """The request's `Served` (FastAPI shares one session and caller per request)."""
    return Served(caller, session, now, context)


ServedDep = Annotated[Served, Depends(served)]


def _collection_out(found: Collection) -> CollectionOut:
    embargo = f", embargoed until {taxii_time(found.embargo_end)}" if found.embargo_end else ""
    return CollectionOut(
        id=found.id,
        title=found.title,
        description=f"Your own marked STIX 2.1 view of {found.case_id}{embargo}.",
        alias=found.case_id,
        can_read=True,
        can_write=False,
        media_types=[STIX_MEDIA_TYPE],
    )


def _added_headers(page: Page) -> dict[str, str]:
    if not page.objects:
        return {}
    return {
        "X-TAXII-Date-Added-First": taxii_time(page.objects[0].date_added),
        "X-TAXII-Date-Added-Last": taxii_time(page.objects[-1].date_added),
    }


@router.get("/", response_model=DiscoveryOut, response_model_exclude_none=True)
def discovery(caller: TaxiiCaller, context: deps.ContextDep) -> DiscoveryOut:
    """The TAXII server and its one API root."""
    root = f"{context.settings.public_url}{TAXII_PREFIX}/{API_ROOT}/"
    return DiscoveryOut(
        title=f"{context.program.info.name} TAXII 2.1",
        description="Your own marked STIX 2.1 copies of the cases released to you.",
        default=root,
        api_roots=[root],
    )


@router.get(f"/{API_ROOT}/", response_model=ApiRootOut, response_model_exclude_none=True)
def api_root(caller: TaxiiCaller, context: deps.ContextDep) -> ApiRootOut:
    """The API root: TAXII 2.1 only."""
    return ApiRootOut(
        title=f"{context.program.info.name} partner feed",
        description="One read-only collection per case released to you, once its wave is due.",
        versions=[TAXII_MEDIA_TYPE],
        max_content_length=context.settings.max_body_bytes,
    )


@router.get(
    f"/{API_ROOT}/collections/", response_model=CollectionsOut, response_model_exclude_none=True
)
def list_collections(served: ServedDep) -> CollectionsOut:
    """My collections: one per case whose copy is due to me."""
    served.caller.require(ApiScope.CASES_READ)
    found = collections(served.session, served.caller.partner.name, served.now)
    served.log_query("taxii-collections")
    return CollectionsOut(collections=[_collection_out(c) for c in found] or None)


@router.get(
    f"/{API_ROOT}/collections/{{collection_id}}/",
    response_model=CollectionOut,
    response_model_exclude_none=True,
)
def get_collection(collection_id: CollectionId, served: ServedDep) -> CollectionOut:
    """One of my collections (404 for any other id)."""
    served.caller.require(ApiScope.CASES_READ)
    found = served.collection(collection_id)
    served.log_query("taxii-collection", found.case_id)
    return _collection_out(found)


def _objects_answer(request: Request, page: Page) -> JSONResponse:
    media = _accepts(request, (TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE))
    headers = _added_headers(page)
    objects = [o.content for o in page.objects]
    if media == STIX_MEDIA_TYPE:
        bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
        return StixResponse(bundle, headers=headers)
    body = EnvelopeOut(more=page.more, next=page.next, objects=objects or None)
    return TaxiiResponse(body.model_dump(exclude_none=True), headers=headers)


@router.get(
    f"/{API_ROOT}/collections/{{collection_id}}/objects/",
    response_model=EnvelopeOut,
    responses={200: {"content": taxii_content(EnvelopeOut, stix=True)}},
)
def get_objects(collection_id: CollectionId, request: Request, served: ServedDep) -> JSONResponse:
    """The STIX objects of my copy: `added_after`, `limit`/`next`, `match[id|type|version|
    spec_version]`."""
    feed, page = served.page(request, ApiScope.BUNDLES_FETCH, collection_id)
    served.log_fetch(feed)
    return _objects_answer(request, page)


@router.post(f"/{API_ROOT}/collections/{{collection_id}}/objects/", status_code=202)
def add_objects(collection_id: CollectionId, served: ServedDep) -> None:
    """Refused: every collection is read-only (`can_write` is false)."""
    served.collection(collection_id)
    raise AuthorizationError("this collection is read-only")


@router.get(
    f"/{API_ROOT}/collections/{{collection_id}}/objects/{{object_id}}/",
    response_model=EnvelopeOut,
    responses={200: {"content": taxii_content(EnvelopeOut, stix=True)}},
)
def get_object(
    collection_id: CollectionId, object_id: ObjectId, request: Request, served: ServedDep
) -> JSONResponse:
    """One object of my copy (`match[version]`, `match[spec_version]`)."""
    feed, page = served.page(request, ApiScope.BUNDLES_FETCH, collection_id, object_id=object_id)
    served.log_fetch(feed)
    return _objects_answer(request, page)


@router.delete(f"/{API_ROOT}/collections/{{collection_id}}/objects/{{object_id}}/")
def delete_object(collection_id: CollectionId, object_id: ObjectId, served: ServedDep) -> None:
    """Refused: every collection is read-only."""
    served.collection(collection_id)
    raise AuthorizationError("this collection is read-only")


@router.get(
    f"/{API_ROOT}/collections/{{collection_id}}/objects/{{object_id}}/versions/",
    response_model=VersionsOut,
    response_model_exclude_none=True,
)
def object_versions(
    collection_id: CollectionId, object_id: ObjectId, request: Request, served: ServedDep
) -> JSONResponse:
    """The versions of one object of my copy (one: the current)."""
    feed, page = served.page(
        request, ApiScope.CASES_READ, collection_id, object_id=object_id, all_versions=True
    )
    served.log_query("taxii-versions", feed.release.case_id)
    body = VersionsOut(more=page.more, versions=[o.version for o in page.objects])
    return TaxiiResponse(body.model_dump(exclude_none=True), headers=_added_headers(page))


@router.get(
    f"/{API_ROOT}/collections/{{collection_id}}/manifest/",
    response_model=ManifestOut,
    response_model_exclude_none=True,
)
def manifest(collection_id: CollectionId, request: Request, served: ServedDep) -> JSONResponse:
    """Ids, versions and dates added of my copy's objects (same filters as objects)."""
    feed, page = served.page(request, ApiScope.CASES_READ, collection_id)
    served.log_query("taxii-manifest", feed.release.case_id)
    records = [
        ManifestRecordOut(
            id=o.id,
            date_added=taxii_time(o.date_added),
            version=o.version,
            media_type=STIX_MEDIA_TYPE,
        )
        for o in page.objects
    ]
    body = ManifestOut(more=page.more, next=page.next, objects=records or None)
    return TaxiiResponse(body.model_dump(exclude_none=True), headers=_added_headers(page))


@router.get(f"/{API_ROOT}/status/{{status_id}}/")
def status(status_id: Annotated[str, Path(max_length=64)], caller: TaxiiCaller) -> None:
    """No status resource exists: nothing is ever written to this server."""
    raise NotFoundError(f"no status {status_id!r}")
