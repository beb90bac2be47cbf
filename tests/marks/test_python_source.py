"""The Python source channel: round trips, attacker transformations, unrelated code."""

from __future__ import annotations

import ast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysupport import INDEPENDENT_CLIENT, TRANSFORMS, poc_source, random_bits, stdlib_sources

from forewarn.errors import MarkError
from forewarn.marks.channels.interface import Channel
from forewarn.marks.channels.pysource.channel import PythonSourceChannel, _plan

CHANNEL = PythonSourceChannel()
POC = poc_source()
CAPACITY = CHANNEL.capacity(POC)


def _survival(bits: list[int], got: list[int | None]) -> tuple[int, int]:
    right = sum(1 for b, g in zip(bits, got, strict=True) if g == b)
    wrong = sum(1 for b, g in zip(bits, got, strict=True) if g is not None and g != b)
    return right, wrong


def test_channel_satisfies_the_protocol() -> None:
    channel: Channel = CHANNEL
    assert channel.name == "python_source"


def test_poc_offers_many_choice_points_of_many_kinds() -> None:
    kinds = {located.site.kind for located in _plan(POC).located}
    assert ROBUST >= 50 and CAPACITY >= 80
    assert len(kinds) >= 10


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 1), min_size=CAPACITY, max_size=CAPACITY))
def test_embed_then_extract_returns_the_bits(bits: list[int]) -> None:
    marked = CHANNEL.embed(POC, bits)
    ast.parse(marked)
    assert CHANNEL.extract(POC, marked) == bits


def test_marks_change_only_choice_points() -> None:
    zeros, ones = CHANNEL.embed(POC, [0] * CAPACITY), CHANNEL.embed(POC, [1] * CAPACITY)
    assert zeros != ones
    kinds = [located.site.kind for located in _plan(POC).located]
    reading = CHANNEL.extract(POC, POC)
    assert all(bit is not None for bit, kind in zip(reading, kinds, strict=True) if kind != "quote")
    assert "THIS PROGRAM IS HARMLESS" in zeros


ROBUST = sum(located.site.kind not in ("quote", "name") for located in _plan(POC).located)
"""Choice points in structure; the rest is the fragile quote layer that formatters erase and
the fragile name layer that renamers erase."""
NAMES = sum(located.site.kind == "name" for located in _plan(POC).located)

MINIMUM_SURVIVAL = {
    "verbatim": CAPACITY,
    "black": ROBUST,
    "ruff_format": ROBUST,
    "strip_comments": CAPACITY,
    "ast_unparse": ROBUST,
    "minify": ROBUST - 2,
    "rename_all": CAPACITY - NAMES,
    "shuffle_functions": CAPACITY,
    "partial_copy": CAPACITY // 5,
}


@pytest.mark.parametrize("name", sorted(MINIMUM_SURVIVAL))
def test_bits_survive_attacker_transformations(name: str) -> None:
    transform = TRANSFORMS[name]
    for seed in range(3):
        bits = random_bits(CAPACITY, seed)
        suspect = transform(CHANNEL.embed(POC, bits))
        right, wrong = _survival(bits, CHANNEL.extract(POC, suspect))
        assert wrong == 0, name
        assert right >= MINIMUM_SURVIVAL[name], (name, right, CAPACITY)


def test_combined_transformations_still_read() -> None:
    bits = random_bits(CAPACITY, 11)
    suspect = CHANNEL.embed(POC, bits)
    for name in ("rename_all", "strip_comments", "black", "ast_unparse"):
        suspect = TRANSFORMS[name](suspect)
    right, wrong = _survival(bits, CHANNEL.extract(POC, suspect))
    assert wrong == 0 and right == ROBUST


def test_unrelated_python_reads_as_erasures() -> None:
    bits = random_bits(CAPACITY, 5)
    read = 0
    for source in stdlib_sources(50):
        got = CHANNEL.extract(POC, source)
        read += sum(g is not None for g in got)
        _, wrong = _survival(bits, got)
        assert wrong <= 1
    assert read <= 3


def test_independent_client_reads_as_erasures() -> None:
    assert CHANNEL.extract(POC, INDEPENDENT_CLIENT) == [None] * CAPACITY


@pytest.mark.parametrize("suspect", ["", "not python at all (", "\x00", "x = 1\n" * 3])
def test_unreadable_or_empty_suspects_read_as_erasures(suspect: str) -> None:
    assert CHANNEL.extract(POC, suspect) == [None] * CAPACITY


def test_non_python_original_offers_nothing() -> None:
    assert CHANNEL.capacity("Advisory: upgrade now.") == 0
    assert CHANNEL.extract("Advisory: upgrade now.", POC) == []
    assert CHANNEL.embed("Advisory: upgrade now.", []) == "Advisory: upgrade now."


@pytest.mark.parametrize("bits", [[], [0], [2] * CAPACITY])
def test_embed_rejects_wrong_bits(bits: list[int]) -> None:
    with pytest.raises(MarkError):
        CHANNEL.embed(POC, bits)


@pytest.mark.parametrize("index", range(12))
def test_real_modules_mark_and_read_back(index: int) -> None:
    source = stdlib_sources(12, max_bytes=40_000)[index]
    capacity = CHANNEL.capacity(source)
    bits = random_bits(capacity, index)
    marked = CHANNEL.embed(source, bits)
    ast.parse(marked)
    assert CHANNEL.extract(source, marked) == bits
    renamed = CHANNEL.extract(source, TRANSFORMS["rename_all"](marked))
    kinds = [found.site.kind for found in _plan(source).located]
    assert renamed == [None if kind == "name" else b for b, kind in zip(bits, kinds, strict=True)]
