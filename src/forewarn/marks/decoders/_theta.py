"""The θ model of a collusion channel (Furon–Pérez-Freire), shared by the universal and the
learn-and-match decoders.

A coalition of `c` partners, `σ` of whom hold a 1 at a position, puts out a 1 with chance
`θ_σ` (`θ_0 = 0`, `θ_c = 1` under the marking assumption). With `r` colluders known (their
symbols given) and `u = c - r` unknown, the chance of a 1 read is `Σ_s B(u, p; s) θ_{σk + s}`
for an innocent and `Σ_s B(u-1, p; s) θ_{σk + x + s}` for an unknown colluder holding `x`. The
log of their ratio is the score term: the log-likelihood-ratio decoder for that channel. A small
noise floor `NOISE` keeps one misread symbol from costing a colluder an infinite term.
"""

from __future__ import annotations

from math import comb

import numpy as np

from forewarn.marks.decoders.interface import FloatArray, Reading
from forewarn.marks.threshold import InnocentLaw

NOISE = 0.01
"""Chance a symbol is misread whatever the channel: `P ← NOISE + (1 - 2 NOISE) P`."""


def binomial(u: int, p: FloatArray) -> FloatArray:
    """`B(u, p; s)` for `s = 0..u`, one row per position."""
    s = np.arange(u + 1)
    coefficients = np.array([comb(u, k) for k in s], dtype=np.float64)
    return np.asarray(coefficients * p[:, None] ** s * (1.0 - p[:, None]) ** (u - s))


def one_chance(theta: FloatArray, reading: Reading, unknown: int, extra: int) -> FloatArray:
    """Chance of a 1 read at each position when `unknown` coalition members are drawn from the
    biases and the others hold `ones_known + extra` ones (`extra` is the candidate's bit)."""
    base = reading.ones_known + extra
    pmf = binomial(unknown, reading.bias)
    index = np.clip(base[:, None] + np.arange(unknown + 1)[None, :], 0, len(theta) - 1)
    chance = (pmf * theta[index]).sum(axis=1)
    return np.asarray(NOISE + (1.0 - 2.0 * NOISE) * np.clip(chance, 0.0, 1.0))


def unknown_members(reading: Reading) -> int:
    """Coalition members not among the known colluders (at least one: the one scored)."""
    return max(1, reading.max_colluders - len(reading.known))


def theta_law(theta: FloatArray, reading: Reading) -> InnocentLaw:
    """The log-likelihood-ratio score of channel `theta`, given the known colluders."""
    u = unknown_members(reading)
    innocent = one_chance(theta, reading, u, 0)
    guilty_one = one_chance(theta, reading, u - 1, 1)
    guilty_zero = one_chance(theta, reading, u - 1, 0)
    y = reading.symbols == 1

    def term(guilty: FloatArray) -> FloatArray:
        ratio = np.where(y, guilty / innocent, (1.0 - guilty) / (1.0 - innocent))
        return np.asarray(reading.weights * np.log(ratio))

    return InnocentLaw(p_one=reading.bias, if_one=term(guilty_one), if_zero=term(guilty_zero))


def interleaving(c: int) -> FloatArray:
    """`θ_σ = σ / c`: each symbol from a colluder chosen at random."""
    return np.arange(c + 1, dtype=np.float64) / c


def colluder_one(theta: FloatArray, reading: Reading) -> FloatArray:
    """Chance that an unknown colluder holds a 1 at each position, given the symbol read, if the
    channel is `theta`: what a decoder's score is expected to be for the guilty (Bayes)."""
    u = unknown_members(reading)
    one = one_chance(theta, reading, u - 1, 1)
    zero = one_chance(theta, reading, u - 1, 0)
    y = reading.symbols == 1
    seen_one = reading.bias * np.where(y, one, 1.0 - one)
    seen_zero = (1.0 - reading.bias) * np.where(y, zero, 1.0 - zero)
    return np.asarray(seen_one / (seen_one + seen_zero))
