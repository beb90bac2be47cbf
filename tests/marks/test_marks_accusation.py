"""Accusation on synthetic codes: leakers and coalitions are caught, innocents are not."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest

from forewarn.domain import Observation, TokenHit
from forewarn.errors import MarkError
from forewarn.marks import code
from forewarn.marks.accusation import accuse
from forewarn.marks.threshold import InnocentLaw, chernoff_tail, provable_threshold, simulate_tail

Bits = npt.NDArray[np.uint8]
Strategy = Callable[[Bits, np.random.Generator], Bits]


def _interleave(coalition: Bits, rng: np.random.Generator) -> Bits:
    """Each position from one colluder at random (a definition-by-definition merge, finely)."""
    pick = rng.integers(0, len(coalition), coalition.shape[1])
    return coalition[pick, np.arange(coalition.shape[1])]


def _majority(coalition: Bits, rng: np.random.Generator) -> Bits:
    """The majority symbol; ties at random."""
    ones = coalition.sum(axis=0) * 2
    tie = rng.integers(0, 2, coalition.shape[1])
    return np.where(ones > len(coalition), 1, np.where(ones < len(coalition), 0, tie)).astype(
        np.uint8
    )


def _random(coalition: Bits, rng: np.random.Generator) -> Bits:
    """Where colluders differ, a coin flip; where they agree they must keep the symbol."""
    agree = coalition.min(axis=0) == coalition.max(axis=0)
    return np.where(agree, coalition[0], rng.integers(0, 2, coalition.shape[1])).astype(np.uint8)


def _blocks(coalition: Bits, rng: np.random.Generator) -> Bits:
    """Contiguous blocks (whole artifacts or functions) from each colluder in turn."""
    owner = np.arange(coalition.shape[1]) * len(coalition) // coalition.shape[1]
    return coalition[owner, np.arange(coalition.shape[1])]


STRATEGIES = {
    "interleave": _interleave,
    "majority": _majority,
    "random": _random,
    "blocks": _blocks,
}


def _code(n: int, m: int, seed: int) -> tuple[Bits, npt.NDArray[np.float64], list[str]]:
    bias = code.bias_vector(bytes([seed]) * 32, "CASE", m, code.cutoff(3))
    rng = np.random.default_rng(seed)
    words = (rng.random((n, m)) < bias).astype(np.uint8)
    return words, bias, [f"p{j}" for j in range(n)]


def _observe(y: Bits, read: npt.NDArray[np.int64]) -> list[Observation]:
    return [Observation("fake", "a", int(i), int(y[i])) for i in read]


@pytest.mark.parametrize(("c", "read"), [(1, 60), (2, 546), (3, 1228)])
@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_leakers_and_coalitions_are_caught_and_no_innocent_is(
    c: int, read: int, strategy: str
) -> None:
    """Full-length codes (m = 1228 for n = 1000, c = 3); only `read` positions survive."""
    n, caught = 1000, 0
    rng = np.random.default_rng(c * 100 + len(strategy))
    for trial in range(8):
        words, bias, partners = _code(n, 1228, 17 * trial + c)
        colluders = rng.choice(n, c, replace=False)
        y = STRATEGIES[strategy](words[colluders], rng)
        kept = rng.choice(1228, read, replace=False)
        verdict = accuse(_observe(y, kept), partners, words, bias, epsilon=1e-3, draws=4_000)
        accused = {int(p[1:]) for p in verdict.accused}
        assert accused <= set(colluders.tolist())
        caught += bool(accused)
    assert caught >= 7


def test_innocent_accusation_rate_stays_below_epsilon_over_many_investigations() -> None:
    """200 leaks with n = 100 and a loose ε = 0.05: 19,800 innocent-partner trials."""
    n, eps, investigations, wrongly = 100, 0.05, 200, 0
    rng = np.random.default_rng(5)
    words, bias, partners = _code(n, 400, 9)
    for _ in range(investigations):
        leaker = int(rng.integers(n))
        y = words[leaker] ^ (rng.random(400) < 0.35).astype(np.uint8)  # a noisy, weak leak
        kept = rng.choice(400, 120, replace=False)
        verdict = accuse(_observe(y, kept), partners, words, bias, epsilon=eps, draws=5_000)
        wrongly += any(p != f"p{leaker}" for p in verdict.accused)
    assert wrongly / investigations <= eps


def test_symbols_unrelated_to_any_codeword_accuse_nobody() -> None:
    words, bias, partners = _code(1000, 1228, 3)
    rng = np.random.default_rng(1)
    for y in (np.zeros(1228, np.uint8), np.ones(1228, np.uint8), rng.integers(0, 2, 1228)):
        verdict = accuse(
            _observe(y.astype(np.uint8), np.arange(1228)), partners, words, bias, epsilon=1e-3
        )
        assert verdict.accused == ()
        assert verdict.positions_read == 1228


def test_nothing_read_accuses_nobody_and_says_so() -> None:
    words, bias, partners = _code(10, 100, 4)
    verdict = accuse([], partners, words, bias, epsilon=1e-3)
    assert verdict.accused == () and verdict.positions_read == 0
    assert verdict.threshold == float("inf")
    assert all(s.false_accusation_bound == 1.0 for s in verdict.suspects)


def test_chernoff_bound_lies_above_the_simulated_innocent_tail() -> None:
    rng = np.random.default_rng(2)
    p = rng.uniform(0.1, 0.9, 80)
    y = rng.integers(0, 2, 80)
    q = np.where(y == 1, p, 1 - p)
    agree, disagree = np.sqrt((1 - q) / q), -np.sqrt(q / (1 - q))
    law = InnocentLaw(p, np.where(y == 1, agree, disagree), np.where(y == 1, disagree, agree))
    x = rng.random((200_000, 80)) < p
    scores = np.where(x, law.if_one, law.if_zero).sum(axis=1)
    grid = np.array([5.0, 10.0, 15.0, 20.0])
    brute = (scores[:, None] >= grid).mean(axis=0)
    assert np.all(chernoff_tail(law, grid) >= brute)
    z, tilt = provable_threshold(law, 1e-2)
    importance, _ = simulate_tail(law, grid, 1e-2, tilt, 100_000)
    for estimate, truth in zip(importance[:2], brute[:2], strict=True):
        assert abs(estimate - truth) <= 0.15 * truth
    assert (scores >= z).mean() <= 1e-2


def test_explanation_splits_the_score_by_channel() -> None:
    words, bias, partners = _code(50, 300, 6)
    y = words[7]
    obs = [Observation("a" if i % 2 else "b", "x", i, int(y[i])) for i in range(300)]
    verdict = accuse(obs, partners, words, bias, epsilon=1e-3)
    top = verdict.suspects[0]
    assert top.partner == "p7" and top.accused and top.false_accusation_bound < 1e-3
    assert {e.channel for e in top.evidence} == {"a", "b"}
    assert sum(e.score for e in top.evidence) == pytest.approx(top.score)
    assert all(e.symbols_read == e.symbols_matching == 150 for e in top.evidence)
    assert dict(verdict.symbols_read) == {"a": 150, "b": 150}
    ranked = [s.combined_score for s in verdict.suspects[1:]]
    assert ranked == sorted(ranked, reverse=True)  # ranked by the combined decoders' score
    assert top.decided_by in {"symmetric", "universal", "learn-and-match"}
    assert {name for name, _ in top.decoder_scores} == {"symmetric", "universal", "learn-and-match"}


def test_a_token_hit_alone_is_a_lead_never_an_accusation() -> None:
    words, bias, partners = _code(20, 100, 8)
    hit = TokenHit("FWR-AAAA-BBBB-CCCC", "p3", "advisory.md")
    verdict = accuse([], partners, words, bias, epsilon=1e-3, token_hits=[hit])
    assert verdict.accused == () and verdict.leads == ("p3",)
    (lead,) = [s for s in verdict.suspects if s.partner == "p3"]
    assert lead.tokens == (hit,) and lead.lead and not lead.accused
    assert lead.false_accusation_bound == 1.0  # the fingerprint's bound: nothing was read
    assert not any(s.lead for s in verdict.suspects if s.partner != "p3")


def test_a_partner_the_fingerprint_accuses_keeps_its_tokens_and_is_no_lead() -> None:
    words, bias, partners = _code(50, 300, 6)
    obs = [Observation("a", "x", i, int(words[7][i])) for i in range(300)]
    hits = [TokenHit("FWR-AAAA-BBBB-CCCC", "p7", "x"), TokenHit("FWR-DDDD-EEEE-FFFF", "p2", "x")]
    verdict = accuse(obs, partners, words, bias, epsilon=1e-3, token_hits=hits)
    assert verdict.accused == ("p7",) and verdict.leads == ("p2",)
    top = verdict.suspects[0]
    assert top.partner == "p7" and top.tokens == (hits[0],) and not top.lead


def test_conflicting_reads_of_one_position_weaken_or_erase_it() -> None:
    words, bias, partners = _code(5, 10, 1)
    obs = [Observation("a", "x", 0, 1), Observation("b", "x", 0, 0), Observation("a", "x", 1, 1)]
    verdict = accuse(obs, partners, words, bias, epsilon=1e-3)
    assert verdict.positions_read == 1


def test_bad_inputs_are_refused() -> None:
    words, bias, partners = _code(5, 10, 1)
    with pytest.raises(MarkError):
        accuse([Observation("a", "x", 10, 1)], partners, words, bias, epsilon=1e-3)
    with pytest.raises(MarkError):
        accuse([], partners[:3], words, bias, epsilon=1e-3)
    with pytest.raises(MarkError):
        accuse([], partners, words, bias, epsilon=1e-3, token_hits=[TokenHit("t", "nobody", "a")])


def test_low_confidence_symbols_weigh_less_and_zero_confidence_ones_not_at_all() -> None:
    words, bias, partners = _code(50, 200, 2)
    sure = [Observation("a", "x", i, int(words[4][i])) for i in range(200)]
    unsure = [Observation("a", "x", i, int(words[4][i]), confidence=0.3) for i in range(200)]
    nothing = [Observation("a", "x", i, int(words[4][i]), confidence=0.0) for i in range(200)]
    strong = accuse(sure, partners, words, bias, epsilon=1e-3, draws=5_000).suspects[0]
    weak = accuse(unsure, partners, words, bias, epsilon=1e-3, draws=5_000).suspects[0]
    assert strong.partner == weak.partner == "p4"
    assert weak.score == pytest.approx(0.3 * strong.score)
    assert accuse(nothing, partners, words, bias, epsilon=1e-3).positions_read == 0
    with pytest.raises(MarkError):
        accuse([Observation("a", "x", 0, 2)], partners, words, bias, epsilon=1e-3)


def test_each_comparison_of_a_run_costs_its_share_of_epsilon() -> None:
    """Union bound: an accusation made among M in one run reports M times the bound, and one
    that passes alone may not pass among a million."""
    from forewarn.domain import Observation
    from forewarn.marks import Marker, new_params

    marker = Marker.for_case(b"union-bound-secret-0123456789abc", "FW-U", new_params(64))
    partners = [f"P{i}" for i in range(64)]
    word = marker.codeword("P7")
    observations = [Observation("wire", "poc.py", k, int(word[k])) for k in range(24)]
    alone = marker.accuse(observations, partners)
    many = marker.accuse(observations, partners, comparisons=1_000_000)
    top_alone, top_many = alone.suspects[0], many.suspects[0]
    assert top_alone.partner == top_many.partner == "P7" and top_alone.accused
    # The proven bound scales exactly; the empirical one is re-estimated at the stricter level.
    assert top_many.proven_bound == pytest.approx(min(1.0, top_alone.proven_bound * 1e6))
    assert top_many.false_accusation_bound > 1e-3
    assert not top_many.accused
