"""ASGI middleware of the service: security headers, request budgets, request size limit.

Installed by `create_app` outermost first: `SecurityHeaders` (so every answer carries them, the
413 and 429 too), then `RateLimit`, then `BodyLimit`. Pure ASGI, so a large body is refused
while it streams in, before any route reads it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forewarn.api.limits import MAX_KEYS, RateLimiter, failure_limiter
from forewarn.api.problems import Renderer, answer

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
"""The API serves JSON and bundles only: nothing may be loaded, framed or submitted."""

HSTS = "max-age=31536000; includeSubDomains"
"""Sent only when the service terminates TLS itself."""


class SecurityHeaders:
    """Adds the security headers to every response; a route's own `Content-Security-Policy`
    or `Cache-Control` (a portal page's, say) wins over the defaults."""

    def __init__(self, app: ASGIApp, *, tls: bool, no_store_prefixes: Iterable[str]) -> None:
        self.app = app
        self.tls = tls
        self.no_store = tuple(no_store_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", API_CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                headers["Cross-Origin-Resource-Policy"] = "same-origin"
                if path.startswith(self.no_store):
                    headers.setdefault("Cache-Control", "no-store")
                if self.tls:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, with_headers)


class _TooLarge(Exception):
    """The body grew past the limit while streaming."""


class BodyLimit:
    """Refuses a request body larger than `max_bytes` with 413, by header or while streaming."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, renderers: Mapping[str, Renderer] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.renderers = dict(renderers or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = answer(
            self.renderers,
            scope.get("path", ""),
            413,
            "too-large",
            f"request bodies are limited to {self.max_bytes} bytes",
            headers=None,
        )
        await response(scope, receive, send)


def credential(authorization: str) -> str:
    """The secret an `Authorization` header carries: a Bearer token, or the password of HTTP
    Basic (TAXII clients), so that varying the Basic user name buys no extra budget."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return authorization
    return value.strip() if scheme.lower() == "bearer" else authorization


class RateLimit:
    """Per-token (else per-address) request budget, and a budget of failed authentications
    per address; 429 with `Retry-After` when either is spent."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter,
        prefixes: Iterable[str],
        failure_burst: int,
        renderers: Mapping[str, Renderer] | None = None,
    ) -> None:
        self.app = app
        self.renderers = dict(renderers or {})
        self.limiter = limiter
        self.failures = failure_limiter(failure_burst)
        self.prefixes = tuple(prefixes)
        self.good: OrderedDict[str, None] = OrderedDict()
        """Keys (token hashes) that authenticated at least once."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        authorization = Headers(scope=scope).get("authorization")
        # the key is a hash: the secret itself is never kept in memory longer than the request
        key = (
            "token:" + hashlib.sha256(credential(authorization).encode()).hexdigest()
            if authorization
            else "address:" + address
        )
        if not self.limiter.allow(key):
            await self._refuse(scope, receive, send, self.limiter.retry_after())
            return
        known = key in self.good
        if authorization and not known and not self.failures.allow("address:" + address, cost=0):
            await self._refuse(scope, receive, send, self.failures.retry_after())
            return

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 401:
                    self.failures.allow("address:" + address)
                elif authorization and not known:
                    self._remember(key)
            await send(message)

        await self.app(scope, receive, watched)

    def _remember(self, key: str) -> None:
        """A token that authenticated: an address spending its failure budget (someone
        guessing tokens behind the same NAT) does not lock it out."""
        self.good[key] = None
        while len(self.good) > MAX_KEYS:
            self.good.popitem(last=False)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, retry_after: int) -> None:
        response = answer(
            self.renderers,
            scope.get("path", ""),
            429,
            "too-many-requests",
            "too many requests; slow down",
            headers={"Retry-After": str(retry_after)},
        )
        await response(scope, receive, send)
