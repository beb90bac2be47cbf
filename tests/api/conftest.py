"""One staged program and one `forewarn serve` process per backend, shared by tests/api."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import _create_pg_database, _drop_pg_database
from forewarn.settings import Settings, sqlite_url

from . import portal_world
from .portal_world import Portal
from .service_world import Service, serving, stage

UNLIMITED = ("--rate", "1000000", "--burst", "1000000", "--auth-failure-burst", "1000000")
"""The matrix and schemathesis make many requests from one address; limits have their own test."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the PostgreSQL service are `postgres` tests (`make check` leaves them out)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("service") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, worker_id_tag: str
) -> Iterator[Service]:
    """A served program on each backend (its own PostgreSQL database)."""
    folder = tmp_path_factory.mktemp(f"service-{request.param}")
    name = None
    if request.param == "sqlite":
        url = sqlite_url(folder / "forewarn.db")
    else:
        name, url = _create_pg_database(f"{worker_id_tag}_api")
    try:
        settings = Settings(database_url=url, key_file=folder / "forewarn.key")
        tokens, identities = stage(settings)
        log = folder / "serve.log"
        with serving(settings, log, *UNLIMITED) as base:
            yield Service(base, settings, tokens, identities, log)
    finally:
        if name is not None:
            _drop_pg_database(name)


@pytest.fixture(scope="session")
def served_log(service: Service) -> Path:
    """The server log of `service`."""
    return service.log


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """One served program with staff of every role, on SQLite, for the portal's tests."""
    folder = tmp_path_factory.mktemp("portal")
    settings = Settings(database_url=sqlite_url(folder / "forewarn.db"), key_file=folder / "k.key")
    with portal_world.portal(folder, settings) as running:
        yield running
