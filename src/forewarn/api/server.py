"""Running the service under uvicorn: the bind check, TLS, and logs that never hold a secret.

uvicorn's access log prints the client address, the request line and the status, never a
header: the `Authorization` header (the token) cannot reach a log. Tokens are refused in query
strings (only the header is read), so a request line holds none either. The server header is
not sent. The listening socket is bound by `listen` before the program is opened, so a port
that is taken is one `ConfigError` (uvicorn would log it and exit 3, the integrity exit code).
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import ssl

import uvicorn

from forewarn.api.app import create_app
from forewarn.api.settings import ServiceSettings
from forewarn.errors import ConfigError

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


def _no_passphrase() -> str:
    """The passphrase given for a TLS key: none, so an encrypted key fails the check instead of
    prompting at start-up."""
    return ""


def check_tls(settings: ServiceSettings) -> None:
    """Raise `ConfigError` unless `--tls-cert` and `--tls-key` load as a matching PEM pair,
    the key unencrypted (uvicorn would fail on them with a traceback, or prompt)."""
    if settings.tls_cert is None or settings.tls_key is None:
        return
    try:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        key = str(settings.tls_key)
        context.load_cert_chain(str(settings.tls_cert), key, password=_no_passphrase)
    except ssl.SSLError as exc:
        why = exc.reason or "not a PEM certificate chain and its unencrypted key"
    except OSError as exc:
        why = exc.strerror or str(exc)
    else:
        return
    raise ConfigError(
        f"cannot serve TLS with {settings.tls_cert} and {settings.tls_key}: {why}",
        hint="--tls-cert takes the PEM certificate chain, --tls-key its unencrypted PEM key",
    )


def listen(settings: ServiceSettings) -> socket.socket:
    """The bound socket the service will accept on, or `ConfigError` (a port in use, say)."""
    host = settings.host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, settings.port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {settings.host} port {settings.port}: {exc.strerror or exc}",
            hint="another `forewarn serve` (or another program) may hold it: pick a free --port",
        ) from None
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server on the socket `listen` bound, saying where it listens as uvicorn does
    for a socket of its own."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            logging.getLogger("uvicorn.error").info(
                "Uvicorn running on %s (Press CTRL+C to quit)", self.url
            )


def run(settings: ServiceSettings) -> None:
    """Serve until interrupted (SIGINT or SIGTERM: finish requests, flush the audit writer)."""
    settings.check_bind()
    check_tls(settings)
    sock = listen(settings)
    try:
        bound = dataclasses.replace(settings, base_url=None).public_url  # where it listens
        _Server(uvicorn_config(settings), bound).run(sockets=[sock])
    finally:
        sock.close()
