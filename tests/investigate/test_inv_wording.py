"""Odds and bounds in words: never overstating the evidence, always against the program's ε."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.investigate.hypotheses import DERIVED_SIMILARITY, WEAK_SIMILARITY
from forewarn.investigate.wording import bound_sentence, comparison, odds, plural, power_of_ten


@pytest.mark.parametrize(
    ("probability", "words"),
    [
        (1e-3, "1 in 1,000"),
        (4e-6, "1 in 250,000"),
        (0.27, "about 1 in 4"),
        (1e-7, "1 in 10⁷"),
        (2.4e-22, "less than 1 in 10²¹"),
        (0.0, "none"),
        (1.0, "certain"),
    ],
)
def test_odds_read_as_people_say_them(probability: float, words: str) -> None:
    assert odds(probability) == words


def test_the_bound_is_said_in_words_numbers_and_against_epsilon() -> None:
    assert bound_sentence(2.4e-22, 1e-3) == (
        "less than 1 in 10²¹ (2.4e-22) — far below the program's 1 in 1,000 (ε = 1.0e-03)"
    )
    assert bound_sentence(5e-4, 1e-3).endswith("— below the program's 1 in 1,000 (ε = 1.0e-03)")
    assert "above the program's" in bound_sentence(0.27, 1e-3)
    assert bound_sentence(2.4e-22, None) == "less than 1 in 10²¹ (2.4e-22)"
    assert power_of_ten(-3) == "10⁻³"
    assert plural(1, "fetch", "fetches") == "1 fetch" and plural(2, "wave") == "2 waves"


@given(st.floats(min_value=1e-300, max_value=0.999, allow_nan=False))
def test_the_words_never_overstate_the_evidence(probability: float) -> None:
    words = odds(probability)
    if words.startswith("less than 1 in 10"):
        exponent = int(
            words.removeprefix("less than 1 in 10").translate(
                str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
            )
        )
        assert probability < 10.0**-exponent * (1 + 1e-9)  # the words claim no more than is true
        assert probability > 10.0 ** -(exponent + 1) * (1 - 1e-9)  # and not wildly less
    assert comparison(probability, 1e-3) in {"far below", "below", "above"}
    assert (comparison(probability, 1e-3) == "above") == (probability > 1e-3)


def test_the_method_has_no_similarity_that_counts_both_ways() -> None:
    assert WEAK_SIMILARITY < DERIVED_SIMILARITY
    assert math.isfinite(WEAK_SIMILARITY)
