"""`forewarn serve`: the partner service (FastAPI under uvicorn) for the program in `--db`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forewarn.cli import common


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (default loopback, 127.0.0.1).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="TCP port to bind (1-65535).")
    ] = 8443,
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", help="PEM certificate chain: serve HTTPS.")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option("--tls-key", help="PEM private key of --tls-cert.")
    ] = None,
    insecure: Annotated[
        bool,
        typer.Option(
            "--insecure", help="Allow plain HTTP off loopback (behind a TLS reverse proxy)."
        ),
    ] = False,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Public URL partners use, for links.")
    ] = None,
    max_body: Annotated[int, typer.Option("--max-body", help="Largest request body in bytes.")] = 64
    * 1024,
    rate: Annotated[
        int, typer.Option("--rate", help="Requests per minute per token (or address).")
    ] = 600,
    burst: Annotated[int, typer.Option("--burst", help="Requests at once per token.")] = 120,
    auth_failure_burst: Annotated[
        int,
        typer.Option("--auth-failure-burst", help="Failed logins at once per client address."),
    ] = 20,
) -> None:
    """Serve partners until interrupted: the REST API (/api/v1/, OpenAPI at
    /api/v1/openapi.json), TAXII 2.1 (/taxii2/) and the web portal (/portal/).

    Plain HTTP on loopback unless --tls-cert and --tls-key are given (the default port is
    8443 either way); partners authenticate with tokens from `forewarn partner api-token issue`."""
    from forewarn.api.settings import ServiceSettings

    settings = ServiceSettings(
        program=common.settings(ctx),
        host=host,
        port=port,
        tls_cert=tls_cert,
        tls_key=tls_key,
        insecure=insecure,
        base_url=base_url,
        max_body_bytes=max_body,
        rate_per_minute=rate,
        rate_burst=burst,
        auth_failure_burst=auth_failure_burst,
    )
    settings.check_bind()  # an unsafe bind is refused before the service's heavy imports
    from forewarn.api.server import run

    run(settings)
