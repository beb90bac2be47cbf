"""Learn and match: estimate the collusion channel from the symbols read, then score against it.

The channel is the θ model (`_theta`): for each count `σ` of 1s among the `c` colluders, the
chance `θ_σ` of a 1 read. Its likelihood, given only the symbols read and their biases (and the
known colluders' symbols, when there are some), is that of `P(y = 1 | p) = Σ_σ B(c, p; σ) θ_σ`,
which EM over the hidden count of 1s among the colluders maximises (Furon & Pérez-Freire,
MM&Sec 2009). The fitted channel is then scored by its log-likelihood
ratio. The fit uses no partner's codeword, so an innocent's law stays exact.

At very short lengths the estimate is the weak link (Furon, Guyader, Cérou, WIFS 2012); that is
why it decides together with the symmetric and universal scores, never alone.
"""

from __future__ import annotations

import numpy as np

from forewarn.marks.decoders._theta import binomial, interleaving, theta_law, unknown_members
from forewarn.marks.decoders.interface import FloatArray, Reading
from forewarn.marks.threshold import InnocentLaw

ITERATIONS = 200
"""EM iterations at most (each raises the likelihood; it stops once `θ` moves by < 1e-6)."""


def fit_channel(reading: Reading) -> FloatArray:
    """The θ of largest likelihood for the symbols read (`θ_0 = 0`, `θ_c = 1`), by EM over the
    hidden count of 1s among the unknown colluders at each position."""
    c = reading.max_colluders
    theta = interleaving(c)
    if c < 2 or len(reading.symbols) == 0:
        return theta
    u = unknown_members(reading)
    pmf = binomial(u, reading.bias)
    index = np.clip(reading.ones_known[:, None] + np.arange(u + 1)[None, :], 0, c)
    y = (reading.symbols == 1)[:, None]
    for _ in range(ITERATIONS):
        t = theta[index]
        joint = pmf * np.where(y, t, 1.0 - t)
        total = joint.sum(axis=1, keepdims=True)
        resp = joint / np.where(total > 0, total, 1.0)
        ones = np.bincount(index.ravel(), (resp * y).ravel(), minlength=c + 1)
        mass = np.bincount(index.ravel(), resp.ravel(), minlength=c + 1)
        updated = np.where(mass > 1e-12, ones / np.maximum(mass, 1e-12), theta)
        updated[0], updated[c] = 0.0, 1.0
        if np.abs(updated - theta).max() < 1e-6:
            return updated
        theta = updated
    return theta


class LearnedDecoder:
    """Log-likelihood-ratio score of the collusion channel fitted to the symbols read."""

    name = "learn-and-match"
    uses_side_information = True

    def law(self, reading: Reading) -> InnocentLaw:
        """Exact per-position terms of the fitted channel, given the known colluders."""
        return theta_law(fit_channel(reading), reading)
