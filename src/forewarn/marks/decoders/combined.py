"""Several decoders deciding together, with one false-accusation guarantee for the combination.

Each decoder `k` gives partner `j` a score `S_jk` whose innocent law is exact (`interface`), so
the exact tail of that law, rounded up to a lattice (`marks.lattice`), bounds the chance `U_k(s)`
that an innocent scores `s` or more: proven, with no asymptotics and no sampling. The scores are
standardised to one scale, `-ln U_k(S_jk)` (nats of evidence), and the **combined score** is
their maximum; the decoder reaching it *decided*.

- *Proven*: `P(an innocent's combined score ≥ t) ≤ Σ_k P(U_k(S_k) ≤ e^-t) ≤ K e^-t` (union
  bound over the `K` decoders: `U_k` lies above the survival function of `S_k`), so
  `K · min_k U_k(S_jk)` bounds the chance that an innocent reaches partner `j`'s combined score.
  This alone accuses.
- *Empirical*: innocents' codewords are independent of the leak given the biases, so their
  combined score can be simulated exactly by drawing fresh codewords from the biases. The tail
  needed (~1e-6) is resolved by importance sampling from the mixture of the `K` laws each
  exponentially tilted at its own threshold, re-weighted by the exact likelihood ratio
  `1 / mean_k exp(λ_k S_k - log M_k(λ_k))`: unbiased for the combination itself (no union
  bound), but an estimate: it is reported beside the proven bound, never decisive. A score that
  fewer than `MIN_HITS` simulated innocents reach is not resolved: its estimate is 1, never 0.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from forewarn.marks.decoders.interface import FloatArray
from forewarn.marks.lattice import CELLS, FINE_CELLS, LatticeTail, lattice_tail
from forewarn.marks.threshold import InnocentLaw, provable_threshold

_CHUNK = 10_000
"""Simulated codewords per vectorised block, to bound memory."""
MIN_HITS = 20
"""Simulated innocents at or above a score needed before its estimated tail is trusted."""
REFINE = 8.0
"""A proven bound within this factor above the level is recomputed on the fine lattice."""


@dataclass(frozen=True, slots=True)
class Combined:
    """Every recipient's scores under each decoder, and the combination's two tails."""

    names: tuple[str, ...]
    """The decoders, in column order."""
    scores: FloatArray
    """`scores[j, k]`: partner `j`'s score under decoder `k`."""
    combined: FloatArray
    """Partner `j`'s combined score: `max_k -ln U_k(S_jk)` (nats)."""
    decided: np.ndarray
    """Index of the decoder reaching the combined score, per partner."""
    proven: FloatArray
    """`min(1, K · min_k U_k(S_jk))`: proven bound on one innocent reaching that combined score."""
    empirical: FloatArray
    """Importance-sampled chance that one innocent reaches that combined score."""
    proven_threshold: float
    """Combined score at which the proven bound equals the per-partner level (`ln(K/level)`)."""
    empirical_threshold: float
    """Smallest simulated combined score whose estimated innocent tail is within the level."""
    deciding: tuple[int, ...] = ()
    """The decoders that decided (indices into `names`)."""
    tails: tuple[LatticeTail, ...] = ()
    """Their lattice tails, as the decision used them (coarse, or fine where it hung on them)."""

    def proven_of(self, laws: Sequence[InnocentLaw], bits: FloatArray, level: float) -> FloatArray:
        """The proven bound this decision gives further rows of `bits` (`laws` as scored, `level`
        as decided): what another innocent partner's codeword would have been given, the fine
        lattice taken where such a row hangs on the bound, as `combine` would have taken it."""
        used = [laws[k] for k in self.deciding]
        scores = np.stack(
            [bits @ (law.if_one - law.if_zero) + float(law.if_zero.sum()) for law in used], axis=1
        )
        bound = len(used) * np.exp(-_standard(self.tails, scores).max(axis=1))
        if ((bound > level) & (bound <= REFINE * level)).any():
            fine = [lattice_tail(law, FINE_CELLS) for law in used]
            bound = len(used) * np.exp(-_standard(fine, scores).max(axis=1))
        return np.asarray(np.minimum(1.0, bound))


def _neg_log(tail: FloatArray) -> FloatArray:
    return np.asarray(-np.log(np.maximum(tail, 1e-300)))


def combine(
    laws: Sequence[InnocentLaw],
    names: Sequence[str],
    bits: FloatArray,
    level: float,
    draws: int,
    guilty_one: FloatArray | None = None,
) -> Combined:
    """Score the rows of `bits` (recipients × read positions) under every law; `level` is the
    per-partner chance of false accusation the thresholds aim at (before the caller's union
    bounds over recipients, comparisons and passes).

    With `guilty_one` (a colluder's chance of a 1 at each position under the fitted channel,
    `_theta.colluder_one`) the decoder whose colluders are expected to clear its threshold by
    most decides alone (`select`); without it, all decide by their maximum."""
    scores = np.stack(
        [bits @ (law.if_one - law.if_zero) + float(law.if_zero.sum()) for law in laws], axis=1
    )
    every = [lattice_tail(law, CELLS) for law in laws]
    if guilty_one is None or len(laws) == 1:
        deciding = list(range(len(laws)))
    else:
        deciding = [select(laws, every, guilty_one, level)]
    used = [laws[k] for k in deciding]
    k_count = len(used)
    tails = [every[k] for k in deciding]
    standard = _standard(tails, scores[:, deciding])
    loose = k_count * np.exp(-standard.max(axis=1))
    if ((loose > level) & (loose <= REFINE * level)).any():
        # A decision hangs on these bounds: the fine lattice gives back the rounding's loss.
        tails = [lattice_tail(law, FINE_CELLS) for law in used]
        standard = _standard(tails, scores[:, deciding])
    combined = standard.max(axis=1)
    decided = np.asarray(deciding)[standard.argmax(axis=1)]
    proven = np.minimum(1.0, k_count * np.exp(-combined))
    proven_threshold = math.log(k_count / level)
    empirical, empirical_threshold = _simulate(used, tails, scores[:, deciding], level, draws)
    return Combined(
        names=tuple(names),
        scores=scores,
        combined=combined,
        decided=decided,
        proven=proven,
        empirical=empirical,
        proven_threshold=proven_threshold,
        empirical_threshold=empirical_threshold,
        deciding=tuple(deciding),
        tails=tuple(tails),
    )


