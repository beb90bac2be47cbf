"""Which code position each choice point of each artifact and channel carries.

A case's artifacts together offer a finite number of choice points (a 200-line PoC has a few
hundred); the code has `m` positions. Each (artifact, channel) walks its own keyed permutation of
the positions, so within a channel no position repeats until the channel holds more than `m`
choice points, and different channels overlap at random: a position carried by two channels
survives losing one. The layout is computed, never stored.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from forewarn.marks.keyed import derive_key, permutation


def positions(
    secret: bytes, case_id: str, artifact: str, channel: str, count: int, length: int
) -> npt.NDArray[np.int64]:
    """Code positions of choice points `0 .. count-1` of `channel` in `artifact`."""
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    order = permutation(derive_key(secret, "layout", case_id, artifact, channel), length)
    return order[np.arange(count) % length]
