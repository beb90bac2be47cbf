"""What one running service holds: its settings, the open program, the clock, the audit writer
(and its small caches).

`create_app` builds one `ServiceContext` and keeps it on `app.state.forewarn`; dependencies in
`forewarn.api.deps` hand its parts to routes. Nothing else in `api` holds state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from forewarn.api.limits import RateLimiter
from forewarn.api.settings import ServiceSettings
from forewarn.program.audit_batch import AuditBatcher
from forewarn.program.feed import FeedCache
from forewarn.program.service import Program

Clock = Callable[[], datetime]
"""Where the service reads the time: the wall clock, or a test's."""


def system_clock() -> datetime:
    """The wall clock in UTC: the only place the service reads it."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """The running service's parts."""

    settings: ServiceSettings
    """How it was started."""
    program: Program
    """The open program (pooled store, verified keys); the key never leaves it."""
    clock: Clock
    """The time source every route uses for `now`."""
    audit: AuditBatcher
    """The one writer of the audit log in this process (group commit)."""
    limiter: RateLimiter
    """Per-token / per-address request budget."""
    feed: FeedCache
    """The TAXII objects last made of a few releases."""
