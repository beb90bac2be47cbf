"""The bench's discrete bias law is Nuida et al.'s, and its arcsine is the product's.

The bench compares the two on one case (bench/RESULTS.md, "Bias distributions for small
coalitions"); a wrong law there would make that comparison say nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import bias_laws
from forewarn.marks import code

SECRET = b"bias-laws-test-secret-0123456789"


@settings(max_examples=60, deadline=None)
@given(
    c=st.integers(1, 8),
    coefficients=st.lists(st.floats(-10, 10), min_size=1, max_size=8),
)
def test_gauss_legendre_law_is_the_arcsine_quadrature(c: int, coefficients: list[float]) -> None:
    """Weighted back by `sqrt(p (1 - p))`, the law integrates every polynomial of degree below
    `2⌈c/2⌉` on [0, 1] exactly: it is the Gauss–Legendre quadrature of the arcsine density."""
    k = (c + 1) // 2
    poly = np.polynomial.Polynomial(coefficients[: 2 * k])
    values, masses = bias_laws.gauss_legendre_support(c)
    assert np.all(masses > 0) and np.isclose(masses.sum(), 1.0)
    weight = masses * np.sqrt(values * (1 - values))
    exact = poly.integ()(1.0) - poly.integ()(0.0)
    assert np.isclose((weight * poly(values)).sum() / weight.sum(), exact, atol=1e-9)


def test_three_colluders_get_the_papers_two_biases_in_equal_shares() -> None:
    """Nuida et al.'s table for c = 3, 4: 0.21132 and 0.78868, probability 1/2 each."""
    bias = bias_laws.biases(SECRET, "CASE-1", 20_000, 3, bias_laws.GAUSS_LEGENDRE)
    values, counts = np.unique(bias, return_counts=True)
    assert np.allclose(values, [0.21132, 0.78868], atol=1e-5)
    assert abs(counts[0] / len(bias) - 0.5) < 0.02


def test_the_benchs_arcsine_is_the_products_biases() -> None:
    """The arcsine column is measured on exactly the biases a case is marked with."""
    ours = bias_laws.biases(SECRET, "CASE-1", 1228, 3, bias_laws.ARCSINE)
    assert np.array_equal(ours, code.bias_vector(SECRET, "CASE-1", 1228, code.cutoff(3)))
