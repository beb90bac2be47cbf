"""Accusation: every decoder's score over the positions read, and who passes.

Three decoders score each recipient (`marks.decoders`): Škorić's symmetric Tardos score,
Laarhoven's universal log-likelihood score (against interleaving) and learn-and-match (the
collusion channel fitted to the symbols read). The one whose colluders are expected to clear its
threshold by most, under the fitted channel, decides (`decoders.combined.select`: chosen from the
reading alone, so it costs no share of ε). Erased positions are left out (weak marking
assumption); repeated reads of a position merge into one weighted symbol, one term. Two bounds
come with every partner: the *proven* one (the exact tail of the deciding decoder's innocent law
on a lattice, `marks.lattice`) and the *empirical* one (importance-sampled innocent codewords,
after Furon–Desoubeaux). **Only the proven bound accuses**; the estimate is reported beside it.
`Suspect.bound_kind` says which one `Suspect.false_accusation_bound` is.

**Side information.** A partner accused by that fingerprint evidence is taken as a known
colluder; the others are re-scored given its symbols (the universal and learn-and-match scores
conditioned on it), up to `c - 1` more passes. For `c ≥ 3` a joint pass then tests every partner
given hypothesised pairs of colluders (`decoders.joint`). An innocent's codeword is independent
of the leak *and* of any other partner's codeword, so its law stays exact in every pass, even one
whose known colluder was itself wrongly accused. Pass 1 runs at `0.8 ε`, the joint pass at
`0.01 ε`, each of the `c - 1` side-information passes at `0.19 ε / (c - 1)`: the chance that any
innocent is accused in the whole accusation stays `ε` (union bound over the passes).

A canary token of its copy found in the material makes a partner a *lead* (`Suspect.lead`)
when the fingerprint does not accuse it, never a known colluder: tokens are plain strings that
program staff and anyone who saw the copy or its traffic can paste, so they point somewhere to
look, never prove.
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
from forewarn.marks.decoders import DECODER_NAMES, Decoder, Reading, decoders
from forewarn.marks.decoders._theta import colluder_one
from forewarn.marks.decoders.combined import Combined, combine
from forewarn.marks.decoders.joint import joint_pass
from forewarn.marks.decoders.learned import fit_channel
from forewarn.marks.decoders.symmetric import SymmetricDecoder
from forewarn.marks.threshold import DEFAULT_DRAWS, InnocentLaw


@dataclass(frozen=True, slots=True)
class Accusation:
    """The outcome of scoring a suspect's symbols against every recipient's codeword."""

    suspects: tuple[Suspect, ...]
    """Every recipient, highest combined score first (then symmetric score, then token hits)."""
    threshold: float
    """Proven threshold of the first pass, on the combined score (nats): from it, the bound on
    any innocent reaching it is within the first pass's share of `ε`."""
    empirical_threshold: float
    """The same from simulated innocent codewords for the symbols actually read."""
    symbols_read: tuple[tuple[str, int], ...]
    """Per channel, how many symbols spoke (observations, before merging repeats)."""
    positions_read: int
    """Distinct code positions that entered the score."""
    epsilon: float
    """Program-wide false-accusation probability the thresholds guarantee."""
    n_partners: int
    """Recipients scored (the union bound runs over them)."""
    draws: int
    """Innocent codewords simulated for the empirical threshold (per pass)."""
    decoders: tuple[str, ...] = DECODER_NAMES
    """The decoders that decided together."""
    passes: int = 1
    """Scoring passes run: the first, then one per round of known colluders (side information)."""

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
    """Exact per-position symmetric-score terms for a bit of 1 or 0, given the merged symbols."""
    return SymmetricDecoder().law(_reading(merged, bias, 1, np.zeros((0, 0), dtype=np.uint8)))


JOINT_SHARE = 0.01
"""Share of `ε` of the joint pass over hypothesised pairs (`decoders.joint`): the coalitions it
is for leave evidence far beyond its threshold, so a small share costs them nothing."""

SELECT = True
"""Decide with the decoder `combined.select` picks from the reading (no union over decoders);
`False` decides with the maximum of all, paying the union bound over them."""

FIRST_SHARE = 0.8
"""Share of `ε` the first pass decides at; the re-scoring passes split the rest evenly (they
are scored given a known colluder, far stronger evidence, so they need less of it)."""


