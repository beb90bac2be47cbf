"""Engine and unit of work: open a program store from a URL, hand out transactional sessions.

SQLite (a file) is the default and PostgreSQL is selected by a `postgresql+psycopg://` URL. A
database that does not answer, or a SQLite file that does not exist when one is expected, is a
`StoreError` with the URL (password hidden) and what to do; never a driver traceback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.exc import IntegrityError as SAIntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from forewarn.errors import ConflictError, StoreError

logger = logging.getLogger(__name__)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

CONNECT_TIMEOUT_SECONDS = 5
"""How long to wait for a PostgreSQL server before saying it does not answer."""

Sessions = Callable[[], AbstractContextManager[Session]]
"""A factory of transactions, e.g. `Store.session` or `Program.session`: what a use case takes
when it commits in several steps (a release run, the scheduler, the mail outbox)."""


def parse_url(url: str) -> URL:
    """Parse a database URL, turning a malformed one into a `StoreError`."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"not a database URL: {url!r}",
            hint="use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB",
        ) from exc
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r}",
            hint="forewarn runs on SQLite and PostgreSQL",
        )
    return parsed


def display_url(url: str | URL) -> str:
    """The URL with its password hidden, for messages."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or `None` for other backends and in-memory databases."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another's transaction (a release batch, a fetch) to end."""


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on; WAL with `synchronous=NORMAL`; wait for the write lock, never fail.

    WAL with `NORMAL` syncs at checkpoints instead of at every commit: a killed process loses
    nothing committed and a power loss may drop the last commits, never corrupt the file. An
    in-memory database keeps its own journal (`PRAGMA journal_mode` answers `memory`).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _create_owner_only(path: Path) -> None:
    """Create a missing SQLite file 0600 before SQLite does (it would follow the umask).

    The database holds partner names, e-mails and case titles in clear; SQLite gives its journal
    and WAL files the database file's permissions.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"cannot create the database {path}: {exc.strerror or exc}") from exc
    os.close(fd)


POOL_SIZE = 10
"""Connections a pooled engine (the server) keeps open to PostgreSQL."""

POOL_OVERFLOW = 30
"""Extra connections a pooled engine opens under load (uvicorn runs 40 worker threads)."""


def make_engine(url: str, *, pooled: bool = False) -> Engine:
    """Create an engine for `url`; `pooled=False` (the CLI) keeps no idle PostgreSQL connections.

    A SQLite file is always pooled: its connections hold no server resources, and one kept open
    keeps the WAL (reopening per transaction would checkpoint and delete it at every close).
    """
    parsed = parse_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if not pooled and sqlite_path(parsed) is None:
        kwargs["poolclass"] = NullPool
    elif parsed.get_backend_name() == "postgresql":
        kwargs.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_pre_ping=True)
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"no driver for {display_url(parsed)}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    return engine


def check_connection(engine: Engine) -> None:
    """Raise `StoreError` unless the database answers a trivial query."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(
            f"database {display_url(engine.url)} does not answer: {first_line}",
            hint="check --db or FOREWARN_DATABASE_URL and that the server is running",
        ) from exc


class Store:
    """A connected program store; `session()` is the unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def connect(cls, url: str, *, must_exist: bool = True, pooled: bool = False) -> Store:
        """Connect to `url`; with `must_exist`, a missing SQLite file is an error, not created."""
        parsed = parse_url(url)
        path = sqlite_path(parsed)
        if path is not None:
            if must_exist and not path.is_file():
                raise StoreError(
                    f"no forewarn database at {path}", hint="run `forewarn init` first or pass --db"
                )
            if not path.parent.is_dir():
                raise StoreError(
                    f"database {display_url(parsed)} does not answer: "
                    f"directory {path.parent} does not exist"
                )
            _create_owner_only(path)
        engine = make_engine(url, pooled=pooled)
        try:
            check_connection(engine)
        except StoreError:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def url(self) -> str:
        """The store's URL with the password hidden."""
        return display_url(self.engine.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back (nothing written) on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except SAIntegrityError as exc:
            session.rollback()
            raise ConflictError(f"the database refused a duplicate: {exc.orig}") from exc
        except PoolTimeoutError as exc:
            session.rollback()
            raise StoreError(
                f"database {self.url} is busy: no connection free", hint="try again"
            ) from exc
        except DBAPIError as exc:
            session.rollback()
            raise StoreError(f"database {self.url} failed: {exc.orig}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


__all__ = [
    "CONNECT_TIMEOUT_SECONDS",
    "Store",
    "check_connection",
    "display_url",
    "make_engine",
    "parse_url",
    "sqlite_path",
]
