"""The decoders and their combination: innocents' tail stays within ε on random codes, coalitions
are caught, side information comes from fingerprint accusations only, never from a token lead."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.domain import Observation, TokenHit
from forewarn.errors import MarkError
from forewarn.marks import code
from forewarn.marks.accusation import accuse
from forewarn.marks.decoders import Reading
from forewarn.marks.decoders.learned import fit_channel

Bits = npt.NDArray[np.uint8]
STRATEGIES = ("interleave", "majority", "minority", "coin")


def _pirate(coalition: Bits, strategy: str, rng: np.random.Generator) -> Bits:
    ones, c, m = coalition.sum(axis=0), len(coalition), coalition.shape[1]
    differ = (ones > 0) & (ones < c)
    if strategy == "interleave":
        return coalition[rng.integers(0, c, m), np.arange(m)]
    tie = rng.integers(0, 2, m)
    major = np.where(2 * ones > c, 1, np.where(2 * ones < c, 0, tie))
    pick = {"majority": major, "minority": 1 - major, "coin": rng.integers(0, 2, m)}[strategy]
    return np.where(differ, pick, coalition[0]).astype(np.uint8)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    read=st.integers(20, 90),
    colluders=st.integers(1, 3),
    strategy=st.sampled_from(STRATEGIES),
    epsilon=st.sampled_from([0.2, 0.5]),
)
def test_combined_threshold_keeps_the_innocent_tail_within_epsilon(
    seed: int, read: int, colluders: int, strategy: str, epsilon: float
) -> None:
    """Given the symbols of a leak, fresh innocent codewords drawn from the biases are exactly
    other innocents: the share of them the combination accuses stays within ε per recipient."""
    rng = np.random.default_rng(seed)
    recipients, fresh = 10, 4_000
    bias = code.bias_vector(seed.to_bytes(8, "big") * 4, "CASE", read, code.cutoff(3))
    coalition = (rng.random((colluders, read)) < bias).astype(np.uint8)
    y = _pirate(coalition, strategy, rng)
    innocents = (rng.random((fresh, read)) < bias).astype(np.uint8)
    observations = [Observation("c", "a", i, int(y[i])) for i in range(read)]
    verdict = accuse(
        observations,
        [f"i{k}" for k in range(fresh)],
        innocents,
        bias,
        epsilon=epsilon,
        draws=4_000,
        recipients=recipients,
    )
    level = epsilon / recipients
    accused = len(verdict.accused)
    # Binomial slack: 4 standard deviations above the level, plus the estimate's own error.
    assert accused <= fresh * level * 1.15 + 4 * np.sqrt(fresh * level)
    assert all(s.false_accusation_bound <= epsilon for s in verdict.suspects if s.accused)
    assert all(
        s.proven_bound >= s.false_accusation_bound - 1e-12 or s.accused is False
        for s in verdict.suspects
        if s.bound_kind == "proven"
    )


def _code(n: int, m: int, seed: int) -> tuple[Bits, npt.NDArray[np.float64], list[str]]:
    bias = code.bias_vector(bytes([seed]) * 32, "CASE", m, code.cutoff(3))
    words = (np.random.default_rng(seed).random((n, m)) < bias).astype(np.uint8)
    return words, bias, [f"p{j}" for j in range(n)]


def test_learn_and_match_recovers_the_collusion_channel() -> None:
    """Fitted from the symbols and biases alone, the θ of majority and minority votes."""
    words, bias, _ = _code(3, 4_000, 11)
    rng = np.random.default_rng(0)
    for strategy, expected in (("majority", (0.0, 1.0)), ("minority", (1.0, 0.0))):
        y = _pirate(words, strategy, rng)
        reading = Reading(y, bias, np.ones(len(y)), 3, np.zeros((0, 0), dtype=np.uint8))
        theta = fit_channel(reading)
        assert theta[1:3] == pytest.approx(expected, abs=0.1)


def test_a_coalition_of_three_is_caught_with_side_information_and_no_innocent() -> None:
    words, bias, partners = _code(200, 600, 5)
    y = _pirate(words[[3, 40, 77]], "interleave", np.random.default_rng(1))
    verdict = accuse(
        [Observation("c", "a", i, int(y[i])) for i in range(600)],
        partners,
        words,
        bias,
        epsilon=1e-3,
        draws=20_000,
    )
    assert set(verdict.accused) and set(verdict.accused) <= {"p3", "p40", "p77"}
    assert verdict.decoders == ("symmetric", "universal", "learn-and-match")
    top = verdict.suspects[0]
    assert top.accused and top.combined_score >= verdict.threshold or top.bound_kind == "empirical"
    if verdict.passes > 1:  # someone was accused: the rest were re-scored given them
        later = [s for s in verdict.suspects if "known colluder" in s.decided_by]
        assert later and all(s.partner != top.partner for s in later)


def test_a_token_lead_is_never_a_known_colluder() -> None:
    """Tokens name a lead; nothing is re-scored on it, and no fingerprint means no passes."""
    words, bias, partners = _code(30, 200, 9)
    hit = TokenHit("AKIAEXAMPLEEXAMPLE00", "p4", "poc.py")
    verdict = accuse([], partners, words, bias, epsilon=1e-3, token_hits=[hit])
    assert verdict.accused == () and verdict.leads == ("p4",) and verdict.passes == 0
    noise = np.random.default_rng(2).integers(0, 2, 200).astype(np.uint8)
    observations = [Observation("c", "a", i, int(noise[i])) for i in range(200)]
    verdict = accuse(observations, partners, words, bias, epsilon=1e-3, token_hits=[hit])
    # Pass 1 and the joint pass over hypothesised pairs; no side-information pass on the lead.
    assert verdict.accused == () and verdict.passes == 2
    assert all("known colluder" not in s.decided_by for s in verdict.suspects)


def test_each_decoder_alone_is_available_for_comparison() -> None:
    words, bias, partners = _code(50, 300, 6)
    observations = [Observation("c", "a", i, int(words[7][i])) for i in range(300)]
    for name in ("symmetric", "universal", "learn-and-match"):
        verdict = accuse(observations, partners, words, bias, epsilon=1e-3, decoder_names=(name,))
        assert verdict.accused == ("p7",) and verdict.decoders == (name,)
        assert verdict.suspects[0].decided_by == name
    with pytest.raises(MarkError):
        accuse(observations, partners, words, bias, epsilon=1e-3, decoder_names=("oracle",))


@pytest.mark.parametrize("scheme", [1, 2])
def test_cases_released_under_old_marks_still_trace(scheme: int) -> None:
    """Copies pinned under schemes 1 and 2 are read and accused by the combined decoders."""
    from pathlib import Path

    import forewarn
    from forewarn.domain import ArtifactKind
    from forewarn.marks import CodeSpec, Marker
    from forewarn.marks.schemes import registry_for

    poc = (Path(forewarn.__file__).parent / "data/scenarios/exchange-2021/poc.py").read_bytes()
    spec = CodeSpec(n_partners=20)
    marker = Marker(bytes(range(32)), "FW-2021-0001", spec, registry_for(scheme), scheme=scheme)
    partners = [f"Partner {k:02d}" for k in range(20)]
    copy = marker.mark("poc.py", ArtifactKind.POC, poc, partners[7]).content
    verdict = marker.trace("poc.py", ArtifactKind.POC, poc, copy, partners)
    assert verdict.accused == (partners[7],)
    assert verdict.suspects[0].decided_by and verdict.decoders[-1] == "learn-and-match"
