"""Opening a program: store, schema version, key file and the check that they belong together.

`init_program` creates the schema, the program row, the default tiers and the key file;
`open_program` is what every other command calls. Both take a `Settings`; nothing here reads the
environment or the clock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.domain import ProgramInfo, Tier
from forewarn.domain.validation import require_name, validate_domains
from forewarn.errors import ConflictError, StoreError, ValidationError
from forewarn.program.audit import REPLAY_KEY, append_genesis, has_genesis
from forewarn.program.keys import ProgramKeys
from forewarn.program.merkle import Checkpoint
from forewarn.program.tiers import DEFAULT_TIERS, configure_tiers
from forewarn.program.witness import PENDING_KEY, WitnessFile, default_witness_path
from forewarn.program.witness_external import ExternalWitness, external_witnesses
from forewarn.settings import Settings
from forewarn.store import ProgramRepository, Store, migrate
from forewarn.store.audit_repo import AuditRepository
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
    external: tuple[ExternalWitness, ...] = ()
    """External witnesses the settings name (`witness_external`)."""

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed at the end of the block, rolled back on any error.

        Checkpoints the block signed reach the witnesses only once the commit succeeded.
        """
        with self.store.session() as session:
            session.info[REPLAY_KEY] = self.info.replay
            yield session
            pending = session.info.pop(PENDING_KEY, [])
        witness_all(self.witness, self.external, pending)

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


def witness_all(
    witness: WitnessFile, external: Sequence[ExternalWitness], pending: Sequence[Checkpoint]
) -> None:
    """Hand committed checkpoints to the witness file, then to every external witness."""
    if not pending:
        return
    witness.append(pending)
    for other in external:
        other.send(pending)


def witnesses(settings: Settings) -> tuple[WitnessFile, tuple[ExternalWitness, ...]]:
    """The witness file and the external witnesses the settings name."""
    path = settings.witness_file or default_witness_path(settings.key_file)
    return WitnessFile(path), external_witnesses(settings.witness_command, settings.witness_dir)


def init_program(
    settings: Settings,
    *,
    now: datetime,
    name: str = DEFAULT_PROGRAM_NAME,
    tiers: tuple[Tier, ...] = DEFAULT_TIERS,
    replay: bool = False,
    domains: tuple[str, ...] = (),
) -> InitResult:
    """Migrate the database, create the program and its tiers, and write the key file.

    An existing key file is reused (e.g. to rebuild a database); otherwise a new one is written
    inside the transaction, so a failure leaves neither a program row nor a stray key file.
    The audit log begins with its genesis leaf (the tiers and policy, live or `replay`), which
    starts the witness.
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
                name=name,
                key_fingerprint=keys.fingerprint,
                created_at=now,
                replay=replay,
                domains=domains,
            )
            repo.create(info)
            configure_tiers(session, tiers)
            append_genesis(session, keys, now, reason="init")
            if not existing:
                keys.save(key_path)
            pending = session.info.pop(PENDING_KEY, [])
    witness_all(*witnesses(settings), pending)
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
    witness, external = witnesses(settings)
    return Program(
        store=store,
        keys=keys,
        info=info,
        key_file=settings.key_file,
        witness=witness,
        external=external,
    )


@dataclass(frozen=True, slots=True)
class MigrationResult:
    """What `migrate_program` did."""

    revision: str
    """The schema revision now."""
    genesis: int | None
    """Index of the genesis leaf appended now, or `None` when the log had one."""


def migrate_program(settings: Settings, *, now: datetime) -> MigrationResult:
    """Bring an existing program store to the code's schema, then give its audit log a genesis
    leaf if it has none: the program's state now, committed to by hash, where the log starts
    recording state and the witness starts. `now` moves forward past the log's last leaf."""
    with Store.connect(settings.database_url) as store:
        migrate.upgrade_engine(store.engine)
        revision = migrate.head_revision()
        with store.session() as session:
            if ProgramRepository(session).get() is None:  # a schema without a program yet
                return MigrationResult(revision, None)
    with open_program(settings) as program, program.session() as session:
        if has_genesis(session):
            return MigrationResult(revision, None)
        head = AuditRepository(session).head()
        at = now if head is None else max(now, head.at)
        leaf = append_genesis(session, program.keys, at, reason="migration")
    return MigrationResult(revision, leaf.index)
