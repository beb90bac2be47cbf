"""Joint decoding with hypothesised colluders: score each partner given a *pair* of others.

Some coalitions leave almost nothing in any one colluder's codeword (three voting for the
minority symbol: about 1.4 nats of evidence per colluder over 134 symbols) yet fix the symbol read
once all three bits are known. Given two colluders' symbols, the third's log-likelihood ratio
under the fitted channel (`_theta`) is then large (about 84 nats over 134 minority symbols).

Who the two are is not known, so every pair `{a, b}` is a hypothesis; the test of partner `j`
given `{a, b}` has an exact innocent law whatever `a` and `b` are (an innocent's codeword is
independent of the leak and of every other codeword), so its lattice tail bounds it. A partner
is accused when that bound, times the number of pairs of recipients (a union bound over every
hypothesis it could have been tested under), is within the pass's level. Only the `PAIRS`
pairs whose own joint likelihood is highest are tried: trying fewer keeps every accusation
inside the union's event, so the bound holds whichever pairs are tried.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from forewarn.marks.decoders._theta import NOISE, binomial, theta_law
from forewarn.marks.decoders.interface import FloatArray, Reading
from forewarn.marks.lattice import CELLS, FINE_CELLS, lattice_tail
from forewarn.marks.lower_tail import lower_tail
from forewarn.marks.threshold import InnocentLaw

PAIRS = 64
"""Hypothesised pairs tried, the most likely first."""
_MARGIN = 1e-6
"""Nats of head-room for rounding in the lower bound: a pair this close to the level is refined."""


@dataclass(frozen=True, slots=True)
class JointFinding:
    """The best test of each partner given a hypothesised pair."""

    bound: FloatArray
    """Per partner, the smallest proven bound over the pairs tried, times the pair count."""
    pair: list[tuple[int, int]]
    """The pair that gave it (`(-1, -1)` when none was tried for that partner)."""
    score: FloatArray
    """The score behind it (nats of log-likelihood ratio)."""


def pair_count(recipients: int) -> int:
    """Hypotheses a partner can be tested under: pairs of the other recipients, at most."""
    return max(1, recipients * (recipients - 1) // 2)


def _pair_terms(theta: FloatArray, reading: Reading) -> FloatArray:
    """`T[i, xa, xb]`: log P(y_i | pair bits, θ) - log P(y_i | θ), weighted."""
    c = reading.max_colluders
    u = max(0, c - 2)
    pmf = binomial(u, reading.bias)
    y = reading.symbols == 1
    everyone = binomial(c, reading.bias) @ theta
    prior = NOISE + (1.0 - 2.0 * NOISE) * np.clip(everyone, 0.0, 1.0)
    table = np.zeros((len(y), 2, 2))
    for xa in (0, 1):
        for xb in (0, 1):
            index = np.clip(xa + xb + np.arange(u + 1), 0, c)
            one = NOISE + (1.0 - 2.0 * NOISE) * np.clip((pmf * theta[index]).sum(axis=1), 0, 1)
            table[:, xa, xb] = np.where(y, np.log(one / prior), np.log((1 - one) / (1 - prior)))
    return np.asarray(table * reading.weights[:, None, None])


PAIR_ROWS = 256
"""Rows of the pair-score matrix held at once: memory grows with partners, not their square
(10,000 partners held the whole matrix and its sort in 2.4 GB)."""


def likely_pairs(
    theta: FloatArray, reading: Reading, bits: FloatArray, among: int, *, rows: int = PAIR_ROWS
) -> list[tuple[int, int]]:
    """The `PAIRS` pairs of the first `among` rows of `bits` most likely to be colluders, the
    likeliest first (ties in the order of their rows, then columns), scored `rows` rows of
    `bits` at a time."""
    count = min(PAIRS, among * (among - 1) // 2)
    if count <= 0:
        return []
    terms = _pair_terms(theta, reading)
    x = bits[:among]
    both = terms[:, 1, 1] - terms[:, 1, 0] - terms[:, 0, 1] + terms[:, 0, 0]
    alone = x @ (terms[:, 1, 0] - terms[:, 0, 0])
    second = x @ (terms[:, 0, 1] - terms[:, 0, 0])
    weighted = x * both
    columns = np.arange(among)
    kept = (np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    for start in range(0, among, rows):
        stop = min(start + rows, among)
        score = weighted[start:stop] @ x.T + alone[start:stop, None] + second[None, :]
        # Only pairs (a, b) with a < b: the matrix is symmetric and a pair needs two partners.
        score[np.arange(start, stop)[:, None] >= columns[None, :]] = -math.inf
        top, cols = _top_entries(score, count)
        kept = _best(
            (
                np.concatenate([kept[0], score[top, cols]]),
                np.concatenate([kept[1], top + start]),
                np.concatenate([kept[2], cols]),
            ),
            count,
        )
    return [(int(a), int(b)) for a, b in zip(kept[1], kept[2], strict=True)]


def _top_entries(score: FloatArray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the (at most) `count` finite entries of `score` that come first by
    value (descending), then row, then column."""
    finite = score > -math.inf
    if int(finite.sum()) <= count:
        rows, cols = np.nonzero(finite)
        return rows, cols
    values = score[finite]
    floor = np.partition(values, len(values) - count)[len(values) - count]
    above = np.nonzero(score > floor)
    tied = np.nonzero(score == floor)  # row-major: rows, then columns, ascending
    room = count - len(above[0])
    return (
        np.concatenate([above[0], tied[0][:room]]),
        np.concatenate([above[1], tied[1][:room]]),
    )


