"""Laarhoven's universal log-likelihood score, built against the interleaving attack.

The score of the channel where each symbol comes from a colluder chosen at random
(`θ_σ = σ / c`): matching a 1 read earns `log(1 + (1 - p) / (c p))`, missing it costs
`log(1 - 1/c)` (symmetrically for a 0). Interleaving is the attack closest to every other for
large coalitions, which makes the score universal: capacity-achieving asymptotically whatever
the colluders do (Laarhoven, EURASIP JIS 2016). With known colluders the same channel is scored
given their symbols.
"""

from __future__ import annotations

from forewarn.marks.decoders._theta import interleaving, theta_law
from forewarn.marks.decoders.interface import Reading
from forewarn.marks.threshold import InnocentLaw


class UniversalDecoder:
    """Log-likelihood-ratio score against interleaving (`c` = the code's coalition size)."""

    name = "universal"
    uses_side_information = True

    def law(self, reading: Reading) -> InnocentLaw:
        """Exact per-position terms, given the symbols read and the known colluders."""
        return theta_law(interleaving(reading.max_colluders), reading)
