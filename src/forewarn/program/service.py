"""Opening a program: store, schema version, key file and the check that they belong together.

`init_program` creates the schema, the program row, the default tiers and the key file;
`open_program` is what every other command calls. Both take a `Settings`; nothing here reads the
environment or the clock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.domain import ProgramInfo, Tier
from forewarn.domain.validation import require_name, validate_domains
from forewarn.errors import ConflictError, StoreError, ValidationError
from forewarn.program.keys import ProgramKeys
from forewarn.program.tiers import DEFAULT_TIERS, configure_tiers
from forewarn.program.witness import PENDING_KEY, WitnessFile, default_witness_path
from forewarn.settings import Settings
from forewarn.store import ProgramRepository, Store, migrate
from forewarn.store.database import sqlite_path

logger = logging.getLogger(__name__)

SQLITE_SIDECARS = ("-journal", "-wal", "-shm")
"""Files SQLite keeps beside a database file, as private as the database itself."""

DEFAULT_PROGRAM_NAME = "Pre-disclosure Partner Program"
"""Name `forewarn init` gives a program when none is passed."""


@dataclass(frozen=True, slots=True)
class Program:
    """An open program: its store, its verified keys and its row."""

    store: Store
    """The connected, migrated store."""
    keys: ProgramKeys
    """Key material whose fingerprint matches the program row."""
    info: ProgramInfo
    """The program row as it was when opened."""
    key_file: Path
    """Where the keys were read from."""
    witness: WitnessFile
    """The audit log's witness outside the database."""

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed at the end of the block, rolled back on any error.

        Checkpoints the block signed reach the witness only once the commit succeeded.
        """
        with self.store.session() as session:
            yield session
            pending = session.info.pop(PENDING_KEY, [])
        self.witness.append(pending)

    def private_files(self) -> dict[str, Path]:
        """Files that must never leave as an artifact: the key file, the SQLite database."""
        files = {"the program's key file": self.key_file, "the audit witness": self.witness.path}
        database = sqlite_path(self.store.engine.url)
        if database is not None:
            files["the program's database"] = database
            for suffix in SQLITE_SIDECARS:
                files[f"the program's database {suffix} file"] = database.with_name(
                    database.name + suffix
                )
        return files

    def close(self) -> None:
        """Release database connections."""
        self.store.close()

    def __enter__(self) -> Program:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class InitResult:
    """What `init_program` did."""

    info: ProgramInfo
    """The new program row."""
    key_created: bool
    """`False` when an existing key file was reused."""


def init_program(
    settings: Settings,
    *,
    now: datetime,
    name: str = DEFAULT_PROGRAM_NAME,
    tiers: tuple[Tier, ...] = DEFAULT_TIERS,
    domains: tuple[str, ...] = (),
) -> InitResult:
    """Migrate the database, create the program and its tiers, and write the key file.

    An existing key file is reused (e.g. to rebuild a database); otherwise a new one is written
    inside the transaction, so a failure leaves neither a program row nor a stray key file.
    """
    if now.tzinfo is None:
        raise ValidationError("`now` has no zone")
    name = require_name(name, "program name")
    domains = validate_domains(domains)
    key_path = settings.key_file
    existing = key_path.exists()
    keys = ProgramKeys.load(key_path) if existing else ProgramKeys.generate()
    with Store.connect(settings.database_url, must_exist=False) as store:
        migrate.upgrade_engine(store.engine)
        with store.session() as session:
            repo = ProgramRepository(session)
            if repo.get() is not None:
                raise ConflictError(
                    f"database {store.url} holds a program already",
                    hint="use another --db to start a new program",
                )
            info = ProgramInfo(
                name=name, key_fingerprint=keys.fingerprint, created_at=now, domains=domains
            )
            repo.create(info)
            configure_tiers(session, tiers)
            if not existing:
                keys.save(key_path)
    logger.info("initialised program %r", name)
    return InitResult(info=info, key_created=not existing)


def open_store(settings: Settings, *, pooled: bool = False) -> Store:
    """Connect to an existing, fully migrated program store (`pooled` for a server)."""
    store = Store.connect(settings.database_url, pooled=pooled)
    try:
        migrate.require_current(store.engine)
    except BaseException:
        store.close()
        raise
    return store


def open_program(settings: Settings, *, pooled: bool = False) -> Program:
    """Open the program: store reachable and current, key file present and matching.

    `pooled` keeps connections open between transactions (the server); the CLI keeps none.
    """
    store = open_store(settings, pooled=pooled)
    try:
        with store.session() as session:
            info = ProgramRepository(session).get()
        if info is None:
            raise StoreError(
                f"database {store.url} holds no program", hint="run `forewarn init` first"
            )
        keys = ProgramKeys.load(settings.key_file)
        keys.require_fingerprint(info.key_fingerprint, settings.key_file)
    except BaseException:
        store.close()
        raise
    witness = WitnessFile(settings.witness_file or default_witness_path(settings.key_file))
    return Program(store=store, keys=keys, info=info, key_file=settings.key_file, witness=witness)


def migrate_program(settings: Settings) -> str:
    """Bring an existing program store to the code's schema; returns the new revision."""
    with Store.connect(settings.database_url) as store:
        migrate.upgrade_engine(store.engine)
        return migrate.head_revision()
