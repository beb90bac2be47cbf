"""Errors as RFC 9457 problem documents: the one place the API catches `forewarn.errors.Error`.

```
AuthenticationError → 401 (with `WWW-Authenticate: Bearer`)
AuthorizationError  → 403        EmbargoError  → 403 (type `embargoed`)
NotFoundError       → 404        ConflictError → 409
ValidationError     → 422        other Error   → 400
StoreError          → 503        IntegrityError, ConfigError → 500 (message withheld)
anything else       → 500, logged with its traceback, never sent
```

A response body is `{"type", "title", "status", "detail", "hint"}` with media type
`application/problem+json`; it never carries a traceback, a token or embargoed content.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from forewarn.errors import (
    AuthenticationError,
    AuthorizationError,
    ConfigError,
    ConflictError,
    EmbargoError,
    Error,
    IntegrityError,
    NotFoundError,
    StoreError,
    ValidationError,
)

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
"""Media type of every error body."""

_STATUS: tuple[tuple[type[Error], int, str], ...] = (
    (AuthenticationError, 401, "unauthenticated"),
    (EmbargoError, 403, "embargoed"),
    (AuthorizationError, 403, "forbidden"),
    (NotFoundError, 404, "not-found"),
    (ConflictError, 409, "conflict"),
    (ValidationError, 422, "invalid"),
    (StoreError, 503, "unavailable"),
    (IntegrityError, 500, "integrity"),
    (ConfigError, 500, "server-config"),
)
"""First match wins: subclasses before their bases."""

_WITHHELD = {500}
"""Statuses whose message describes the server, not the request: logged, not sent."""


def status_of(exc: Error) -> tuple[int, str]:
    """The HTTP status and problem type slug of an error."""
    for kind, status, slug in _STATUS:
        if isinstance(exc, kind):
            return status, slug
    return 400, "bad-request"


def problem(
    status: int,
    slug: str,
    detail: str,
    *,
    hint: str | None = None,
    headers: Mapping[str, str] | None,
) -> JSONResponse:
    """One problem response."""
    body = {
        "type": f"urn:forewarn:problem:{slug}",
        "title": slug.replace("-", " "),
        "status": status,
        "detail": detail,
        "hint": hint,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


async def _on_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Error)
    status, slug = status_of(exc)
    headers = {"WWW-Authenticate": 'Bearer realm="forewarn"'} if status == 401 else None
    if status in _WITHHELD:
        logger.error("request failed: %s", exc.diagnostics())
        return problem(status, slug, "the server could not complete the request", headers=None)
    return problem(status, slug, exc.message, hint=exc.hint, headers=headers)


async def _on_http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    return problem(exc.status_code, slug, str(exc.detail), headers=exc.headers)


async def _on_invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    where = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
        for e in exc.errors()[:5]
    )
    return problem(422, "invalid", where or "invalid request", headers=None)


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error serving a request", exc_info=exc)
    return problem(500, "server-error", "the server could not complete the request", headers=None)


def install(app: FastAPI) -> None:
    """Register the handlers on `app` (called once by `create_app`)."""
    app.add_exception_handler(Error, _on_error)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_invalid)
    app.add_exception_handler(Exception, _on_unexpected)
