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
from collections.abc import Callable, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
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


HtmlErrors = Callable[[Request, int, str, str, str | None], Response]
"""Renders an error as a page for a browser: `(request, status, slug, detail, hint)`."""


def _problem_of(exc: Exception) -> tuple[int, str, str, str | None]:
    if isinstance(exc, Error):
        status, slug = status_of(exc)
        if status in _WITHHELD:
            logger.error("request failed: %s", exc.diagnostics())
            return status, slug, "the server could not complete the request", None
        return status, slug, exc.message, exc.hint
    if isinstance(exc, StarletteHTTPException):
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return exc.status_code, slug, str(exc.detail), None
    if isinstance(exc, RequestValidationError):
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()[:5]
        )
        return 422, "invalid", where or "invalid request", None
    logger.exception("unexpected error serving a request", exc_info=exc)
    return 500, "server-error", "the server could not complete the request", None


def install(app: FastAPI, *, pages: tuple[str, HtmlErrors] | None = None) -> None:
    """Register the handlers on `app` (called once by `create_app`); errors on paths under
    `pages[0]` (the portal) are rendered by `pages[1]` as pages instead of problem documents."""

    async def handle(request: Request, exc: Exception) -> Response:
        status, slug, detail, hint = _problem_of(exc)
        if pages is not None and request.url.path.startswith(pages[0]):
            return pages[1](request, status, slug, detail, hint)
        headers = (
            {"WWW-Authenticate": 'Bearer realm="forewarn"'}
            if status == 401
            else getattr(exc, "headers", None)
        )
        return problem(status, slug, detail, hint=hint, headers=headers)

    for kind in (Error, StarletteHTTPException, RequestValidationError, Exception):
        app.add_exception_handler(kind, handle)
