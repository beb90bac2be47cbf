"""The Tardos code: lengths from the literature, keyed biases and codewords, layout."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forewarn.errors import MarkError
from forewarn.marks import code, layout
from forewarn.marks.code import code_length

SECRET = b"s" * 32


def test_code_length_matches_the_published_figures_for_1000_partners() -> None:
    lengths = code_length(1000, 3, 1e-3)
    assert lengths.tardos_original == 100 * 9 * 14
    assert 1200 <= lengths.skoric_symmetric <= 1240
    assert 600 <= lengths.laarhoven_de_weger <= 620
    assert 240 <= lengths.capacity_bound <= 260
    assert lengths.used == lengths.skoric_symmetric
    two = code_length(1000, 2, 1e-3)
    assert 540 <= two.skoric_symmetric <= 550


@pytest.mark.parametrize(
    ("n", "c", "eps"), [(0, 3, 1e-3), (10, 0, 1e-3), (10, 3, 0.0), (10, 3, 1.0)]
)
def test_code_length_refuses_impossible_parameters(n: int, c: int, eps: float) -> None:
    with pytest.raises(MarkError):
        code_length(n, c, eps)


def test_biases_follow_the_cut_off_arcsine_law_and_are_keyed() -> None:
    t = code.cutoff(3)
    bias = code.bias_vector(SECRET, "CASE-1", 20_000, t)
    assert bias.min() >= t - 1e-12 and bias.max() <= 1 - t + 1e-12
    assert abs(bias.mean() - 0.5) < 0.01
    assert np.array_equal(bias, code.bias_vector(SECRET, "CASE-1", 20_000, t))
    assert not np.array_equal(bias, code.bias_vector(SECRET, "CASE-2", 20_000, t))
    assert not np.array_equal(bias, code.bias_vector(b"t" * 32, "CASE-1", 20_000, t))


def test_codewords_are_deterministic_per_partner_with_bit_frequencies_given_by_the_bias() -> None:
    bias = code.bias_vector(SECRET, "CASE-1", 500, 0.1)
    words = np.stack([code.codeword(SECRET, "CASE-1", f"p{j}", bias) for j in range(2000)])
    assert np.array_equal(words[3], code.codeword(SECRET, "CASE-1", "p3", bias))
    assert set(np.unique(words)) <= {0, 1}
    assert np.abs(words.mean(axis=0) - bias).max() < 4 * math.sqrt(0.25 / 2000) + 0.01
    assert len({w.tobytes() for w in words}) == 2000


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(MarkError):
        code.bias_vector(b"short", "CASE-1", 10, 0.1)


def test_layout_spreads_a_channel_over_distinct_positions_then_wraps() -> None:
    first = layout.positions(SECRET, "C", "poc.py", "python_source", 300, 1000)
    assert len(set(first.tolist())) == 300 and first.max() < 1000
    other = layout.positions(SECRET, "C", "advisory.md", "text", 300, 1000)
    assert 30 <= len(set(first.tolist()) & set(other.tolist())) <= 150  # random overlap ~ 90
    wrapped = layout.positions(SECRET, "C", "poc.py", "python_source", 1500, 1000)
    assert np.array_equal(wrapped[:300], first)
    assert np.array_equal(wrapped[1000:1500], wrapped[:500])
    assert len(layout.positions(SECRET, "C", "poc.py", "python_source", 0, 1000)) == 0
