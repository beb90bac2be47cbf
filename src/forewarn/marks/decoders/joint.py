"""Joint decoding with hypothesised colluders: score each partner given a *pair* of others.

Some coalitions leave almost nothing in any one colluder's codeword (three voting for the
minority symbol: about 2 nats of evidence per colluder over 190 symbols) yet fix the symbol read
once all three bits are known. Given two colluders' symbols, the third's log-likelihood ratio
under the fitted channel (`_theta`) is then large (about 120 nats over 190 minority symbols).

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
from forewarn.marks.threshold import chernoff_tail

PAIRS = 64
"""Hypothesised pairs tried, the most likely first."""
SCREEN = 1e3
"""A pair whose best Chernoff bound is more than this many times the level is not refined."""


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


def joint_pass(
    theta: FloatArray,
    reading: Reading,
    bits: FloatArray,
    recipients: int,
    level: float,
) -> JointFinding:
    """Test every partner given each likely pair; `level` is the pass's per-partner level."""
    n = bits.shape[0]
    bound = np.ones(n)
    score = np.zeros(n)
    pair = [(-1, -1)] * n
    pairs = pair_count(recipients)
    if reading.max_colluders < 3 or len(reading.symbols) == 0:
        return JointFinding(bound, pair, score)
    for a, b in likely_pairs(theta, reading, bits, min(recipients, n)):
        known = bits[[a, b]].astype(np.uint8)
        given = Reading(
            reading.symbols, reading.bias, reading.weights, reading.max_colluders, known
        )
        law = theta_law(theta, given)
        s = bits @ (law.if_one - law.if_zero) + float(law.if_zero.sum())
        s[[a, b]] = -math.inf
        best = int(np.argmax(s))
        if pairs * float(chernoff_tail(law, s[best : best + 1])[0]) > SCREEN * level:
            continue
        tail = lattice_tail(law, CELLS)
        u = pairs * tail.tail(s)
        if ((u > level) & (u <= 8 * level)).any():
            u = pairs * lattice_tail(law, FINE_CELLS).tail(s)
        better = u < bound
        bound = np.where(better, u, bound)
        score = np.where(better, s, score)
        for j in np.nonzero(better)[0]:
            pair[int(j)] = (a, b)
    return JointFinding(np.minimum(1.0, bound), pair, score)
