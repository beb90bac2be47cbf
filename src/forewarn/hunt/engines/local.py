"""The default engine: processes on this machine (`concurrent.futures`)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from forewarn.errors import HuntError

S = TypeVar("S")
R = TypeVar("R")

_WORKER: tuple[Callable[[Any, str], Any], Any] | None = None


def _install(task: Callable[[Any, str], Any], shared: Any) -> None:
    global _WORKER
    _WORKER = (task, shared)


def _run(item: str) -> Any:
    assert _WORKER is not None, "worker initialiser did not run"
    task, shared = _WORKER
    return task(shared, item)


class LocalEngine:
    """A process pool started per `map`; `workers=1` runs in this process, without a pool.

    Workers start with `forkserver`, not `fork`: forking a process that runs threads (a Dask
    client, a logging handler) can deadlock the child.
    """

    name = "local"

    def __init__(self, workers: int | None = None, *, start_method: str = "forkserver") -> None:
        count = workers if workers is not None else (os.cpu_count() or 1)
        if count < 1:
            raise HuntError("the local engine needs at least one worker")
        self.workers = count
        self._start_method = start_method

    def map(self, task: Callable[[S, str], R], shared: S, items: Sequence[str]) -> Iterator[R]:
        """Run `task(shared, item)` for each item, results in input order."""
        if self.workers == 1 or len(items) <= 1:
            for item in items:
                yield task(shared, item)
            return
        context = multiprocessing.get_context(self._start_method)
        with ProcessPoolExecutor(
            max_workers=min(self.workers, len(items)),
            mp_context=context,
            initializer=_install,
            initargs=(task, shared),
        ) as pool:
            yield from pool.map(_run, items)
