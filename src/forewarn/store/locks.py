"""Cross-process write locks: who appends to the audit log, who releases a case.

Two processes appending leaves at once would both read the log's head and write the same leaf
index (a unique-key violation that aborts one of them: a release batch or a fetch). Two release
runs of one case would both plan the same pending rows. These locks make them wait instead.

- PostgreSQL: advisory locks, held until the transaction ends (the server drops them when the
  holder's connection goes, so a killed process holds nothing).
- SQLite: the database's one write lock, taken at the start of the transaction
  (`BEGIN IMMEDIATE`, waiting up to `SQLITE_BUSY_TIMEOUT_MS`); a killed process drops it too.
  Reads made before it (outside any transaction, as the driver runs them) are not repeated:
  whatever decides what to write must be read after it.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

AUDIT_LOG = "audit-log"
"""Lock name of the audit log's appenders."""


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for `name` (PostgreSQL's `bigint`)."""
    digest = hashlib.sha256(f"forewarn:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def release_lock_name(case_id: str) -> str:
    """Lock name of the release runs of one case."""
    return f"release:{case_id}"


def release_run_lock_name(case_id: str) -> str:
    """Lock name of a whole release run of one case (PostgreSQL only, `hold_run_lock`)."""
    return f"release-run:{case_id}"


def release_row_lock_name(release_id: str) -> str:
    """Lock name of one release row (SQLite only: PostgreSQL locks the row itself)."""
    return f"release-row:{release_id}"


def is_postgresql(session: Session) -> bool:
    """Whether `session` talks to PostgreSQL (else SQLite)."""
    return session.get_bind().dialect.name == "postgresql"


def hold_write_lock(session: Session, name: str) -> None:
    """Wait for, then hold until the transaction ends, the right to write under `name`.

    On SQLite every name is the same lock: the database's write lock.
    """
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
        return
    dbapi = session.connection().connection.dbapi_connection
    # Not yet in a transaction: take the write lock now. Already in one: the driver began it
    # at this transaction's first write, which took the write lock already.
    if dbapi is not None and not dbapi.in_transaction:
        dbapi.execute("BEGIN IMMEDIATE")


def hold_run_lock(session: Session, name: str) -> None:
    """On PostgreSQL, wait for, then hold until `session`'s transaction ends, the lock `name`:
    a guard transaction held open across a run of many transactions serialises such runs.

    On SQLite nothing is held: the database's write lock would block the run's own
    transactions, which each take the write lock in turn instead.
    """
    if is_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
