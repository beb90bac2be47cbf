"""Dask engine for corpora beyond one machine: a scheduler address, or a local cluster."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from forewarn.errors import HuntError

S = TypeVar("S")
R = TypeVar("R")


def _apply(item: str, task: Callable[[Any, str], Any], shared: Any) -> Any:
    return task(shared, item)


class DaskEngine:
    """Runs on `dask.distributed`: `scheduler="tcp://host:8786"`, else a `LocalCluster`.

    The shared value is scattered to every worker once (`broadcast=True`); tasks then refer to
    it by future, so a 100k-pattern matcher and a large index cross the network once.
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        workers: int = 2,
        threads_per_worker: int = 1,
        processes: bool = True,
        connect_timeout: float = 10.0,
    ) -> None:
        if scheduler is None and workers < 1:
            raise HuntError("a local Dask cluster needs at least one worker")
        self.scheduler = scheduler
        self.workers = workers
        self.threads_per_worker = threads_per_worker
        self.processes = processes
        self.connect_timeout = connect_timeout

    @contextlib.contextmanager
    def _client(self) -> Iterator[Any]:
        import distributed

        # `distributed` is untyped; hold its classes as `Any` rather than silence each call.
        Client: Any = distributed.Client  # noqa: N806
        LocalCluster: Any = distributed.LocalCluster  # noqa: N806

        if self.scheduler is not None:
            try:
                client = Client(self.scheduler, timeout=f"{self.connect_timeout}s")
            except OSError as exc:
                raise HuntError(
                    f"cannot reach the Dask scheduler at {self.scheduler}",
                    hint="start one with `dask scheduler` or use --engine local",
                ) from exc
            with client:
                yield client
            return
        with (
            LocalCluster(
                n_workers=self.workers,
                threads_per_worker=self.threads_per_worker,
                processes=self.processes,
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client

    def map(self, task: Callable[[S, str], R], shared: S, items: Sequence[str]) -> Iterator[R]:
        """Run `task(shared, item)` on the cluster, results in input order."""
        if not items:
            return
        with self._client() as client:
            remote = client.scatter(shared, broadcast=True, hash=False)
            futures = client.map(_apply, list(items), task=task, shared=remote, pure=False)
            for future in futures:
                yield future.result()
