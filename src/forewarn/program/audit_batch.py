"""Group commit for the audit log: many requests' leaves under one signed checkpoint.

Every leaf appended by `append_audit` comes with its own Ed25519-signed checkpoint and reads the
log's head, so concurrent appenders serialise on it. A server answering hundreds of fetches a
second instead hands each request's work to one `AuditBatcher`: a single writer thread takes
whatever jobs are waiting (up to `max_batch`), runs them in **one** transaction, appends all
their leaves with `append_audit_many` (one checkpoint) and commits; only then does each
request's `submit` return. So a fetch is in the committed log before its bytes leave, and a
crash loses only requests that were never answered.

A job is `work(session, now) -> (result, entries)`. It must raise only *before* it writes (check
first, then write), so that a job refused by a check leaves nothing behind in the shared
transaction; its `Error` goes back to its own caller while the rest of the batch commits. A
batch that fails to commit (another process appended meanwhile: a duplicate leaf index) is run
again from the start, up to `COMMIT_ATTEMPTS` times.

```python
batcher = AuditBatcher(program.session, program.keys, clock)
batcher.start()
result = batcher.submit(lambda session, now: (value, [AuditEntry(LeafKind.QUERY, {...})]))
batcher.stop()
```
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from forewarn.errors import ConflictError, Error, StoreError
from forewarn.program.audit import AuditEntry, append_audit_many
from forewarn.program.keys import ProgramKeys
from forewarn.store.database import Sessions

logger = logging.getLogger(__name__)

T = TypeVar("T")

Work = Callable[[Session, datetime], tuple[Any, Sequence[AuditEntry]]]
"""A job: checks (may raise `Error`), then writes rows; returns its result and its leaves."""

DEFAULT_MAX_BATCH = 256
"""Most jobs committed together under one checkpoint."""

COMMIT_ATTEMPTS = 3
"""How often a batch is tried when its commit is refused (a concurrent appender)."""

SUBMIT_TIMEOUT_SECONDS = 30.0
"""How long a caller waits for its batch before giving up with `StoreError`."""


@dataclass(slots=True)
class _Job:
    work: Work
    future: Future[Any] = field(default_factory=Future)


class AuditBatcher:
    """One writer thread appending audit leaves in batches (see the module docstring)."""

    def __init__(
        self,
        sessions: Sessions,
        keys: ProgramKeys,
        clock: Callable[[], datetime],
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
    ) -> None:
        self._sessions = sessions
        self._keys = keys
        self._clock = clock
        self._max_batch = max_batch
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.batches = 0
        """Batches committed so far (for the benchmark and tests)."""
        self.leaves = 0
        """Leaves committed so far."""

    def start(self) -> None:
        """Start the writer thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="audit-batcher", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Finish what was submitted, then stop the writer thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def submit(self, work: Callable[[Session, datetime], tuple[T, Sequence[AuditEntry]]]) -> T:
        """Run `work` in the next batch; return its result once the batch is committed."""
        if self._thread is None:
            raise StoreError("the audit writer is not running")
        job = _Job(work)
        self._queue.put(job)
        try:
            result: T = job.future.result(timeout=SUBMIT_TIMEOUT_SECONDS)
        except TimeoutError:
            raise StoreError("the audit log did not answer in time", hint="try again") from None
        return result

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            jobs = [first]
            stopping = False
            while len(jobs) < self._max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                jobs.append(more)
            self._commit(jobs)
            if stopping:
                return

    def _commit(self, jobs: list[_Job]) -> None:
        for attempt in range(1, COMMIT_ATTEMPTS + 1):
            try:
                outcomes = self._attempt(jobs)
            except ConflictError as exc:
                if attempt < COMMIT_ATTEMPTS:
                    logger.info("audit batch refused (%s); trying again", exc.message)
                    continue
                self._fail(jobs, exc)
                return
            except Error as exc:
                self._fail(jobs, exc)
                return
            except Exception as exc:  # never leave a caller waiting on a dead batch
                logger.exception("audit batch failed")
                self._fail(jobs, StoreError(f"the audit log could not be written: {exc}"))
                return
            for job, (ok, value) in zip(jobs, outcomes, strict=True):
                if ok:
                    job.future.set_result(value)
                else:
                    job.future.set_exception(value)
            return

    def _attempt(self, jobs: list[_Job]) -> list[tuple[bool, Any]]:
        outcomes: list[tuple[bool, Any]] = []
        with self._sessions() as session:
            now = self._clock()
            entries: list[AuditEntry] = []
            # rows the jobs add are inserted together at the end, not one by one before the
            # next job's checks (which never read them)
            with session.no_autoflush:
                for job in jobs:
                    try:
                        value, leaves = job.work(session, now)
                    except Error as exc:
                        outcomes.append((False, exc))
                        continue
                    entries.extend(leaves)
                    outcomes.append((True, value))
                append_audit_many(session, entries, now, keys=self._keys)
        self.batches += 1
        self.leaves += len(entries)
        return outcomes

    @staticmethod
    def _fail(jobs: list[_Job], exc: Exception) -> None:
        for job in jobs:
            job.future.set_exception(exc)
