"""A proven *lower* bound on an innocent's tail: what lets a test be skipped without changing it.

`marks.lattice` bounds `P(S ≥ s)` from above, and a partner is accused when that bound is small.
If a cheap bound from below already shows `P(S ≥ s)` too large, the lattice bound (which lies
above it) is too large as well, so nobody at or below `s` can be accused: computing the lattice
would change nothing. That is how the joint pass skips the hypotheses nobody is near
(`decoders.joint`).

The bound tilts the law (`S = Σ T_i`, independent two-point terms): for every `λ ≥ 0` and `d > 0`,
`P(S ≥ s) ≥ M(λ) e^{-λ(μ_λ + d)} P_λ(μ_λ ≤ S ≤ μ_λ + d)` whenever the tilted mean `μ_λ ≥ s`,
and the Berry–Esseen theorem for independent, non-identically distributed terms (constant
`C = 0.5600`, Shevtsova 2010) gives `P_λ(μ_λ ≤ S ≤ μ_λ + t σ_λ) ≥ Φ(t) - 1/2 - 2 C ρ_λ / σ_λ³`.
No approximation is made: where that is not positive the bound is 0 (`-inf` in logs), and the
test is computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from forewarn.marks.threshold import FloatArray

BERRY_ESSEEN = 0.5600
"""Berry–Esseen constant for sums of independent, non-identically distributed terms."""
_WIDTHS = np.array([0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0])
"""Widths `t` (in tilted standard deviations) tried; every one gives a valid bound."""
_NORMAL = np.array([0.5 * (1.0 + math.erf(t / math.sqrt(2.0))) for t in _WIDTHS])
"""`Φ(t)` for each width."""
_TILTS = np.geomspace(0.05, 20.0, 28)
"""Tilts tried; every one gives a valid bound where its tilted mean reaches the score."""


@dataclass(frozen=True, slots=True)
class LowerTail:
    """Per row of term tables, the lower bound at each tilt of `_TILTS`, ready for any score."""

    base: FloatArray
    """Lowest score of each row (every term at its smaller value)."""
    mean: FloatArray
    """`mean[r, k]`: tilted mean of the score above `base` at tilt `_TILTS[k]`."""
    value: FloatArray
    """`value[r, k]`: log of the bound at that tilt (valid for scores up to `base + mean`)."""

    def log_floor(self, row: int, scores: FloatArray) -> FloatArray:
        """Proven lower bound on `log P(S_row ≥ s)` for an innocent, for each `s` (`-inf` where
        no tilt reaches it)."""
        need = np.asarray(scores, dtype=np.float64)[:, None] - self.base[row]
        reach = self.mean[row][None, :] >= need
        return np.asarray(np.where(reach, self.value[row][None, :], -math.inf).max(axis=1))


def lower_tail(if_one: FloatArray, if_zero: FloatArray, p_one: FloatArray) -> LowerTail:
    """The lower bounds of every row of the term tables (rows × positions)."""
    low = np.minimum(if_one, if_zero)
    gap = np.abs(if_one - if_zero)[:, None, :]
    q = np.where(if_one >= if_zero, p_one, 1.0 - p_one)[:, None, :]
    up = np.log(q) + _TILTS[None, :, None] * gap
    log_term = np.logaddexp(np.log1p(-q), up)
    chance = np.exp(up - log_term)
    spread = chance * (1.0 - chance)
    mean = (gap * chance).sum(axis=2)
    sd = np.sqrt((gap**2 * spread).sum(axis=2))
    third = (gap**3 * spread * (chance**2 + (1.0 - chance) ** 2)).sum(axis=2)
    log_m = log_term.sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        lyapunov = np.where(sd > 0, third / sd**3, math.inf)
        inside = _NORMAL[None, None, :] - 0.5 - 2.0 * BERRY_ESSEEN * lyapunov[:, :, None]
        log_inside = np.where(inside > 0, np.log(np.maximum(inside, 1e-300)), -math.inf)
    top = mean[:, :, None] + _WIDTHS[None, None, :] * sd[:, :, None]
    exponent = log_m[:, :, None] - _TILTS[None, :, None] * top
    value = (exponent + log_inside).max(axis=2)
    return LowerTail(base=low.sum(axis=1), mean=mean, value=value)