def select(
    laws: Sequence[InnocentLaw],
    tails: Sequence[LatticeTail],
    guilty_one: FloatArray,
    level: float,
) -> int:
    """The decoder whose colluders' expected score clears its threshold by the most standard
    deviations, the channel being the fitted one. Chosen from the symbols read and the biases
    alone, never from a partner's codeword, so the choice costs no share of ε."""
    best, margin = 0, -math.inf
    for k, (law, tail) in enumerate(zip(laws, tails, strict=True)):
        gap = law.if_one - law.if_zero
        mean = float((law.if_zero + guilty_one * gap).sum())
        spread = math.sqrt(float((guilty_one * (1.0 - guilty_one) * gap**2).sum()) + 1e-12)
        threshold = tail.threshold(level)
        if (mean - threshold) / spread > margin:
            best, margin = k, (mean - threshold) / spread
    return best


def _standard(tails: Sequence[LatticeTail], scores: FloatArray) -> FloatArray:
    """`-ln U_k(S_jk)` for every row `j` of `scores` and decoder `k`."""
    return np.stack([_neg_log(t.tail(scores[:, k])) for k, t in enumerate(tails)], axis=1)


def _simulate(
    laws: Sequence[InnocentLaw],
    tails: Sequence[LatticeTail],
    scores: FloatArray,
    level: float,
    draws: int,
) -> tuple[FloatArray, float]:
    """Importance-sampled innocent tail of the combined score at each recipient's, and the
    empirical threshold (`math.inf` when nothing can be resolved)."""
    n = scores.shape[0]
    if not laws or len(laws[0].p_one) == 0 or draws <= 0:
        return np.ones(n), math.inf
    k_count = len(laws)
    tilts = [provable_threshold(law, level / k_count)[1] for law in laws]
    seed = hashlib.sha256(b"combined")
    for law in laws:
        seed.update(law.p_one.tobytes() + law.if_one.tobytes() + law.if_zero.tobytes())
    rng = np.random.default_rng(int.from_bytes(seed.digest()[:16], "big"))
    log_m = [
        float(law.log_mgf(np.array([t]))[0]) if t > 0 else 0.0
        for law, t in zip(laws, tilts, strict=True)
    ]
    chances = []
    for law, tilt in zip(laws, tilts, strict=True):
        up = np.log(law.p_one) + tilt * law.if_one
        down = np.log1p(-law.p_one) + tilt * law.if_zero
        chances.append(np.exp(up - np.logaddexp(up, down)).astype(np.float32))
    steps = np.stack([(law.if_one - law.if_zero) for law in laws], axis=1).astype(np.float32)
    bases = np.array([float(law.if_zero.sum()) for law in laws])
    simulated: list[FloatArray] = []
    weights: list[FloatArray] = []
    per_component = max(1, draws // k_count)
    for k in range(k_count):
        for start in range(0, per_component, _CHUNK):
            rows = min(_CHUNK, per_component - start)
            drawn = rng.random((rows, len(chances[k])), dtype=np.float32) < chances[k]
            s = (drawn.astype(np.float32) @ steps).astype(np.float64) + bases
            exponents = np.stack([tilts[i] * s[:, i] - log_m[i] for i in range(k_count)], axis=1)
            log_q = np.logaddexp.reduce(exponents, axis=1) - math.log(k_count)
            weights.append(np.exp(-log_q))
            # Single-precision sums err by ~1e-5: a hair of slack keeps ties on the lattice.
            simulated.append(_standard(tails, s + 1e-6 * (1.0 + np.abs(s))).max(axis=1))
    total = np.concatenate(simulated)
    weight = np.concatenate(weights) / (per_component * k_count)
    observed_t = _standard(tails, scores).max(axis=1)
    order = np.argsort(-total, kind="stable")
    ranked, tail = total[order], np.cumsum(weight[order])
    index = np.searchsorted(-ranked, -observed_t, side="right") - 1
    # Fewer than MIN_HITS simulated innocents at or above a score resolve nothing about it: its
    # estimate is 1 (no empirical evidence), and the proven bound alone can accuse it.
    estimate = np.where(index + 1 >= MIN_HITS, tail[np.clip(index, 0, None)], 1.0)
    safe = np.nonzero((tail <= level) & (np.arange(len(tail)) + 1 >= MIN_HITS))[0]
    threshold = float(ranked[safe[-1]]) if len(safe) else math.inf
    return np.minimum(1.0, estimate), threshold
