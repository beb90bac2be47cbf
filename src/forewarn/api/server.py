"""Running the service under uvicorn: the bind check, TLS, and logs that never hold a secret.

uvicorn's access log prints the client address, the request line and the status, never a
header: the `Authorization` header (the token) cannot reach a log. Tokens are refused in query
strings (only the header is read), so a request line holds none either. The server header is
not sent.
"""

from __future__ import annotations

import logging

import uvicorn

from forewarn.api.app import create_app
from forewarn.api.settings import ServiceSettings

logger = logging.getLogger(__name__)


def uvicorn_config(settings: ServiceSettings) -> uvicorn.Config:
    """The uvicorn configuration for `settings` (after `check_bind`)."""
    settings.check_bind()
    app = create_app(settings)
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        ssl_certfile=str(settings.tls_cert) if settings.tls_cert else None,
        ssl_keyfile=str(settings.tls_key) if settings.tls_key else None,
        server_header=False,
        access_log=True,
        log_level=settings.program.log_level.lower()
        if settings.program.log_level != "WARNING"
        else "info",
        timeout_keep_alive=5,
        backlog=2048,
    )


def run(settings: ServiceSettings) -> None:
    """Serve until interrupted (SIGINT or SIGTERM: finish requests, flush the audit writer)."""
    uvicorn.Server(uvicorn_config(settings)).run()
