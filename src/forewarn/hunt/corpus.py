"""Retro-hunts over a corpus: split it into files and run them on an engine."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from forewarn.hunt.engines.interface import Engine
from forewarn.hunt.engines.local import LocalEngine
from forewarn.hunt.trace import Examined, Hunt, TraceResult


def expand(paths: Iterable[str | Path]) -> list[str]:
    """Files under the paths, sorted, symbolic links not followed; missing paths kept as is
    (reading them reports the problem in their result)."""
    files: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path, followlinks=False):
                dirs.sort()
                files.extend(
                    str(Path(root) / n) for n in sorted(names) if not (Path(root) / n).is_symlink()
                )
        else:
            files.append(str(path))
    return files


def _examine_one(hunt: Hunt, path: str) -> list[Examined]:
    return hunt.examine_path(path)


def hunt_corpus(
    paths: Iterable[str | Path], hunt: Hunt, engine: Engine | None = None
) -> Iterator[TraceResult]:
    """Per-item results for every file under `paths`, in a stable order whatever the engine.

    Workers get `hunt.for_workers()`: the token matcher (shapes and a verifier holding only the
    derived token key) and the artifacts' fingerprints, never the originals or the marks secret.
    Marks are read and partners accused here, on the client, each item's marks as it arrives
    (its text and requests are then dropped); accusations wait until every item is read, since
    the union bound counts the run's comparisons.
    """
    runner = engine if engine is not None else LocalEngine()
    shipped = hunt.for_workers()
    found = (e for part in runner.map(_examine_one, shipped, expand(paths)) for e in part)
    yield from hunt.conclude_all(found)
