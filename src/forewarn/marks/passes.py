"""The scoring passes of an accusation: the first over everyone, the side-information passes given
the partners accused so far, and the joint pass over hypothesised pairs (see `accusation`).

Each pass keeps the tests it decided by (`Passes.tests`, `Passes.joint_test`), so that further
codewords, drawn from the biases as other innocent partners, can be put to exactly the same tests
(`Passes.would_accuse`): that is how the benchmark counts millions of innocents per row.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forewarn.domain import Observation
from forewarn.marks.decoders import Decoder, Reading
from forewarn.marks.decoders._theta import colluder_one
from forewarn.marks.decoders.combined import Combined, combine
from forewarn.marks.decoders.joint import JointPass
from forewarn.marks.decoders.learned import fit_channel
from forewarn.marks.threshold import InnocentLaw


@dataclass(frozen=True, slots=True)
class Merged:
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


def merge(observations: Sequence[Observation]) -> Merged:
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
    return Merged(
        positions=np.array(kept, dtype=np.int64),
        symbols=np.array([1 if votes[p][1] > votes[p][0] else 0 for p in kept], dtype=np.uint8),
        weights=np.array(weights, dtype=np.float64),
        index={p: k for k, p in enumerate(kept)},
        copies=np.array([votes[p][3] for p in kept], dtype=np.float64),
    )


JOINT_SHARE = 0.01
"""Share of `ε` of the joint pass over hypothesised pairs (`decoders.joint`): the coalitions it
is for leave evidence far beyond its threshold, so a small share costs them nothing."""

_BLOCK = 50_000
"""Further codewords tested at once by `Passes.would_accuse` (memory)."""

SELECT = True
"""Decide with the decoder `combined.select` picks from the reading (no union over decoders);
`False` decides with the maximum of all, paying the union bound over them."""

FIRST_SHARE = 0.8
"""Share of `ε` the first pass decides at; the re-scoring passes split the rest evenly (they
are scored given a known colluder, far stronger evidence, so they need less of it)."""


def reading_of(
    merged: Merged, bias: npt.NDArray[np.float64], c: int, known: npt.NDArray[np.uint8]
) -> Reading:
    return Reading(
        symbols=merged.symbols,
        bias=bias[merged.positions],
        weights=merged.weights,
        max_colluders=c,
        known=known,
    )


class Passes:
    """The first scoring pass, then re-scoring passes with the accused as known colluders."""

    def __init__(
        self,
        merged: Merged,
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
        self.tests: list[tuple[list[InnocentLaw], Combined, float]] = []
        """Every decoders' pass as it decided: its laws, its decision, its share of the level."""
        self.joint_test: JointPass | None = None
        """The joint pass's hypotheses, when it ran."""
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
        reading = reading_of(self.merged, self.bias, self.c, rows.astype(np.uint8))
        laws = [d.law(reading) for d in chosen]
        guilty = colluder_one(fit_channel(reading), reading) if self.select else None
        result = combine(laws, [d.name for d in chosen], self.bits, level, self.draws, guilty)
        self.passes += 1
        self.tests.append((laws, result, share))
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
        reading = reading_of(self.merged, self.bias, self.c, np.zeros((0, 0), dtype=np.uint8))
        level = self.per_partner * JOINT_SHARE
        self.joint_test = JointPass(
            fit_channel(reading), reading, self.bits, self.recipients, level
        )
        found = self.joint_test.test(self.bits)
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

    def would_accuse(self, rows: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
        """Whether each codeword of `rows` (over the whole code) would have been accused by any
        pass as it ran: the same laws, tails and hypotheses, its proven bound within the
        per-partner level. For codewords drawn from the biases, that is what another innocent
        partner's would have been (passes depend on no row that is not accused)."""
        accused = np.zeros(len(rows), dtype=bool)
        for start in range(0, len(rows), _BLOCK):
            bits = rows[start : start + _BLOCK, self.merged.positions].astype(np.float64)
            block = accused[start : start + _BLOCK]
            for laws, result, share in self.tests:
                proven = result.proven_of(laws, bits, self.per_partner * share)
                block |= np.minimum(1.0, proven / share) <= self.per_partner
            if self.joint_test is not None:
                found = self.joint_test.test(bits, hypothesised=False)
                block |= np.minimum(1.0, found.bound / JOINT_SHARE) <= self.per_partner
        return accused

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
