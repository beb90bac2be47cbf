"""The engine Protocol: run one function over many inputs, with a shared value per worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

S = TypeVar("S")
R = TypeVar("R")


class Engine(Protocol):
    """Runs `task(shared, item)` for every item and yields the results in input order.

    `shared` (the compiled matcher and the similarity index) is shipped to each worker once,
    not once per item. Engines must give the same results; only speed differs.
    """

    name: str
    """`local` or `dask`."""

    def map(self, task: Callable[[S, str], R], shared: S, items: Sequence[str]) -> Iterator[R]:
        """Apply `task` to every item; results come back in the order of `items`."""
        ...