def _best(
    found: tuple[FloatArray, np.ndarray, np.ndarray], count: int
) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    """The first `count` of `(score, row, column)` triples by score (descending), row, column."""
    score, rows, cols = found
    order = np.lexsort((cols, rows, -score))[:count]
    return score[order], rows[order], cols[order]


def pair_tables(theta: FloatArray, reading: Reading) -> tuple[FloatArray, FloatArray]:
    """`(if_one, if_zero)[i, k]`: a partner's term at position `i` given a hypothesised pair
    holding `k` ones there (`k = 0, 1, 2`). A pair's law is a gather from them: the same numbers
    `theta_law` gives for that pair, computed once for all pairs."""
    m = len(reading.symbols)
    if_one, if_zero = np.zeros((m, 3)), np.zeros((m, 3))
    for k in range(3):
        known = np.zeros((2, m), dtype=np.uint8)
        known[:k] = 1
        given = Reading(
            reading.symbols, reading.bias, reading.weights, reading.max_colluders, known
        )
        law = theta_law(theta, given)
        if_one[:, k], if_zero[:, k] = law.if_one, law.if_zero
    return if_one, if_zero


class JointPass:
    """The hypotheses of one joint pass (the likely pairs, their laws) and its test.

    Every pair's law and every partner's score under it are computed at once (a gather and one
    matrix product). Pairs are refined strongest first, and a pair is skipped when the proven
    lower bound of `lower_tail` shows that no partner not yet accused could come within the
    level under it: its lattice bounds lie above that lower bound, so computing them would
    accuse no one more. Who is accused is therefore exactly who refining every pair accuses;
    an accused partner's bound is the smallest over the pairs refined (each one valid)."""

    def __init__(
        self, theta: FloatArray, reading: Reading, bits: FloatArray, recipients: int, level: float
    ) -> None:
        """Hypotheses from the first `recipients` rows of `bits`; `level` is the pass's
        per-partner level."""
        self.level, self.pairs = level, pair_count(recipients)
        self.bias = reading.bias
        live = reading.max_colluders >= 3 and len(reading.symbols) > 0
        among = min(recipients, bits.shape[0])
        self.tried = likely_pairs(theta, reading, bits, among) if live else []
        m = len(reading.symbols)
        self.if_one, self.if_zero = np.zeros((0, m)), np.zeros((0, m))
        if not self.tried:
            return
        one, zero = pair_tables(theta, reading)
        first = np.array([a for a, _ in self.tried])
        second = np.array([b for _, b in self.tried])
        held = (bits[first] + bits[second]).astype(np.int64)
        where = np.arange(m)[None, :]
        self.if_one, self.if_zero = one[where, held], zero[where, held]
        p_one = np.broadcast_to(reading.bias, self.if_one.shape)
        self.floors = lower_tail(self.if_one, self.if_zero, p_one)

    def test(self, bits: FloatArray, hypothesised: bool = True) -> JointFinding:
        """The best test of each row of `bits` given each likely pair; with `hypothesised`, rows
        are the recipients the pairs were drawn from, and a pair's own members are not tested."""
        n = bits.shape[0]
        bound, score, pair = np.ones(n), np.zeros(n), [(-1, -1)] * n
        if not self.tried:
            return JointFinding(bound, pair, score)
        scores = (self.if_one - self.if_zero) @ bits.T + self.if_zero.sum(axis=1)[:, None]
        if hypothesised:
            rows = np.arange(len(self.tried))
            scores[rows, [a for a, _ in self.tried]] = -math.inf
            scores[rows, [b for _, b in self.tried]] = -math.inf
        level, pairs = self.level, self.pairs
        # Strongest hypotheses first, so that their accusations let weaker ones be skipped.
        order = np.argsort(-(scores.max(axis=1) - self.floors.base), kind="stable")
        for r in order.tolist():
            s = scores[r]
            live = s[bound > level]
            if not len(live):
                break  # everyone accused already
            # The lower bound falls as the score grows: the best live score decides the skip.
            floor = float(self.floors.log_floor(r, np.array([live.max()]))[0])
            if pairs * math.exp(floor - _MARGIN) > level:
                continue  # its lattice bounds lie above: it would accuse no one not yet accused
            law = InnocentLaw(p_one=self.bias, if_one=self.if_one[r], if_zero=self.if_zero[r])
            u = pairs * lattice_tail(law, CELLS).tail(s)
            if ((u > level) & (u <= 8 * level)).any():
                u = pairs * lattice_tail(law, FINE_CELLS).tail(s)
            better = u < bound
            bound = np.where(better, u, bound)
            score = np.where(better, s, score)
            for j in np.nonzero(better)[0]:
                pair[int(j)] = self.tried[r]
        return JointFinding(np.minimum(1.0, bound), pair, score)


def joint_pass(
    theta: FloatArray, reading: Reading, bits: FloatArray, recipients: int, level: float
) -> JointFinding:
    """Test every partner given each likely pair (`JointPass`)."""
    return JointPass(theta, reading, bits, recipients, level).test(bits)