def _reading(
    merged: _Merged, bias: npt.NDArray[np.float64], c: int, known: npt.NDArray[np.uint8]
) -> Reading:
    return Reading(
        symbols=merged.symbols,
        bias=bias[merged.positions],
        weights=merged.weights,
        max_colluders=c,
        known=known,
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
    max_colluders: int = 3,
    decoder_names: tuple[str, ...] = DECODER_NAMES,
    recipients: int | None = None,
    joint: bool = True,
) -> Accusation:
    """Score every recipient (row `j` of `codewords` is `partners[j]`) and decide at `epsilon`.

    With `comparisons` accusations in one investigation, each runs at `epsilon / comparisons`
    and reports its bound times `comparisons`, so that ε holds for the whole run.
    `decoder_names` picks the decoders that decide (all by default; one alone to compare).
    `recipients` is how many partners the union bound runs over (default: every row scored); a
    benchmark scoring simulated innocents beside the real recipients keeps the real count.
    `joint` adds the joint pass over hypothesised pairs of colluders (`decoders.joint`) for
    coalitions of three or more.

    `token_hits` are attached to their partners' suspects and make leads, never accusations,
    and never known colluders for side information.
    """
    n = len(partners)
    if n == 0 or codewords.shape != (n, len(bias)):
        raise MarkError("accusation needs one codeword per recipient", hint="pass the recipients")
    if max_colluders < 1:
        raise MarkError("a coalition has at least one member")
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
    chosen = decoders(decoder_names)
    observations = [obs for obs in observations if obs.confidence > 0.0]
    merged = _merge(observations)
    bits = codewords[:, merged.positions].astype(np.float64)
    tests = (n if recipients is None else recipients) * comparisons
    real = n if recipients is None else recipients
    verdict = _Passes(
        merged, bias, bits, chosen, max_colluders, epsilon / tests, draws, real, joint
    )
    verdict.run()
    law = innocent_law(merged, bias)
    symmetric = bits @ (law.if_one - law.if_zero) + float(law.if_zero.sum())
    evidence = _evidence(observations, merged, law, bits, codewords)
    hits: dict[str, list[TokenHit]] = defaultdict(list)
    for hit in token_hits:
        hits[hit.partner].append(hit)
    suspects = []
    for j, name in enumerate(partners):
        bound = min(1.0, tests * verdict.bound[j])
        by_code = bool(verdict.accused[j])
        suspects.append(
            Suspect(
                partner=name,
                score=float(symmetric[j]),
                accused=by_code,
                false_accusation_bound=bound,
                evidence=tuple(e[j] for e in evidence),
                tokens=tuple(hits[name]),
                lead=bool(hits[name]) and not by_code,
                combined_score=float(verdict.combined[j]),
                decided_by=verdict.decided_by(j, partners),
                decoder_scores=verdict.first_scores(j),
                proven_bound=min(1.0, tests * verdict.proven[j]),
                bound_kind=verdict.kind[j],
            )
        )
    suspects.sort(key=lambda s: (-s.combined_score, -s.score, -len(s.tokens), s.partner))
    counts: dict[str, int] = defaultdict(int)
    for obs in observations:
        counts[obs.channel] += 1
    first = verdict.first
    return Accusation(
        suspects=tuple(suspects),
        threshold=first.proven_threshold if first is not None else math.inf,
        empirical_threshold=first.empirical_threshold if first is not None else math.inf,
        symbols_read=tuple(sorted(counts.items())),
        positions_read=len(merged.positions),
        epsilon=epsilon,
        n_partners=n,
        draws=draws,
        decoders=tuple(d.name for d in chosen),
        passes=verdict.passes,
    )


