"""Dask engine for corpora beyond one machine: a scheduler address, or a local cluster."""

from __future__ import annotations

import collections
import contextlib
import ipaddress
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from forewarn.errors import HuntError

S = TypeVar("S")
R = TypeVar("R")


AHEAD_PER_WORKER = 2
"""Items in flight per worker thread, submitted and not yet read (`DaskEngine.map`)."""

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
"""Host names that always mean this machine."""


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """The client's TLS material for a `tls://` scheduler (PEM files)."""

    ca_file: Path
    """CA certificate that signed the scheduler's and workers' certificates."""
    cert: Path
    """This client's certificate."""
    key: Path
    """This client's private key."""


def is_loopback(address: str) -> bool:
    """Whether a scheduler address names this machine (`tcp://127.0.0.1:8786`, `localhost`)."""
    host = urllib.parse.urlsplit(address if "://" in address else f"tcp://{address}").hostname
    if host is None:
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_private_channel(address: str, tls: TlsFiles | None) -> None:
    """Refuse a scheduler that workers could join unseen over plain TCP.

    Workers receive the token matcher (token shapes and the verifier: the derived token key, the
    domains and whose copies of which artifacts exist) and the artifacts' fingerprints; a plain
    `tcp://` scheduler off this machine lets anyone who can reach it join as a worker. Such a
    scheduler must be `tls://`, with this client's certificate.
    """
    scheme = address.split("://", 1)[0].lower() if "://" in address else "tcp"
    if scheme == "tls":
        if tls is None:
            raise HuntError(
                f"the tls:// scheduler {address} needs this client's TLS files",
                hint="give --tls-ca-file, --tls-cert and --tls-key",
            )
        return
    if scheme in ("tcp", "inproc") and is_loopback(address):
        return
    raise HuntError(
        f"refusing the {scheme}:// scheduler {address}: it is not on this machine, so it must "
        "be tls:// (workers that join a plain scheduler receive the hunt's matcher)",
        hint="run the scheduler and workers with TLS (`dask scheduler --tls-…`) and give "
        "--scheduler tls://HOST:PORT with --tls-ca-file, --tls-cert and --tls-key",
    )


def _apply(item: str, task: Callable[[Any, str], Any], shared: Any) -> Any:
    return task(shared, item)


class DaskEngine:
    """Runs on `dask.distributed`: a scheduler address, else a `LocalCluster`.

    A scheduler off this machine must be `tls://` with `tls` files (`require_private_channel`);
    the caller ships workers only what they need (`Hunt.for_workers`). The shared value is
    scattered to every worker once (`broadcast=True`); tasks then refer to
    it by future, so the matcher and a large index cross the network once.
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
        tls: TlsFiles | None = None,
    ) -> None:
        if scheduler is None and workers < 1:
            raise HuntError("a local Dask cluster needs at least one worker")
        if scheduler is not None:
            require_private_channel(scheduler, tls)
        self.tls = tls
        self.scheduler = scheduler
        self.workers = workers
        self.threads_per_worker = threads_per_worker
        self.processes = processes
        self.connect_timeout = connect_timeout

    @contextlib.contextmanager
    def _client(self) -> Iterator[Any]:
        import distributed

        # `distributed` is untyped; hold its classes as `Any` rather than silence each call.
        Client: Any = distributed.Client
        LocalCluster: Any = distributed.LocalCluster
        Security: Any = distributed.Security

        if self.scheduler is not None:
            security = None
            if self.tls is not None:
                security = Security(
                    tls_ca_file=str(self.tls.ca_file),
                    tls_client_cert=str(self.tls.cert),
                    tls_client_key=str(self.tls.key),
                    require_encryption=True,
                )
            try:
                client = Client(
                    self.scheduler, timeout=f"{self.connect_timeout}s", security=security
                )
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
        """Run `task(shared, item)` on the cluster, results in input order.

        At most `AHEAD_PER_WORKER` items per worker thread (counted as workers join) are in
        flight, submitted and not yet read: a worker keeps its results until they are read, so
        a client slower than its workers (it reads marks and accuses) would otherwise have the
        cluster hold most of the corpus's results (a web log's is its first 16 MB of text).
        """
        if not items:
            return
        with self._client() as client:
            remote = client.scatter(shared, broadcast=True, hash=False)
            pending = list(reversed(items))
            futures: collections.deque[Any] = collections.deque()
            while pending or futures:
                ahead = AHEAD_PER_WORKER * max(1, sum(client.nthreads().values()))
                while pending and len(futures) < ahead:
                    item = pending.pop()
                    futures.append(
                        client.submit(_apply, item, task=task, shared=remote, pure=False)
                    )
                # drop each future once read: the cluster then frees its result
                yield futures.popleft().result()


@contextlib.contextmanager
def local_scheduler(host: str = "127.0.0.1", port: int = 8786, workers: int = 2) -> Iterator[str]:
    """A Dask scheduler on this machine with `workers` single-threaded worker processes, for
    `forewarn hunt --engine dask --scheduler ADDRESS` from other runs; yields its address.

    It listens on loopback only: workers that join a scheduler receive the hunt's matcher, and a
    plain `tcp://` scheduler reachable from other machines would let anyone join. Clusters over
    several machines run `dask scheduler` / `dask worker` with TLS (`require_private_channel`).
    """
    address = f"tcp://{host}:{port}"
    if not is_loopback(address):
        raise HuntError(
            f"refusing to listen on {host}: a plain scheduler must stay on this machine",
            hint="use 127.0.0.1, or run `dask scheduler --tls-…` for a cluster over machines",
        )
    if workers < 0:
        raise HuntError("a scheduler cannot have a negative number of workers")
    import distributed

    LocalCluster: Any = distributed.LocalCluster
    try:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host=host,
            scheduler_port=port,
            dashboard_address=None,
        )
    except OSError as exc:
        raise HuntError(f"cannot listen on {address}: {exc.strerror or exc}") from exc
    with cluster:
        yield str(cluster.scheduler_address)
