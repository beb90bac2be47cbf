"""Shared fixtures: fresh migrated databases on SQLite and PostgreSQL, programs, CLI runners.

`db_url` is parametrised over both backends. PostgreSQL must answer at
`FOREWARN_TEST_POSTGRES_URL` (default `postgresql+psycopg://postgres@127.0.0.1:5432/test`): the
tests fail, never skip, when it does not. Each test run (and each xdist worker) gets its own
database `forewarn_t_<worker>_<random>`, migrated once; every test starts from empty tables
(TRUNCATE) and the database is dropped at the end.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from forewarn.cli.app import app
from forewarn.program.keys import ProgramKeys
from forewarn.program.service import Program, init_program, open_program
from forewarn.settings import Settings, sqlite_url
from forewarn.store import migrate

pytest_plugins = ("log_scan", "pytester")
"""Every test's log output is scanned for secrets and embargoed content (`tests/log_scan.py`)."""

PG_ADMIN_URL = os.environ.get(
    "FOREWARN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")
FOREWARN_BIN = Path(sys.executable).with_name("forewarn")
T0 = datetime(2021, 1, 4, 9, 0, tzinfo=UTC)
"""A fixed `now` for tests: nothing reads the wall clock."""


def _pg_admin_engine():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _pg_database_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _create_pg_database(worker: str) -> tuple[str, str]:
    name = f"forewarn_t_{worker}_{secrets.token_hex(4)}"
    engine = _pg_admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, _pg_database_url(name)


def _drop_pg_database(name: str) -> None:
    engine = _pg_admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that runs on the PostgreSQL backend `postgres` (`make check` skips them),
    and leave out the PostgreSQL run of `one_database` tests.

    A `one_database` test proves something the database only holds for it (marks read back,
    accusations, file handling): running it twice proves nothing more and costs CI minutes.
    What the store does on each backend is proven by the tests of `store`, `program`, the API,
    releases, the scheduler and the audit log, which keep both runs."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("backend") == "postgresql"
        if on_postgres and item.get_closest_marker("one_database") is not None:
            dropped.append(item)
            continue
        if on_postgres:
            item.add_marker(pytest.mark.postgres)
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def worker_id_tag(request: pytest.FixtureRequest) -> str:
    """`gw0`, `gw1`… under xdist, `main` otherwise."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def pg_migrated_url(worker_id_tag: str) -> Iterator[str]:
    """A PostgreSQL database for this run and worker, migrated to head once."""
    name, url = _create_pg_database(worker_id_tag)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        _drop_pg_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "forewarn.db"
    migrate.upgrade(sqlite_url(path))
    return path


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = connection.scalars(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ).all()
        if tables:
            quoted = ", ".join(f'"{table}"' for table in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """`sqlite` or `postgresql`."""
    return str(request.param)


@pytest.fixture
def db_url(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, sqlite_template: Path
) -> str:
    """A migrated, empty database on each backend."""
    if backend == "sqlite":
        path = tmp_path / "forewarn.db"
        shutil.copyfile(sqlite_template, path)
        return sqlite_url(path)
    url: str = request.getfixturevalue("pg_migrated_url")
    _truncate_all(url)
    return url


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path, worker_id_tag: str) -> Iterator[str]:
    """A database with no schema at all, on each backend (for migration tests)."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path / "empty.db")
        return
    name, url = _create_pg_database(worker_id_tag)
    try:
        yield url
    finally:
        _drop_pg_database(name)


@dataclass(frozen=True)
class ProgramEnv:
    """An initialised program in a temporary directory."""

    dir: Path
    settings: Settings
    keys: ProgramKeys

    def open(self) -> Program:
        """Open the program (store and verified keys)."""
        return open_program(self.settings)

    def cli_args(self) -> list[str]:
        """Global options pointing the CLI at this program."""
        return ["--db", self.settings.database_url, "--key-file", str(self.settings.key_file)]

    def env(self) -> dict[str, str]:
        """Environment pointing a `forewarn` subprocess at this program."""
        return {
            **os.environ,
            "FOREWARN_DATABASE_URL": self.settings.database_url,
            "FOREWARN_KEY_FILE": str(self.settings.key_file),
        }


@pytest.fixture
def program_env(db_url: str, tmp_path: Path) -> ProgramEnv:
    """A program initialised at `T0` with the default tiers, on each backend.

    A replay program: tests replay history with `--now`, in whatever order a case needs
    (`live_env` is a live one)."""
    settings = Settings(database_url=db_url, key_file=tmp_path / "forewarn.key")
    init_program(settings, now=T0, name="Test Program", replay=True)
    return ProgramEnv(dir=tmp_path, settings=settings, keys=ProgramKeys.load(settings.key_file))


@pytest.fixture
def live_env(db_url: str, tmp_path: Path) -> ProgramEnv:
    """A live program initialised at `T0`: its audit log never goes back in time."""
    settings = Settings(database_url=db_url, key_file=tmp_path / "forewarn.key")
    init_program(settings, now=T0, name="Live Program")
    return ProgramEnv(dir=tmp_path, settings=settings, keys=ProgramKeys.load(settings.key_file))


@dataclass(frozen=True)
class CliResult:
    """What a user sees from one `forewarn` run."""

    exit_code: int
    stdout: str
    stderr: str


CliRun = Callable[..., CliResult]


@pytest.fixture(autouse=True)
def known_keys_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test pins program keys in its own file, never in the user's config folder."""
    path = tmp_path / "known-program-keys.json"
    monkeypatch.setenv("FOREWARN_KNOWN_KEYS", str(path))
    return path


@pytest.fixture
def cli() -> CliRun:
    """Run `forewarn ARGS…` in-process through Typer's runner."""

    def run(args: Sequence[str], *, cwd: Path | None = None) -> CliResult:
        runner = CliRunner()
        previous = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            result = runner.invoke(app, list(args), catch_exceptions=False)
        finally:
            os.chdir(previous)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def cli_subprocess() -> CliRun:
    """Run the installed `forewarn` entry point in a subprocess."""

    def run(
        args: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> CliResult:
        done = subprocess.run(
            [str(FOREWARN_BIN), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return CliResult(done.returncode, done.stdout, done.stderr)

    return run