class _Passes:
    """The first scoring pass, then re-scoring passes with the accused as known colluders."""

    def __init__(
        self,
        merged: _Merged,
        bias: npt.NDArray[np.float64],
        bits: npt.NDArray[np.float64],
        chosen: tuple[Decoder, ...],
        max_colluders: int,
        per_partner: float,
        draws: int,
        recipients: int,
        joint: bool,
    ) -> None:
        self.merged, self.bias, self.bits, self.chosen = merged, bias, bits, chosen
        self.c, self.per_partner, self.draws = max_colluders, per_partner, draws
        self.select = SELECT
        self.joint = joint and max_colluders >= 3
        self.recipients = recipients
        n = bits.shape[0]
        self.accused = np.zeros(n, dtype=bool)
        self.bound = np.ones(n)
        self.proven = np.ones(n)
        self.kind: list[str] = ["empirical"] * n
        self.combined = np.zeros(n)
        self.decider: list[str] = [""] * n
        self.known_when: list[tuple[int, ...]] = [()] * n
        self.hypothesised = [False] * n
        self.first: Combined | None = None
        self.passes = 0
        side = [d for d in chosen if d.uses_side_information]
        self.later = tuple(side) if max_colluders > 1 else ()
        joint_share = JOINT_SHARE if self.joint else 0.0
        rest = (1.0 - FIRST_SHARE - joint_share) / max(1, max_colluders - 1)
        self.shares = (
            (1.0 - joint_share,)
            if not self.later
            else (FIRST_SHARE,) + (rest,) * (max_colluders - 1)
        )

    def run(self) -> None:
        """Pass 1 over everyone; while someone new is accused and room is left in the
        coalition, a pass over the rest given every partner accused so far; then, for a
        coalition of three or more not yet complete, the joint pass over hypothesised pairs,
        and side-information passes again if it accused anyone."""
        if len(self.merged.positions) == 0:
            return
        side = list(self.shares[1:])
        known = self._scored((), self.shares[0])
        while known and side and len(known) < self.c:
            new = self._scored(known, side.pop(0))
            if new == known:
                break
            known = new
        if self.joint and len(known) < self.c:
            new = self._joint(known)
            while new != known and side and len(new) < self.c:
                known, new = new, self._scored(new, side.pop(0))

    def _scored(self, known: tuple[int, ...], share: float) -> tuple[int, ...]:
        """One decoders' pass given `known` at `share` of the level; the accused after it."""
        chosen = self.chosen if not known else self.later
        if not chosen:
            return known
        level = self.per_partner * share
        rows = self.bits[list(known)].astype(np.uint8) if known else np.zeros((0, 0))
        reading = _reading(self.merged, self.bias, self.c, rows.astype(np.uint8))
        laws = [d.law(reading) for d in chosen]
        guilty = colluder_one(fit_channel(reading), reading) if self.select else None
        result = combine(laws, [d.name for d in chosen], self.bits, level, self.draws, guilty)
        self.passes += 1
        if self.first is None:
            self.first = result
        new = []
        for j in np.nonzero(~self.accused)[0]:
            proven = min(1.0, float(result.proven[j]) / share)
            empirical = min(1.0, float(result.empirical[j]) / share)
            decisive = proven if proven <= self.per_partner else empirical
            if decisive < self.bound[j] or not known:
                self.bound[j], self.proven[j] = decisive, proven
                self.kind[j] = "proven" if proven <= self.per_partner else "empirical"
                self.combined[j] = float(result.combined[j])
                self.decider[j] = result.names[int(result.decided[j])]
                self.known_when[j] = known
            # Only the proven bound accuses: the importance-sampled estimate is unbiased but
            # calibrated at exactly the level, with its own sampling error (see docs).
            if proven <= self.per_partner:
                new.append(int(j))
        self.accused[new] = True
        return tuple(sorted({*known, *new}))

    def _joint(self, known: tuple[int, ...]) -> tuple[int, ...]:
        """The joint pass (`decoders.joint`) at `JOINT_SHARE` of the level."""
        reading = _reading(self.merged, self.bias, self.c, np.zeros((0, 0), dtype=np.uint8))
        level = self.per_partner * JOINT_SHARE
        found = joint_pass(fit_channel(reading), reading, self.bits, self.recipients, level)
        self.passes += 1
        new = []
        for j in np.nonzero(~self.accused)[0]:
            proven = min(1.0, float(found.bound[j]) / JOINT_SHARE)
            if proven < self.bound[j] and proven <= self.per_partner:
                self.bound[j], self.proven[j], self.kind[j] = proven, proven, "proven"
                self.combined[j] = -math.log(max(proven, 1e-300))
                self.decider[j] = "joint"
                self.known_when[j] = found.pair[j]
                self.hypothesised[j] = True
                new.append(int(j))
        self.accused[new] = True
        return tuple(sorted({*known, *new}))

    def decided_by(self, j: int, partners: Sequence[str]) -> str:
        """The decoder behind partner `j`'s combined score, with the known colluders used."""
        if not self.decider[j]:
            return ""
        known = self.known_when[j]
        if not known:
            return self.decider[j]
        names = " and ".join(partners[k] for k in known)
        if self.hypothesised[j]:
            return f"{self.decider[j]}, given {names} as hypothesised colluders"
        return f"{self.decider[j]}, given {names} as known colluder{'s' * (len(known) > 1)}"

    def first_scores(self, j: int) -> tuple[tuple[str, float], ...]:
        """Partner `j`'s score under each decoder in the first pass."""
        if self.first is None:
            return ()
        return tuple(
            (name, float(self.first.scores[j, k])) for k, name in enumerate(self.first.names)
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
