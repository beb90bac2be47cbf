"""Marking a wave's copies, in a process pool when the wave is large.

Marking is the costly part of a release; it runs outside any transaction, so the callers
(`release.release_due`, `held.prepare_held`) deliver or hold the copies it yields afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from forewarn.domain import Artifact
from forewarn.domain.marking import MarkingParams
from forewarn.marks.engine import MarkedCopy, Marker
from forewarn.store.release_repo import StoredRelease

POOL_THRESHOLD = 64
"""Waves with more partners than this are marked in a process pool."""

_WORKER: dict[str, object] = {}


def _init_worker(
    secret: bytes, case_id: str, params: MarkingParams, originals: dict[str, Artifact]
) -> None:
    _WORKER["marker"] = Marker.for_case(secret, case_id, params)
    _WORKER["originals"] = originals


def _mark_one(job: tuple[str, tuple[str, ...], dict[str, bytes]]) -> dict[str, MarkedCopy]:
    partner, names, contents = job
    marker = _WORKER["marker"]
    originals = _WORKER["originals"]
    assert isinstance(marker, Marker) and isinstance(originals, dict)
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
    jobs = [
        (r.partner, r.planned_artifacts, {n: contents[n] for n in r.planned_artifacts}) for r in due
    ]
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if len(due) <= POOL_THRESHOLD or count <= 1:
        _init_worker(secret, case_id, params, originals)
        yield from map(_mark_one, jobs)
        return
    # `forkserver`, not `fork`: forking a process that runs threads (a server, a test runner,
    # native libraries' pools) can leave the child with a lock held or a broken native state.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(
        count,
        mp_context=context,
        initializer=_init_worker,
        initargs=(secret, case_id, params, originals),
    ) as pool:
        yield from pool.map(_mark_one, jobs, chunksize=16)
