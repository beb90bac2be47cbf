"""The proven bound is a bound: on random codes, with observations read several times over (as a
STIX view repeats its text), with side information and with hypothesised colluders, innocents'
share accused stays within ε per recipient, and the lattice tail lies above the exact tail."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.domain import Observation
from forewarn.marks import code
from forewarn.marks.accusation import accuse
from forewarn.marks.decoders import Reading, decoders
from forewarn.marks.lattice import exact_tail

Bits = npt.NDArray[np.uint8]


def _pirate(coalition: Bits, strategy: str, rng: np.random.Generator) -> Bits:
    ones, c, m = coalition.sum(axis=0), len(coalition), coalition.shape[1]
    differ = (ones > 0) & (ones < c)
    if strategy == "interleave":
        return coalition[rng.integers(0, c, m), np.arange(m)]
    major = np.where(2 * ones > c, 1, np.where(2 * ones < c, 0, rng.integers(0, 2, m)))
    pick = {"majority": major, "minority": 1 - major, "coin": rng.integers(0, 2, m)}[strategy]
    return np.where(differ, pick, coalition[0]).astype(np.uint8)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 14), known=st.integers(0, 2))
def test_the_lattice_tail_lies_above_the_exact_tail(seed: int, m: int, known: int) -> None:
    """Every decoder's law, with or without known colluders: the bound against enumeration of
    all 2^m innocent codewords, at every score an innocent can have."""
    rng = np.random.default_rng(seed)
    bias = code.bias_vector(seed.to_bytes(8, "big") * 4, "CASE", m, 0.2)
    y = rng.integers(0, 2, m).astype(np.uint8)
    rows = (rng.random((known, m)) < bias).astype(np.uint8).reshape(known, m)
    reading = Reading(y, bias, rng.uniform(0.2, 1.0, m), 3, rows)
    every = np.array(list(itertools.product((0, 1), repeat=m)), dtype=np.float64)
    chance = np.prod(np.where(every == 1, bias, 1 - bias), axis=1)
    for decoder in decoders():
        law = decoder.law(reading)
        scores = every @ (law.if_one - law.if_zero) + law.if_zero.sum()
        exact = np.array([chance[scores >= s - 1e-12].sum() for s in scores])
        assert np.all(exact_tail(law, scores) >= exact * (1 - 1e-9)), decoder.name


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    read=st.integers(15, 80),
    colluders=st.integers(1, 3),
    strategy=st.sampled_from(["interleave", "majority", "minority", "coin"]),
    repeats=st.integers(1, 4),
)
def test_innocents_stay_within_epsilon_with_repeated_reads_and_side_information(
    seed: int, read: int, colluders: int, strategy: str, repeats: int
) -> None:
    """The colluders are recipients (so side-information and joint passes run); 3,000 fresh
    innocents scored beside them are exactly other innocents. Each symbol is read up to
    `repeats` times by several channels, some reads flipped and at lower confidence."""
    rng = np.random.default_rng(seed)
    recipients, fresh, epsilon = 8, 3_000, 0.5
    bias = code.bias_vector(seed.to_bytes(8, "big") * 4, "CASE", read, code.cutoff(3))
    coalition = (rng.random((colluders, read)) < bias).astype(np.uint8)
    y = _pirate(coalition, strategy, rng)
    observations = []
    for i in range(read):
        for k in range(int(rng.integers(1, repeats + 1))):
            flip = k > 0 and rng.random() < 0.2
            confidence = 1.0 if k == 0 else float(rng.uniform(0.3, 1.0))
            observations.append(Observation(f"ch{k}", "a", i, int(y[i]) ^ flip, confidence))
    others = (rng.random((recipients - colluders, read)) < bias).astype(np.uint8)
    innocents = (rng.random((fresh, read)) < bias).astype(np.uint8)
    words = np.concatenate([coalition, others, innocents])
    names = [f"r{k}" for k in range(recipients)] + [f"i{k}" for k in range(fresh)]
    verdict = accuse(
        observations, names, words, bias, epsilon=epsilon, draws=2_000, recipients=recipients
    )
    level = epsilon / recipients
    wrongly = [a for a in verdict.accused if a.startswith("i") or int(a[1:]) >= colluders]
    assert len(wrongly) <= fresh * level + 4 * np.sqrt(fresh * level)
    assert all(s.proven_bound <= epsilon for s in verdict.suspects if s.accused)
