"""When material is called the unmarked original: never for a lightly edited copy, always for
the original itself once the reading tells it from every recipient's copy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.domain.investigation import OriginalReading
from forewarn.investigate.context import (
    READ_NOISE,
    UNMARKED_MIN_RATIO,
    UNMARKED_MIN_READ,
    is_unmarked,
)

pytestmark = pytest.mark.one_database

MARGIN = math.ceil(math.log(UNMARKED_MIN_RATIO) / math.log((1 - READ_NOISE) / READ_NOISE))
"""Symbols by which the original must beat the closest copy."""


def _reading(original: np.ndarray, words: np.ndarray, material: np.ndarray) -> OriginalReading:
    agreeing = int((material == original).sum())
    closest = int((words == material).sum(axis=1).max())
    return OriginalReading("poc.py", "poc", len(material), agreeing, closest)


def _flipped(word: np.ndarray, flips: list[int]) -> np.ndarray:
    out = word.copy()
    for position in flips:
        out[position % len(word)] ^= 1
    return out


codes = st.tuples(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=UNMARKED_MIN_READ, max_value=60),
    st.integers(min_value=1, max_value=40),
)


def _code(seed: int, read: int, recipients: int) -> tuple[np.ndarray, np.ndarray]:
    """The original's word and the recipients' codewords over the positions read (arcsine
    biases, as the codes use)."""
    rng = np.random.default_rng(seed)
    biases = np.sin(rng.uniform(0.05, np.pi / 2 - 0.05, read)) ** 2
    words = (rng.random((recipients, read)) < biases).astype(np.int8)
    original = rng.integers(0, 2, read).astype(np.int8)
    return original, words


@settings(max_examples=300, deadline=None)
@given(codes, st.data())
def test_a_copy_read_with_fewer_errors_than_the_margin_is_never_the_original(
    code: tuple[int, int, int], data: st.DataObject
) -> None:
    original, words = _code(*code)
    leaker = data.draw(st.integers(min_value=0, max_value=len(words) - 1))
    flips = data.draw(st.lists(st.integers(min_value=0), max_size=MARGIN - 1, unique=True))
    material = _flipped(words[leaker], flips)
    assert not is_unmarked(_reading(original, words, material))


@settings(max_examples=300, deadline=None)
@given(codes, st.data())
def test_the_original_is_recognised_whenever_every_copy_is_far_enough_from_it(
    code: tuple[int, int, int], data: st.DataObject
) -> None:
    original, words = _code(*code)
    flips = data.draw(st.lists(st.integers(min_value=0), max_size=2, unique=True))
    material = _flipped(original, flips)
    reading = _reading(original, words, material)
    far = reading.agreeing - reading.closest >= MARGIN
    mostly = reading.read - reading.agreeing <= reading.read // 4
    assert is_unmarked(reading) == (far and mostly)


def test_a_short_reading_is_never_the_original() -> None:
    reading = OriginalReading("poc.py", "poc", UNMARKED_MIN_READ - 1, UNMARKED_MIN_READ - 1, 0)
    assert not is_unmarked(reading)


def test_material_unlike_the_original_too_is_not_the_original() -> None:
    """A merge of copies: far from each copy, and far from the original as well."""
    assert not is_unmarked(OriginalReading("poc.py", "poc", 40, 26, 20))
    assert is_unmarked(OriginalReading("poc.py", "poc", 40, 36, 20))
