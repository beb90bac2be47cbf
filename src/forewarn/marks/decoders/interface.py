"""What a decoder is: a per-position score table built from the symbols read, never from a
partner's codeword.

Every decoder here scores partner `j` as `S_j = Σ_i w_i g_i(x_ji)`, with `g_i` a function of the
symbol read `y_i`, the bias `p_i` and, for side information, the symbols of partners already
accused by fingerprint evidence. `g_i` never looks at `x_j` itself, so an innocent's score is a
sum of independent two-point terms whose law (`InnocentLaw`) is known exactly: that is what the
Chernoff bound and the importance-sampled innocents of `threshold` rest on, for every decoder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from forewarn.marks.threshold import InnocentLaw

FloatArray = npt.NDArray[np.float64]
BitArray = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Reading:
    """What a decoder may use: the merged symbols, their biases and weights, known colluders."""

    symbols: BitArray
    """The symbol read `y_i` at each read position."""
    bias: FloatArray
    """The bias `p_i` of each read position."""
    weights: FloatArray
    """Vote margin times confidence of each symbol, in (0, 1]; terms are scaled by it."""
    max_colluders: int
    """The coalition size `c` the code is sized against (the decoders' model of the pirate)."""
    known: BitArray
    """Symbols of partners already accused by fingerprint evidence, one row each (may be
    empty): a decoder that uses side information scores the others given them."""

    @property
    def ones_known(self) -> npt.NDArray[np.int64]:
        """How many known colluders hold a 1 at each read position."""
        if len(self.known) == 0:
            return np.zeros(len(self.symbols), dtype=np.int64)
        return np.asarray(self.known.sum(axis=0), dtype=np.int64)


class Decoder(Protocol):
    """A score over the read positions; its innocent law is exact given the `Reading`."""

    name: str
    """Short name shown in reports (`symmetric`, `universal`, `learn-and-match`)."""
    uses_side_information: bool
    """Whether `law` conditions on `Reading.known` (only those run in the re-scoring passes)."""

    def law(self, reading: Reading) -> InnocentLaw:
        """Per-position score terms for a bit of 1 and of 0, with the innocent's chance of 1."""
        ...
