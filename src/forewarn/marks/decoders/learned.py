"""Learn and match: estimate the collusion channel from the symbols read, then score against it.

The channel is the θ model (`_theta`): for each count `σ` of 1s among the `c` colluders, the
chance `θ_σ` of a 1 read. Its likelihood, given only the symbols read and their biases (and the
known colluders' symbols, when there are some), is that of `P(y = 1 | p) = Σ_σ B(c, p; σ) θ_σ`,
log-concave in `θ`; coordinate ascent over a grid finds its maximum inside `[0, 1]^(c-1)`
(Furon & Pérez-Freire, MM&Sec 2009). The fitted channel is then scored by its log-likelihood
ratio. The fit uses no partner's codeword, so an innocent's law stays exact.

At very short lengths the estimate is the weak link (Furon, Guyader, Cérou, WIFS 2012); that is
why it decides together with the symmetric and universal scores, never alone.
"""

from __future__ import annotations

import numpy as np

from forewarn.marks.decoders._theta import interleaving, log_likelihood, theta_law
from forewarn.marks.decoders.interface import FloatArray, Reading
from forewarn.marks.threshold import InnocentLaw

GRID = np.linspace(0.0, 1.0, 41)
"""Values each free `θ_σ` is searched over."""
SWEEPS = 6
"""Coordinate-ascent sweeps (the likelihood is log-concave in `θ`, so they converge)."""


def fit_channel(reading: Reading) -> FloatArray:
    """The θ of largest likelihood for the symbols read (`θ_0 = 0`, `θ_c = 1`)."""
    c = reading.max_colluders
    theta = interleaving(c)
    if c < 2 or len(reading.symbols) == 0:
        return theta
    best = log_likelihood(theta, reading)
    for _ in range(SWEEPS):
        moved = False
        for sigma in range(1, c):
            for value in GRID:
                trial = theta.copy()
                trial[sigma] = value
                score = log_likelihood(trial, reading)
                if score > best + 1e-12:
                    theta, best, moved = trial, score, True
        if not moved:
            break
    return theta


class LearnedDecoder:
    """Log-likelihood-ratio score of the collusion channel fitted to the symbols read."""

    name = "learn-and-match"
    uses_side_information = True

    def law(self, reading: Reading) -> InnocentLaw:
        """Exact per-position terms of the fitted channel, given the known colluders."""
        return theta_law(fit_channel(reading), reading)
