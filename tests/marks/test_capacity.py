"""Capacity planning: symbols needed by simulation through the engine's own scoring."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from forewarn.domain import Observation
from forewarn.marks import code
from forewarn.marks.accusation import accuse, law_of
from forewarn.marks.capacity import (
    TARGET,
    Attack,
    assess,
    distinct_positions,
    named_share,
    symbols_needed,
)

N, C, EPS = 64, 3, 1e-3


def test_needs_grow_with_the_coalition_and_hit_the_target() -> None:
    needs = symbols_needed(N, C, EPS)
    assert needs.length == code.code_length(N, C, EPS).used
    assert needs.single is not None and needs.pair is not None and needs.triple is not None
    assert 10 < needs.single < needs.pair < needs.triple < needs.length
    assert named_share(N, C, EPS, needs.single, 1) >= TARGET
    assert named_share(N, C, EPS, needs.single // 2, 1) < TARGET
    assert named_share(N, C, EPS, needs.triple, 3) >= TARGET
    assert symbols_needed(N, C, EPS) is needs  # computed once per process


def test_law_of_scores_exactly_as_accuse_does() -> None:
    rng = np.random.default_rng(5)
    bias = rng.uniform(0.1, 0.9, 200)
    words = (rng.random((3, 200)) < bias).astype(np.uint8)
    positions = np.sort(rng.choice(200, 60, replace=False)).astype(np.int64)
    symbols = words[0, positions]
    observed = [
        Observation("x", "a", int(p), int(s)) for p, s in zip(positions, symbols, strict=True)
    ]
    verdict = accuse(observed, ["a", "b", "c"], words, bias, epsilon=EPS, draws=1000)
    law = law_of(positions, symbols, bias)
    scores = words[:, positions].astype(float) @ (law.if_one - law.if_zero) + law.if_zero.sum()
    by_name = {s.partner: s.score for s in verdict.suspects}
    assert np.allclose(scores, [by_name["a"], by_name["b"], by_name["c"]])


@given(st.dictionaries(st.sampled_from(["payload", "python_source", "text"]), st.integers(0, 2000)))
def test_distinct_positions_never_exceed_symbols_or_length(symbols: dict[str, int]) -> None:
    covered = distinct_positions(symbols, 984)
    assert covered <= min(984, sum(symbols.values()))
    assert covered >= min(984, max(symbols.values(), default=0))


def test_each_attack_keeps_only_the_channels_that_survive_it() -> None:
    needs = symbols_needed(N, C, EPS)
    assert needs.single is not None
    few = needs.single - 1
    outcomes = {o.attack: o for o in assess({"payload": few, "python_source": 400}, N, C, EPS)}
    assert outcomes[Attack.VERBATIM].names == outcomes[Attack.REFORMATTED].names >= 2
    assert outcomes[Attack.REWRITTEN].symbols == outcomes[Attack.CAPTURE].symbols == few
    assert outcomes[Attack.REWRITTEN].names == outcomes[Attack.CAPTURE].names == 0
    text = {o.attack: o for o in assess({"text": 500}, N, C, EPS)}
    assert text[Attack.VERBATIM].names >= 2 and text[Attack.REFORMATTED].symbols == 0
    assert [o.names for o in assess({}, N, C, EPS)] == [0, 0, 0, 0]


def test_a_capture_counts_only_what_its_traffic_shows() -> None:
    needs = symbols_needed(N, C, EPS)
    assert needs.single is not None
    carried = {"wire": needs.single + 4, "python_source": 90}
    shown = {"wire": needs.single - 1, "python_source": 90}
    outcomes = {o.attack: o for o in assess(carried, N, C, EPS, shown)}
    assert outcomes[Attack.REWRITTEN].symbols == needs.single + 4
    assert outcomes[Attack.REWRITTEN].names >= 1
    assert outcomes[Attack.CAPTURE].symbols == needs.single - 1
    assert outcomes[Attack.CAPTURE].names == 0
    assert outcomes[Attack.VERBATIM].symbols == needs.single + 4 + 90
