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
from forewarn.marks.decoders import DECODER_NAMES, decoders
from forewarn.marks.decoders.symmetric import SymmetricDecoder
from forewarn.marks.passes import Merged, Passes, merge, reading_of
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
    innocents_accused: int = 0
    """Of the extra innocent codewords put to the same tests (`accuse(innocents=...)`), how many
    any pass would have accused."""

    @property
    def accused(self) -> tuple[str, ...]:
        """Names of the partners the fingerprint accuses, highest score first."""
        return tuple(s.partner for s in self.suspects if s.accused)

    @property
    def leads(self) -> tuple[str, ...]:
        """Names of the partners only their canary tokens point to (a lead, not proof)."""
        return tuple(s.partner for s in self.suspects if s.lead)


def innocent_law(merged: Merged, bias: npt.NDArray[np.float64]) -> InnocentLaw:
    """Exact per-position symmetric-score terms for a bit of 1 or 0, given the merged symbols."""
    return SymmetricDecoder().law(reading_of(merged, bias, 1, np.zeros((0, 0), dtype=np.uint8)))


def law_of(
    positions: npt.NDArray[np.int64], symbols: npt.NDArray[np.uint8], bias: npt.NDArray[np.float64]
) -> InnocentLaw:
    """The innocent law `accuse` scores with when each of `positions` (distinct, ascending) is
    read once, at full confidence, as `symbols`: capacity planning simulates leaks through it."""
    merged = Merged(
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
    innocents: npt.NDArray[np.uint8] | None = None,
) -> Accusation:
    """Score every recipient (row `j` of `codewords` is `partners[j]`) and decide at `epsilon`.

    With `comparisons` accusations in one investigation, each runs at `epsilon / comparisons`
    and reports its bound times `comparisons`, so that ε holds for the whole run.
    `decoder_names` picks the decoders that decide (all by default; one alone to compare).
    `recipients` is how many partners the union bound runs over (default: every row scored); a
    benchmark scoring simulated innocents beside the real recipients keeps the real count.
    `joint` adds the joint pass over hypothesised pairs of colluders (`decoders.joint`) for
    coalitions of three or more. `innocents` are further codewords (rows over the whole code,
    drawn from the biases: exactly other innocent partners') put to every pass's tests as it
    ran, counted in `Accusation.innocents_accused`: a benchmark's millions of innocents.

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
    merged = merge(observations)
    bits = codewords[:, merged.positions].astype(np.float64)
    tests = (n if recipients is None else recipients) * comparisons
    real = n if recipients is None else recipients
    verdict = Passes(merged, bias, bits, chosen, max_colluders, epsilon / tests, draws, real, joint)
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
        innocents_accused=0 if innocents is None else int(verdict.would_accuse(innocents).sum()),
    )


def _evidence(
    observations: Sequence[Observation],
    merged: Merged,
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
