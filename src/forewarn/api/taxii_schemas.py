"""TAXII 2.1 resources as pydantic models, their media types, and the TAXII error message.

The resources of the spec (section 4): discovery, API root, collections, collection, envelope,
manifest, versions and the error message, with the properties the spec names (optional ones
left out of an answer when empty). Every TAXII answer is `application/taxii+json;version=2.1`;
a collection's objects are STIX 2.1 (`application/stix+json;version=2.1`), which the objects
endpoints also answer as a plain STIX bundle when that is what the client accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
"""Every TAXII 2.1 resource."""

STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
"""STIX 2.1 content: what a collection holds."""

TAXII_PREFIX = "/taxii2"
"""Where the discovery resource is; the API root is below it."""


class TaxiiResponse(JSONResponse):
    """A TAXII resource."""

    media_type = TAXII_MEDIA_TYPE


class StixResponse(JSONResponse):
    """A STIX 2.1 bundle."""

    media_type = STIX_MEDIA_TYPE


class _Resource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiscoveryOut(_Resource):
    """The server and its API roots (section 4.1.1)."""

    title: str
    description: str | None = None
    contact: str | None = None
    default: str | None = None
    api_roots: list[str] | None = None


class ApiRootOut(_Resource):
    """An API root (section 4.2.1)."""

    title: str
    description: str | None = None
    versions: list[str]
    max_content_length: int


class CollectionOut(_Resource):
    """A collection (section 5.2.1): read-only, STIX 2.1."""

    id: str
    title: str
    description: str | None = None
    alias: str | None = None
    can_read: bool
    can_write: bool
    media_types: list[str] | None = None


class CollectionsOut(_Resource):
    """The collections the caller may see (section 5.1.1); none is `{}`."""

    collections: list[CollectionOut] | None = None


class EnvelopeOut(_Resource):
    """A page of objects (section 3.7)."""

    more: bool | None = None
    next: str | None = None
    objects: list[dict[str, Any]] | None = None


class StixBundleOut(BaseModel):
    """A STIX 2.1 bundle (objects asked for as `application/stix+json;version=2.1`)."""

    model_config = ConfigDict(extra="allow")

    type: str
    id: str
    objects: list[dict[str, Any]] | None = None


class ManifestRecordOut(_Resource):
    """One object version of a manifest (section 5.3.1)."""

    id: str
    date_added: str
    version: str
    media_type: str | None = None


class ManifestOut(_Resource):
    """A page of a manifest (section 5.3.1)."""

    more: bool | None = None
    next: str | None = None
    objects: list[ManifestRecordOut] | None = None


class VersionsOut(_Resource):
    """The versions of one object (section 5.8.1)."""

    more: bool | None = None
    versions: list[str] | None = None


class ErrorOut(_Resource):
    """A TAXII error message (section 3.6.1)."""

    title: str
    description: str | None = None
    error_id: str | None = None
    error_code: str | None = None
    http_status: str | None = None
    external_details: str | None = None
    details: dict[str, Any] | None = None


def taxii_error(
    status: int, slug: str, detail: str, hint: str | None, headers: Mapping[str, str] | None
) -> TaxiiResponse:
    """An error answered to a TAXII client: a TAXII error message, not a problem document.

    A request the server does not understand is 400, as the spec has it (422 elsewhere); a 401
    names both ways a TAXII client may send its token.
    """
    status = 400 if status == 422 else status
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="forewarn", Bearer realm="forewarn"'
    body = ErrorOut(
        title=slug.replace("-", " "),
        description=detail if hint is None else f"{detail} ({hint})",
        error_code=slug,
        http_status=str(status),
    )
    return TaxiiResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def error_responses(statuses: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for error statuses: TAXII error messages."""
    schema = {"$ref": "#/components/schemas/ErrorOut"}
    return {
        status: {
            "model": ErrorOut,
            "description": text,
            "content": {TAXII_MEDIA_TYPE: {"schema": schema}},
        }
        for status, text in statuses.items()
    }


def taxii_content(model: type[BaseModel], *, stix: bool = False) -> dict[str, Any]:
    """OpenAPI `content` of a 200 answer: TAXII (and, for objects, also a STIX bundle)."""
    content = {TAXII_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}
    if stix:
        content[STIX_MEDIA_TYPE] = {"schema": {"$ref": "#/components/schemas/StixBundleOut"}}
    return content
