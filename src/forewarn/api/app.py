"""The one application factory: `create_app(settings) -> FastAPI`.

It opens the program (pooled store, key file checked: 0600, matching fingerprint), starts the
audit writer, installs the error handlers and middleware and mounts every router under
`/api/v1/`. The OpenAPI document is at `/api/v1/openapi.json`.

Adding a router (TAXII, staff, portal): write `forewarn/api/routers/NAME.py` with
`router = APIRouter(prefix="/NAME", tags=["NAME"])` and add it to `ROUTERS` below (mounted under
`/api/v1`), or to `ROOT_ROUTERS` for paths outside it (a TAXII discovery at `/taxii2/`, portal
pages at `/portal/`). Routes get the session, the caller and the time from `forewarn.api.deps`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, FastAPI

from forewarn.api import pages, problems
from forewarn.api.context import Clock, ServiceContext, system_clock
from forewarn.api.limits import RateLimiter
from forewarn.api.middleware import BodyLimit, RateLimit, SecurityHeaders
from forewarn.api.routers import meta, partner, portal, staff_pages, taxii
from forewarn.api.settings import API_PREFIX, ServiceSettings
from forewarn.api.taxii_schemas import TAXII_PREFIX, taxii_error
from forewarn.program.audit_batch import AuditBatcher
from forewarn.program.feed import FeedCache
from forewarn.program.service import open_program, open_store

logger = logging.getLogger(__name__)

ROUTERS: tuple[APIRouter, ...] = (meta.router, partner.router)
"""Routers mounted under `/api/v1`."""

ROOT_ROUTERS: tuple[APIRouter, ...] = (portal.router, staff_pages.router, taxii.router)
"""Routers mounted at the root (their own prefix)."""

RENDERERS: dict[str, problems.Renderer] = {TAXII_PREFIX: taxii_error}
"""Path prefix → the error format of the protocol served there (problem documents elsewhere)."""

NO_STORE_PREFIXES = (API_PREFIX, pages.PORTAL_PREFIX, TAXII_PREFIX)
"""Paths whose answers (partner data, portal pages, feeds) must never be cached."""

WORKER_THREADS = 256
"""Requests handled at once (anyio's default is 40)."""


def create_app(settings: ServiceSettings, *, clock: Clock = system_clock) -> FastAPI:
    """The service for `settings`; raises `forewarn.errors.Error` if the program cannot open."""
    program = open_program(settings.program, pooled=True)
    # The audit writer has connections of its own: requests waiting for their batch hold the
    # request pool's, and must never starve the one thread that would answer them.
    try:
        writer = dataclasses.replace(program, store=open_store(settings.program, pooled=True))
    except BaseException:
        program.close()
        raise
    try:
        context = ServiceContext(
            settings=settings,
            program=program,
            clock=clock,
            audit=AuditBatcher(writer.session, writer.keys, clock),
            limiter=RateLimiter(per_minute=settings.rate_per_minute, burst=settings.rate_burst),
            feed=FeedCache(),
        )

        @asynccontextmanager
        async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
            # requests wait for their audit batch in worker threads: enough of them that a
            # release-time burst joins one batch (one signed checkpoint, one fsync)
            to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
            context.audit.start()
            logger.info("serving %s on %s", program.info.name, settings.public_url)
            try:
                yield
            finally:
                context.audit.stop()
                writer.close()
                program.close()

        app = FastAPI(
            title="forewarn partner API",
            version="1",
            summary="Partners fetch their own copies of embargoed cases once their wave is due.",
            openapi_url=f"{API_PREFIX}/openapi.json",
            docs_url=None,
            redoc_url=None,
            lifespan=lifespan,
        )
        app.state.forewarn = context
        problems.install(app, RENDERERS, pages=(pages.PORTAL_PREFIX, pages.error_page))
        for router in ROUTERS:
            app.include_router(router, prefix=API_PREFIX)
        for router in ROOT_ROUTERS:
            app.include_router(router)
        # added innermost first: SecurityHeaders ends up outermost
        app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, renderers=RENDERERS)
        app.add_middleware(
            RateLimit,
            limiter=context.limiter,
            prefixes=(API_PREFIX, TAXII_PREFIX),
            failure_burst=settings.auth_failure_burst,
            renderers=RENDERERS,
        )
        app.add_middleware(SecurityHeaders, tls=settings.tls, no_store_prefixes=NO_STORE_PREFIXES)
    except BaseException:
        writer.close()
        program.close()
        raise
    return app
