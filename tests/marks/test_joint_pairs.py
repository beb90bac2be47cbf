"""The joint pass's likely pairs, scored a block of rows at a time, are the whole matrix's best.

Scoring every pair at once held an n × n matrix (2.4 GB at 10,000 partners); the blocks hold a
few hundred rows. What must not change is which pairs are tried, in which order: the highest
joint likelihood first, ties by the first partner's row, then the second's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.marks.decoders.interface import Reading
from forewarn.marks.decoders.joint import PAIRS, _pair_terms, likely_pairs

THETA = np.array([0.0, 0.3, 0.7, 1.0])


def _reading(rng: np.random.Generator, positions: int) -> Reading:
    bias = rng.uniform(0.05, 0.95, positions)
    symbols = rng.integers(0, 2, positions).astype(np.uint8)
    return Reading(symbols, bias, np.ones(positions), 3, np.zeros((0, 0), dtype=np.uint8))


def _whole_matrix(
    reading: Reading, bits: npt.NDArray[np.float64], among: int
) -> list[tuple[int, int]]:
    """Every pair scored in one matrix, sorted by score, then rows: the reference."""
    terms = _pair_terms(THETA, reading)
    x = bits[:among]
    both = terms[:, 1, 1] - terms[:, 1, 0] - terms[:, 0, 1] + terms[:, 0, 0]
    first = x @ (terms[:, 1, 0] - terms[:, 0, 0])
    second = x @ (terms[:, 0, 1] - terms[:, 0, 0])
    score = (x * both) @ x.T + first[:, None] + second[None, :]
    rows, cols = np.triu_indices(among, 1)
    order = np.lexsort((cols, rows, -score[rows, cols]))[:PAIRS]
    return [(int(rows[k]), int(cols[k])) for k in order]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    positions=st.integers(1, 30),
    partners=st.integers(2, 200),
    rows=st.integers(1, 250),
)
def test_pairs_from_row_blocks_are_the_whole_matrixs_best_in_order(
    seed: int, positions: int, partners: int, rows: int
) -> None:
    rng = np.random.default_rng(seed)
    reading = _reading(rng, positions)
    bits = rng.integers(0, 2, (partners, positions)).astype(np.float64)
    among = int(rng.integers(2, partners + 1))
    found = likely_pairs(THETA, reading, bits, among, rows=rows)
    assert found == _whole_matrix(reading, bits, among)


@pytest.mark.parametrize("rows", [1, 5, 64, 1000])
def test_many_tied_pairs_are_taken_in_row_order(rows: int) -> None:
    """Two positions read: partners' scores take a few values, so most pairs tie."""
    rng = np.random.default_rng(7)
    reading = _reading(rng, 2)
    bits = rng.integers(0, 2, (300, 2)).astype(np.float64)
    found = likely_pairs(THETA, reading, bits, 300, rows=rows)
    assert len(found) == PAIRS
    assert all(a < b for a, b in found)
    assert found == _whole_matrix(reading, bits, 300)


def test_two_partners_make_one_pair_and_one_makes_none() -> None:
    rng = np.random.default_rng(3)
    reading = _reading(rng, 4)
    bits = rng.integers(0, 2, (2, 4)).astype(np.float64)
    assert likely_pairs(THETA, reading, bits, 2) == [(0, 1)]
    assert likely_pairs(THETA, reading, bits, 1) == []
