"""Škorić's symmetric Tardos score, kept for comparison and as one arm of the combination.

Agreement with the observed symbol earns `sqrt((1-q)/q)`, disagreement costs `sqrt(q/(1-q))`,
`q` being the chance an innocent agrees; an innocent's term then has mean 0 and variance 1
whatever the leak shows. It ignores side information.
"""

from __future__ import annotations

import numpy as np

from forewarn.marks.decoders.interface import Reading
from forewarn.marks.threshold import InnocentLaw


class SymmetricDecoder:
    """Škorić–Katzenbeisser–Celik symmetric score (forewarn's code length is sized for it)."""

    name = "symmetric"
    uses_side_information = False

    def law(self, reading: Reading) -> InnocentLaw:
        """Exact per-position terms for a bit of 1 or 0, given the symbols read."""
        p = reading.bias
        agree_q = np.where(reading.symbols == 1, p, 1.0 - p)
        agree = reading.weights * np.sqrt((1.0 - agree_q) / agree_q)
        disagree = -reading.weights * np.sqrt(agree_q / (1.0 - agree_q))
        one = reading.symbols == 1
        return InnocentLaw(
            p_one=p, if_one=np.where(one, agree, disagree), if_zero=np.where(one, disagree, agree)
        )
