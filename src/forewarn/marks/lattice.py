"""The exact tail of an innocent's score, rounded up to a lattice: a proven bound, and a tight one.

Given what was read, an innocent's score is `S = Σ_i T_i`, independent two-point terms
(`threshold.InnocentLaw`). Write `T_i = lo_i + d_i B_i` with `B_i` a coin of known chance.
Rounding every step `d_i` *up* to a multiple `k_i δ` of a lattice step gives a score
`S' = Σ lo_i + δ Σ k_i B_i ≥ S` whose law is computed exactly by convolution (one shift-and-add
per position, only non-negative sums, so rounding errors are relative and tiny). Hence
`P(S ≥ s) ≤ P(S' ≥ s)`, with no asymptotics and no sampling: a proven bound, usually ten times
tighter than the Chernoff bound at the tails an accusation needs (`threshold.chernoff_tail`).

The step is chosen so that the rounding moves the score by at most `SLACK` of its standard
deviation: the bound then loses a few hundredths of a nat against the true tail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from forewarn.marks.threshold import FloatArray, InnocentLaw

SLACK = 0.002
"""Largest total rounding of the score, in standard deviations of an innocent's score."""
CELLS = 1 << 16
"""Lattice cells of the first, quick computation (about 15 ms for 200 positions); beyond them the
step grows and the bound loosens by up to 0.2 nats."""
FINE_CELLS = 1 << 18
"""Lattice cells when a decision hangs on the bound (about 0.1 s; within 0.05 nats of the limit)."""
_RELATIVE = 1e-9
"""Head-room for floating-point rounding of the convolution (each step errs by ~1e-16)."""
_FLOOR = 1e-290
"""Added to every tail: mass that underflowed below the smallest double is not lost."""


@dataclass(frozen=True, slots=True)
class LatticeTail:
    """The exact law of the rounded-up score `S' = base + step · K`."""

    base: float
    """Lowest score an innocent can have (every term at its smaller value)."""
    step: float
    """Lattice step `δ` (0 when every term is the same whatever the bit)."""
    upper: FloatArray
    """`upper[k]` bounds `P(K ≥ k)`; `upper[0] = 1`."""

    def tail(self, scores: FloatArray) -> FloatArray:
        """Proven upper bound on `P(S ≥ s)` for one innocent, for each `s` in `scores`."""
        if self.step == 0.0:
            return np.where(scores <= self.base, 1.0, 0.0)
        # The smallest lattice count that can reach `s`, rounded down so the bound only grows.
        need = np.ceil((np.asarray(scores, dtype=np.float64) - self.base) / self.step - 1e-7)
        index = np.clip(need, 0, len(self.upper)).astype(np.int64)
        padded = np.concatenate([self.upper, [0.0]])
        return np.asarray(np.minimum(1.0, padded[index] * (1.0 + _RELATIVE) + _FLOOR))

    def threshold(self, level: float) -> float:
        """The lowest score whose bound is within `level` (`inf` when none is)."""
        if self.step == 0.0:
            return self.base if level >= 1.0 else math.inf
        within = np.nonzero(self.upper * (1.0 + _RELATIVE) + _FLOOR <= level)[0]
        return self.base + self.step * float(within[0]) if len(within) else math.inf


def lattice_tail(law: InnocentLaw, cells: int = CELLS) -> LatticeTail:
    """The rounded-up law of `law`'s total score, on a lattice of at most about `cells`."""
    low = np.minimum(law.if_one, law.if_zero)
    gap = np.abs(law.if_one - law.if_zero)
    chance = np.where(law.if_one >= law.if_zero, law.p_one, 1.0 - law.p_one)
    base = float(low.sum())
    live = gap > 0.0
    gap, chance = gap[live], chance[live]
    if len(gap) == 0:
        return LatticeTail(base=base, step=0.0, upper=np.ones(1))
    sd = math.sqrt(float((gap**2 * chance * (1.0 - chance)).sum()))
    step = max(SLACK * sd / len(gap), float(gap.sum()) / cells, 1e-12)
    steps = np.maximum(np.ceil(gap / step).astype(np.int64), 1)
    steps += steps * step < gap  # never round a step down
    mass = np.zeros(int(steps.sum()) + 1)
    mass[0] = 1.0
    top = 0
    for k, q in zip(steps.tolist(), chance.tolist(), strict=True):
        moved = mass[: top + 1] * q
        mass[: top + 1] *= 1.0 - q
        mass[k : k + top + 1] += moved
        top += k
    upper = np.cumsum(mass[::-1])[::-1]
    return LatticeTail(base=base, step=step, upper=upper)


def exact_tail(law: InnocentLaw, scores: FloatArray, cells: int = CELLS) -> FloatArray:
    """Proven upper bound on `P(S ≥ s)` for one innocent, for each `s` in `scores`."""
    return lattice_tail(law, cells).tail(np.asarray(scores, dtype=np.float64))
