"""Accusation: symmetric Tardos scores over the positions read, and who passes the threshold.

Škorić's symmetric score rewards agreement with the observed symbol by `sqrt((1-q)/q)` and
punishes disagreement by `-sqrt(q/(1-q))`, `q` being the chance an innocent agrees; an innocent's
term then has mean 0 and variance 1 whatever the leak shows. Erased positions are left out (weak
marking assumption). A partner is accused only when its score passes the provable (Chernoff)
threshold *and* the simulated innocent tail agrees. A canary token of its copy found in the
material makes it a *lead* (`Suspect.lead`) when the fingerprint does not accuse it: tokens are
plain strings anyone who saw them can paste, so they point somewhere to look, never prove.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forewarn.domain import ChannelEvidence, Observation, Suspect, TokenHit
from forewarn.errors import MarkError
from forewarn.marks.threshold import (
    DEFAULT_DRAWS,
    InnocentLaw,
    chernoff_tail,
    provable_threshold,
    simulate_tail,
)


@dataclass(frozen=True, slots=True)
class Accusation:
    """The outcome of scoring a suspect's symbols against every recipient's codeword."""

    suspects: tuple[Suspect, ...]
    """Every recipient, highest code score first (token hits first among equal scores)."""
    threshold: float
    """Provable threshold: score at which the Chernoff bound on any innocent reaching it is `ε`."""
    empirical_threshold: float
    """Threshold from simulated innocent codewords for the symbols actually read."""
    symbols_read: tuple[tuple[str, int], ...]
    """Per channel, how many symbols spoke (observations, before merging repeats)."""
    positions_read: int
    """Distinct code positions that entered the score."""
    epsilon: float
    """Program-wide false-accusation probability the thresholds guarantee."""
    n_partners: int
    """Recipients scored (the union bound runs over them)."""
    draws: int
    """Innocent codewords simulated for the empirical threshold."""

    @property
    def accused(self) -> tuple[str, ...]:
        """Names of the partners the fingerprint accuses, highest score first."""
        return tuple(s.partner for s in self.suspects if s.accused)

    @property
    def leads(self) -> tuple[str, ...]:
        """Names of the partners only their canary tokens point to (a lead, not proof)."""
        return tuple(s.partner for s in self.suspects if s.lead)


@dataclass(frozen=True, slots=True)
class _Merged:
    """Observations merged per code position."""

    positions: npt.NDArray[np.int64]
    """Code positions read, ascending."""
    symbols: npt.NDArray[np.uint8]
    """The symbol that won the vote at each position."""
    weights: npt.NDArray[np.float64]
    """Vote margin times the best confidence, in (0, 1]."""
    index: dict[int, int]
    """Position → its index in `positions`."""
    copies: npt.NDArray[np.float64]
    """How many observations fell on each position (to share its score between channels)."""


def _merge(observations: Sequence[Observation]) -> _Merged:
    """One symbol per position: confidence-weighted vote; a tie erases the position."""
    votes: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for obs in observations:
        vote = votes[obs.position]
        vote[obs.symbol] += obs.confidence
        vote[2] = max(vote[2], obs.confidence)
        vote[3] += 1
    kept = sorted(p for p, v in votes.items() if v[0] != v[1])
    weights = [
        abs(votes[p][1] - votes[p][0]) / (votes[p][0] + votes[p][1]) * votes[p][2] for p in kept
    ]
    return _Merged(
        positions=np.array(kept, dtype=np.int64),
        symbols=np.array([1 if votes[p][1] > votes[p][0] else 0 for p in kept], dtype=np.uint8),
        weights=np.array(weights, dtype=np.float64),
        index={p: k for k, p in enumerate(kept)},
        copies=np.array([votes[p][3] for p in kept], dtype=np.float64),
    )


def innocent_law(merged: _Merged, bias: npt.NDArray[np.float64]) -> InnocentLaw:
    """Exact per-position score terms for a bit of 1 or 0, given the merged symbols."""
    p = bias[merged.positions]
    agree_q = np.where(merged.symbols == 1, p, 1.0 - p)
    agree = merged.weights * np.sqrt((1.0 - agree_q) / agree_q)
    disagree = -merged.weights * np.sqrt(agree_q / (1.0 - agree_q))
    one = merged.symbols == 1
    return InnocentLaw(
        p_one=p, if_one=np.where(one, agree, disagree), if_zero=np.where(one, disagree, agree)
    )


def law_of(
    positions: npt.NDArray[np.int64], symbols: npt.NDArray[np.uint8], bias: npt.NDArray[np.float64]
) -> InnocentLaw:
    """The innocent law `accuse` scores with when each of `positions` (distinct, ascending) is
    read once, at full confidence, as `symbols`: capacity planning simulates leaks through it."""
    merged = _Merged(
        positions=positions,
        symbols=symbols,
        weights=np.ones(len(positions), dtype=np.float64),
        index={int(p): k for k, p in enumerate(positions)},
        copies=np.ones(len(positions), dtype=np.float64),
    )
    return innocent_law(merged, bias)


def accuse(
    observations: Sequence[Observation],
    partners: Sequence[str],
    codewords: npt.NDArray[np.uint8],
    bias: npt.NDArray[np.float64],
    *,
    epsilon: float,
    token_hits: Sequence[TokenHit] = (),
    draws: int = DEFAULT_DRAWS,
    comparisons: int = 1,
) -> Accusation:
    """Score every recipient (row `j` of `codewords` is `partners[j]`) and decide at `epsilon`.

    With `comparisons` accusations in one investigation, each runs at `epsilon / comparisons`
    and reports its bound times `comparisons`, so that ε holds for the whole run.

    `token_hits` are attached to their partners' suspects and make leads, never accusations.
    """
    n = len(partners)
    if n == 0 or codewords.shape != (n, len(bias)):
        raise MarkError("accusation needs one codeword per recipient", hint="pass the recipients")
    unknown = {hit.partner for hit in token_hits} - set(partners)
    if unknown:
        raise MarkError(
            f"canary tokens of {', '.join(sorted(unknown))} found but not among the recipients",
            hint="include every partner whose copy may have leaked",
        )
    if any(not 0 <= obs.position < len(bias) for obs in observations):
        raise MarkError("an observation lies outside the code", hint="use this case's marker")
    if any(obs.symbol not in (0, 1) or not 0.0 <= obs.confidence <= 1.0 for obs in observations):
        raise MarkError("observations must be bits with a confidence between 0 and 1")
    observations = [obs for obs in observations if obs.confidence > 0.0]
    merged = _merge(observations)
    law = innocent_law(merged, bias)
    bits = codewords[:, merged.positions].astype(np.float64)
    scores = bits @ (law.if_one - law.if_zero) + float(law.if_zero.sum())
    tests = n * comparisons
    per_partner = epsilon / tests
    provable, tilt = provable_threshold(law, per_partner)
    simulated, empirical = simulate_tail(law, scores, per_partner, tilt, draws)
    bounds = np.minimum(1.0, tests * chernoff_tail(law, scores))
    evidence = _evidence(observations, merged, law, bits, codewords)
    hits: dict[str, list[TokenHit]] = defaultdict(list)
    for hit in token_hits:
        hits[hit.partner].append(hit)
    suspects = []
    for j, name in enumerate(partners):
        score = float(scores[j])
        by_code = score >= provable and tests * float(simulated[j]) <= epsilon
        suspects.append(
            Suspect(
                partner=name,
                score=score,
                accused=by_code,
                false_accusation_bound=float(bounds[j]),
                evidence=tuple(e[j] for e in evidence),
                tokens=tuple(hits[name]),
                lead=bool(hits[name]) and not by_code,
            )
        )
    suspects.sort(key=lambda s: (-s.score, -len(s.tokens), s.partner))
    counts: dict[str, int] = defaultdict(int)
    for obs in observations:
        counts[obs.channel] += 1
    return Accusation(
        suspects=tuple(suspects),
        threshold=provable,
        empirical_threshold=empirical,
        symbols_read=tuple(sorted(counts.items())),
        positions_read=len(merged.positions),
        epsilon=epsilon,
        n_partners=n,
        draws=draws,
    )


def _evidence(
    observations: Sequence[Observation],
    merged: _Merged,
    law: InnocentLaw,
    bits: npt.NDArray[np.float64],
    codewords: npt.NDArray[np.uint8],
) -> list[list[ChannelEvidence]]:
    """Per channel and partner: symbols read, how many match, and the channel's share of score."""
    by_channel: dict[str, list[Observation]] = defaultdict(list)
    for obs in observations:
        by_channel[obs.channel].append(obs)
    result = []
    for channel, seen in sorted(by_channel.items()):
        share = np.zeros(len(merged.positions))
        for obs in seen:
            k = merged.index.get(obs.position)
            if k is not None:
                share[k] += 1.0 / merged.copies[k]
        part = bits @ ((law.if_one - law.if_zero) * share) + float((law.if_zero * share).sum())
        where = np.array([o.position for o in seen], dtype=np.int64)
        symbols = np.array([o.symbol for o in seen], dtype=np.uint8)
        matching = (codewords[:, where] == symbols).sum(axis=1)
        result.append(
            [
                ChannelEvidence(
                    channel=channel,
                    symbols_read=len(seen),
                    symbols_matching=int(matching[j]),
                    score=float(part[j]) if math.isfinite(part[j]) else 0.0,
                )
                for j in range(len(bits))
            ]
        )
    return result
