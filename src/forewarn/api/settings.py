"""The service's frozen settings: the program it serves, where it listens, TLS and limits.

Built once by `forewarn serve` (flags over `FOREWARN_*` variables) and passed to
`forewarn.api.app.create_app`; nothing in `api` reads the environment on its own.
`ServiceSettings.check_bind` is the one place that refuses a plain-HTTP bind off loopback.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from forewarn.errors import ConfigError
from forewarn.settings import Settings

DEFAULT_HOST = "127.0.0.1"
"""Loopback: the service is reachable from this machine only unless told otherwise."""

DEFAULT_PORT = 8443
"""The port `forewarn serve` listens on by default."""

DEFAULT_MAX_BODY_BYTES = 64 * 1024
"""Largest request body accepted (acknowledgements and feedback are small JSON)."""

DEFAULT_RATE_PER_MINUTE = 600
"""Requests per minute one token (or, without one, one client address) may make."""

DEFAULT_RATE_BURST = 120
"""Requests one token or address may make at once before the per-minute rate applies."""

DEFAULT_AUTH_FAILURE_BURST = 20
"""Failed authentications one client address may make before it is slowed to 30 a minute."""

API_PREFIX = "/api/v1"
"""Where every router of the partner API is mounted."""


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """How `forewarn serve` runs."""

    program: Settings
    """The program served: its database URL and key file (`Settings.database_url`,
    `Settings.key_file`), witness file and publisher details."""
    host: str = DEFAULT_HOST
    """Address to bind; anything but loopback needs TLS or `insecure`."""
    port: int = DEFAULT_PORT
    """TCP port to bind (0 picks a free one)."""
    tls_cert: Path | None = None
    """PEM certificate chain for uvicorn's own TLS."""
    tls_key: Path | None = None
    """PEM private key of `tls_cert`."""
    insecure: bool = False
    """Allow plain HTTP on a non-loopback address (behind a TLS reverse proxy, say)."""
    base_url: str | None = None
    """The public URL partners use (links in notifications and the portal); `None` derives
    it from the bind address."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Largest request body accepted; larger is refused with 413 before it is read."""
    rate_per_minute: int = DEFAULT_RATE_PER_MINUTE
    """Sustained requests per minute per token (or per client address without one)."""
    rate_burst: int = DEFAULT_RATE_BURST
    """Requests per token or address allowed at once."""
    auth_failure_burst: int = DEFAULT_AUTH_FAILURE_BURST
    """Failed authentications (401) one client address may make at once."""

    @property
    def database_url(self) -> str:
        """The program's SQLAlchemy URL."""
        return self.program.database_url

    @property
    def key_file(self) -> Path:
        """The program key file (0600), read at start-up, never served or logged."""
        return self.program.key_file

    @property
    def tls(self) -> bool:
        """Whether uvicorn terminates TLS itself."""
        return self.tls_cert is not None

    @property
    def public_url(self) -> str:
        """`base_url`, else the URL of the bind address."""
        if self.base_url:
            return self.base_url.rstrip("/")
        scheme = "https" if self.tls else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    def check_bind(self) -> None:
        """Raise `ConfigError` unless this is a safe way to listen.

        TLS needs both a certificate and a key; a non-loopback address needs TLS, or
        `insecure` for a deployment that terminates TLS in a reverse proxy in front.
        """
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ConfigError("TLS needs both --tls-cert and --tls-key")
        for path in (self.tls_cert, self.tls_key):
            if path is not None and not path.is_file():
                why = "is not a regular file" if path.exists() else "does not exist"
                raise ConfigError(f"TLS file {path} {why}")
        if not (
            1 <= self.max_body_bytes
            and 1 <= self.rate_per_minute
            and 1 <= self.rate_burst
            and 1 <= self.auth_failure_burst
        ):
            raise ConfigError("request limits must be positive")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port {self.port} is out of range")
        if self.tls or self.insecure or is_loopback(self.host):
            return
        raise ConfigError(
            f"refusing to serve plain HTTP on {self.host}, which is not loopback",
            hint="pass --tls-cert and --tls-key, or --insecure behind a TLS reverse proxy",
        )


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback IP address; a name that needs DNS is not."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
