"""Marking a wave's copies, in a process pool when the wave is large.

Marking is the costly part of a release; it runs outside any transaction, so the callers
(`release.release_due`, `held.prepare_held`) deliver or hold the copies it yields afterwards.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver

from forewarn.domain import Artifact
from forewarn.domain.marking import MarkingParams
from forewarn.errors import MarkError
from forewarn.marks.engine import MarkedCopy, Marker
from forewarn.store.release_repo import StoredRelease

POOL_THRESHOLD = 64
"""Waves with more partners than this are marked in a process pool."""

_WORKER: dict[str, object] = {}


def _init_worker(
    secret: bytes,
    case_id: str,
    params: MarkingParams,
    originals: dict[str, Artifact],
    contents: dict[str, bytes],
    plans: dict[str, dict[str, object]] | None = None,
    freeze: bool = False,
) -> None:
    marker = Marker.for_case(secret, case_id, params)
    for name, made in (plans or {}).items():
        marker.adopt_plans(name, originals[name].kind, contents[name], made)
    if freeze:
        # A worker lives for one wave: what it holds before its first copy (the originals'
        # plans and trees, made here by `capacity`) lives as long, and the garbage collector
        # would walk it again and again (a tenth of a copy's CPU). Frozen, it walks only
        # what the copies make.
        for name in plans or {}:
            try:
                marker.capacity(name, originals[name].kind, contents[name])
            except MarkError:
                pass  # its copies raise it, one by one, as without the warm-up
        gc.freeze()
    _WORKER["marker"] = marker
    _WORKER["originals"] = originals
    _WORKER["contents"] = contents


def _mark_one(job: tuple[str, tuple[str, ...]]) -> dict[str, MarkedCopy]:
    partner, names = job
    marker = _WORKER["marker"]
    originals = _WORKER["originals"]
    contents = _WORKER["contents"]
    assert isinstance(marker, Marker) and isinstance(originals, dict)
    assert isinstance(contents, dict)
    return {n: marker.mark(n, originals[n].kind, contents[n], partner) for n in names}


def marked_copies(
    secret: bytes,
    case_id: str,
    params: MarkingParams,
    originals: dict[str, Artifact],
    contents: dict[str, bytes],
    due: Sequence[StoredRelease],
    workers: int | None,
) -> Iterator[dict[str, MarkedCopy]]:
    """Each due release's marked copies, in order; a pool when the wave is large."""
    jobs = [(r.partner, r.planned_artifacts) for r in due]
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if len(due) <= POOL_THRESHOLD or count <= 1:
        _init_worker(secret, case_id, params, originals, contents)
        yield from map(_mark_one, jobs)
        return
    # `forkserver`, not `fork`: forking a process that runs threads (a server, a test runner,
    # native libraries' pools) can leave the child with a lock held or a broken native state.
    # The server starts first (its imports take seconds) and boots while this process plans.
    context = multiprocessing.get_context("forkserver")
    forkserver.ensure_running()
    # Planned once here, not once per worker: the workers would all spend the same seconds
    # on the same plan (the wire channel's) before their first copy.
    marker = Marker.for_case(secret, case_id, params)
    names = sorted({n for r in due for n in r.planned_artifacts})
    plans = {n: marker.plans(n, originals[n].kind, contents[n]) for n in names}
    with ProcessPoolExecutor(
        count,
        mp_context=context,
        initializer=_init_worker,
        initargs=(secret, case_id, params, originals, contents, plans, True),
    ) as pool:
        yield from pool.map(_mark_one, jobs, chunksize=16)
