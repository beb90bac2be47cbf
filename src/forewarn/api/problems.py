"""Errors as RFC 9457 problem documents: the one place the API catches `forewarn.errors.Error`.

```
AuthenticationError → 401 (with `WWW-Authenticate: Bearer`)
AuthorizationError  → 403        EmbargoError  → 403 (type `embargoed`)
NotFoundError       → 404        ConflictError → 409        NotAcceptableError → 406
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


class NotAcceptableError(Error):
    """The client accepts none of the media types an endpoint answers in."""


_STATUS: tuple[tuple[type[Error], int, str], ...] = (
    (NotAcceptableError, 406, "not-acceptable"),
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


Renderer = Callable[[int, str, str, "str | None", "Mapping[str, str] | None"], Response]
"""Renders one error `(status, slug, detail, hint, headers)` for the paths of another protocol
(TAXII answers error messages of its own)."""


def answer(
    renderers: Mapping[str, Renderer],
    path: str,
    status: int,
    slug: str,
    detail: str,
    *,
    hint: str | None = None,
    headers: Mapping[str, str] | None,
) -> Response:
    """One error for a request to `path`: a problem document, or the format of the protocol
    served below the path (`renderers`: prefix → renderer)."""
    for prefix, renderer in renderers.items():
        if path == prefix or path.startswith(prefix + "/"):
            return renderer(status, slug, detail, hint, headers)
    return problem(status, slug, detail, hint=hint, headers=headers)


class _Errors:
    """The handlers, each answering in the format of the path asked (problem documents by
    default, a protocol's own below its prefix)."""

    def __init__(
        self, renderers: Mapping[str, Renderer], pages: tuple[str, HtmlErrors] | None
    ) -> None:
        self.renderers = dict(renderers)
        self.pages = pages

    def render(
        self,
        request: Request,
        status: int,
        slug: str,
        detail: str,
        *,
        hint: str | None = None,
        headers: Mapping[str, str] | None,
    ) -> Response:
        path = request.url.path
        if self.pages is not None and (
            path == self.pages[0] or path.startswith(self.pages[0] + "/")
        ):
            return self.pages[1](request, status, slug, detail, hint)
        return answer(self.renderers, path, status, slug, detail, hint=hint, headers=headers)

    async def on_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Error)
        status, slug = status_of(exc)
        headers = {"WWW-Authenticate": 'Bearer realm="forewarn"'} if status == 401 else None
        if status in _WITHHELD:
            logger.error("request failed: %s", exc.diagnostics())
            detail = "the server could not complete the request"
            return self.render(request, status, slug, detail, headers=None)
        return self.render(request, status, slug, exc.message, hint=exc.hint, headers=headers)

    async def on_http(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return self.render(request, exc.status_code, slug, str(exc.detail), headers=exc.headers)

    async def on_invalid(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()[:5]
        )
        hint = None
        if request.method in ("POST", "PUT", "PATCH") and "json" not in request.headers.get(
            "content-type", ""
        ):  # `curl -d` sends a form unless told otherwise
            hint = "send the body as JSON, with `Content-Type: application/json`"
        detail = where or "invalid request"
        return self.render(request, 422, "invalid", detail, hint=hint, headers=None)

    async def on_unexpected(self, request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error serving a request", exc_info=exc)
        detail = "the server could not complete the request"
        return self.render(request, 500, "server-error", detail, headers=None)


def install(
    app: FastAPI,
    renderers: Mapping[str, Renderer] | None = None,
    *,
    pages: tuple[str, HtmlErrors] | None = None,
) -> None:
    """Register the handlers on `app` (called once by `create_app`); `renderers` maps a path
    prefix to the error format of the protocol served below it, and errors on paths under
    `pages[0]` (the portal) are rendered by `pages[1]` as pages for a browser."""
    errors = _Errors(renderers or {}, pages)
    app.add_exception_handler(Error, errors.on_error)
    app.add_exception_handler(StarletteHTTPException, errors.on_http)
    app.add_exception_handler(RequestValidationError, errors.on_invalid)
    app.add_exception_handler(Exception, errors.on_unexpected)
