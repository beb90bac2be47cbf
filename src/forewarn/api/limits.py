"""In-process request budgets: token buckets per API token and per client address.

Each key (the SHA-256 of the bearer secret, or the client address without one) has a bucket of
`burst` requests refilled at `per_minute / 60` a second. Failed authentications are charged to
a second bucket per client address, so that guessing tokens from one address is throttled even
when each guess names a new token. Budgets live in this process only: behind several workers or
machines each has its own (documented in the README); a shared limiter belongs in the proxy.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 100_000
"""Buckets kept; the least recently used are forgotten beyond this (a full bucket again)."""

FAILURES_PER_MINUTE = 30
"""Failed authentications per minute one client address may make."""

FAILURE_BURST = 20
"""Failed authentications one client address may make at once."""


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Thread-safe token buckets; `allow(key)` takes one request from `key`'s budget."""

    def __init__(
        self,
        *,
        per_minute: int,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, cost: float = 1.0) -> bool:
        """Take `cost` from `key`'s bucket; `False` (and nothing taken) when it holds less than
        `cost` or less than one request (so `cost=0` asks without taking)."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(self._burst, now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
            allowed = bucket.tokens >= max(cost, 1.0)
            if allowed:
                bucket.tokens -= cost
            self._buckets[key] = bucket
            while len(self._buckets) > MAX_KEYS:
                self._buckets.popitem(last=False)
            return allowed

    def retry_after(self) -> int:
        """Seconds after which one more request fits in an empty bucket."""
        return max(1, int(1 / self._rate + 0.999))


def failure_limiter(burst: int = FAILURE_BURST) -> RateLimiter:
    """The bucket of failed authentications per client address."""
    return RateLimiter(per_minute=FAILURES_PER_MINUTE, burst=burst)
