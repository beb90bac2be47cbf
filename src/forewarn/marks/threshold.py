"""How high an innocent partner's score can go, given the symbols actually read.

An innocent partner's codeword is independent of what a leak shows, so, given the observed
symbols `y_i`, biases `p_i` and weights `w_i`, its score `S = Σ w_i U_i` is a sum of independent
two-point variables whose law is known exactly. Two thresholds follow:

- *provable* (Chernoff): `P(S ≥ z) ≤ exp(log M(λ) - λ z)` for every `λ ≥ 0`, with `M` the exact
  moment generating function. Minimised over a grid of `λ`, this bounds the chance that one
  innocent reaches `z`; times `n` (union bound) it bounds the chance that any of the `n`
  recipients does.
- *empirical* (after Furon–Desoubeaux, "Tardos codes for real"): innocent codewords simulated
  against the observed symbols. The tail needed (`ε/n`, about 1e-6) is far beyond what plain
  simulation resolves, so draws come from the exponentially tilted law at the provable
  threshold and are re-weighted (importance sampling); the estimate is unbiased.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DEFAULT_DRAWS = 100_000
"""Innocent codewords simulated per investigation for the empirical threshold."""

_LAMBDAS = np.geomspace(1e-3, 50.0, 400)
"""Grid of Chernoff exponents; any `λ ≥ 0` gives a valid bound, the grid only tightens it."""

_CHUNK = 10_000
"""Simulated codewords per vectorised block, to bound memory."""

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class InnocentLaw:
    """The exact law of an innocent's per-position score terms, given what was read."""

    p_one: FloatArray
    """Chance that an innocent's bit is 1 at each read position (the bias `p_i`)."""
    if_one: FloatArray
    """Weighted score term when the innocent's bit is 1."""
    if_zero: FloatArray
    """Weighted score term when the innocent's bit is 0."""

    def log_mgf(self, lambdas: FloatArray) -> FloatArray:
        """`log M(λ)` of the total score for each `λ` in `lambdas`."""
        lam = lambdas[:, None]
        terms = np.logaddexp(
            np.log(self.p_one) + lam * self.if_one,
            np.log1p(-self.p_one) + lam * self.if_zero,
        )
        return np.asarray(terms.sum(axis=1), dtype=np.float64)


def chernoff_tail(law: InnocentLaw, scores: FloatArray) -> FloatArray:
    """Upper bound on `P(S ≥ s)` for one innocent, for each `s` in `scores`."""
    if len(law.p_one) == 0:
        return np.ones_like(scores)
    log_m = law.log_mgf(_LAMBDAS)
    exponents = log_m[None, :] - _LAMBDAS[None, :] * scores[:, None]
    return np.asarray(np.minimum(1.0, np.exp(exponents.min(axis=1))), dtype=np.float64)


def provable_threshold(law: InnocentLaw, per_partner: float) -> tuple[float, float]:
    """`(z, λ)`: the smallest `z` with Chernoff bound `≤ per_partner`, and the `λ` reaching it."""
    if len(law.p_one) == 0:
        return math.inf, 0.0
    ceiling = float(np.maximum(law.if_one, law.if_zero).sum())
    candidates = (law.log_mgf(_LAMBDAS) - math.log(per_partner)) / _LAMBDAS
    best = int(np.argmin(candidates))
    z = float(candidates[best])
    if z > ceiling:
        # No innocent can exceed the ceiling; whether it can reach it decides.
        at_ceiling = float(
            np.log(np.where(law.if_one >= law.if_zero, law.p_one, 1 - law.p_one)).sum()
        )
        if at_ceiling > math.log(per_partner):
            return math.inf, float(_LAMBDAS[best])
        return ceiling, float(_LAMBDAS[best])
    return z, float(_LAMBDAS[best])


def simulate_tail(
    law: InnocentLaw, scores: FloatArray, per_partner: float, tilt: float, draws: int
) -> tuple[FloatArray, float]:
    """Importance-sampled innocent tail `P(S ≥ s)` at each score, and the empirical threshold."""
    if len(law.p_one) == 0 or tilt <= 0.0:
        return np.ones_like(scores), math.inf
    seed = hashlib.sha256(law.p_one.tobytes() + law.if_one.tobytes() + law.if_zero.tobytes())
    rng = np.random.default_rng(int.from_bytes(seed.digest()[:16], "big"))
    up = np.log(law.p_one) + tilt * law.if_one
    down = np.log1p(-law.p_one) + tilt * law.if_zero
    tilted_one = np.exp(up - np.logaddexp(up, down))
    log_m = float(law.log_mgf(np.array([tilt]))[0])
    # Single precision halves the cost; a draw's score is off by ~1e-6 relative at most.
    step = (law.if_one - law.if_zero).astype(np.float32)
    chance = tilted_one.astype(np.float32)
    base = float(law.if_zero.sum())
    totals: list[FloatArray] = []
    for start in range(0, draws, _CHUNK):
        rows = min(_CHUNK, draws - start)
        bits = rng.random((rows, len(law.p_one)), dtype=np.float32) < chance
        totals.append((bits.astype(np.float32) @ step).astype(np.float64) + base)
    simulated = np.concatenate(totals)
    weights = np.exp(log_m - tilt * simulated) / draws
    order = np.argsort(-simulated, kind="stable")
    ranked, tail = simulated[order], np.cumsum(weights[order])
    # tail[k] estimates P(S ≥ ranked[k]); ties share the largest cumulative weight.
    index = np.searchsorted(-ranked, -scores, side="right") - 1
    estimate = np.where(index >= 0, tail[np.clip(index, 0, None)], 0.0)
    safe = np.nonzero(tail <= per_partner)[0]
    threshold = float(ranked[safe[-1]]) if len(safe) else math.inf
    return np.minimum(1.0, estimate), threshold
