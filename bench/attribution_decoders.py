"""The decoder table of `bench/attribution.py --decoders`: every decoder, every collusion strategy.

n = 1000 partners of the Exchange 2021 case (the shipped PoC and advisory, marked as a release
marks them). The positions a leak can show are those the engine reads back from a partner's
verbatim PoC + advisory (every channel: Python source, wire, text); each trial draws a coalition
of 1, 2 or 3 partners, forms the pirate symbol at every read position by the strategy (marking
assumption: where the colluders agree they keep the symbol), and accuses all 1000 partners with
each decoder alone (with its side-information passes) and with the combination (the decoder
selected from the reading, side information, and the joint pass over hypothesised pairs of
colluders). Only the proven (lattice) bound accuses. Strategies act on symbols: *interleave* (each
symbol from a colluder drawn at random), *majority*, *minority* (where they differ; ties at
random), *random* (a coin flip where they differ).

Innocents: besides the 1000 - c real innocents of each trial, `fresh` innocent codewords per
trial are drawn from the case's biases (an innocent's codeword is independent of the leak given
the biases, so this is exactly the law of another innocent partner) and put to every pass's tests
as the combination ran them (`accuse(innocents=...)`: the same laws, lattice tails and
hypothesised pairs), the union bound kept at the 1000 real recipients. The same is done at
ε = 0.1 to show the empirical per-partner false-accusation rate beside its bound ε / n.

*Synthetic lengths* (`run_lengths`): the same 1000 partners' codewords at other code lengths,
drawn from the case's bias distribution (arcsine on its cutoff, or discrete), every position read
once, to show how many symbols a coalition (3 by default; 1 for short leaks) needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

import bias_laws
from forewarn.domain import Observation
from forewarn.marks.accusation import accuse

Bits = npt.NDArray[np.uint8]
COLUMNS = {
    "symmetric": ("symmetric",),
    "universal": ("universal",),
    "learn-and-match": ("learn-and-match",),
    "combined": ("symmetric", "universal", "learn-and-match"),
}


def _differ(coalition: Bits) -> npt.NDArray[np.bool_]:
    return np.asarray(coalition.min(axis=0) != coalition.max(axis=0))


def interleave(coalition: Bits, rng: np.random.Generator) -> Bits:
    pick = rng.integers(0, len(coalition), coalition.shape[1])
    return coalition[pick, np.arange(coalition.shape[1])]


def _vote(coalition: Bits, rng: np.random.Generator, minority: bool) -> Bits:
    ones = coalition.sum(axis=0) * 2
    c = len(coalition)
    tie = rng.integers(0, 2, coalition.shape[1])
    major = np.where(ones > c, 1, np.where(ones < c, 0, tie))
    pick = 1 - major if minority else major
    return np.where(_differ(coalition), pick, coalition[0]).astype(np.uint8)


def majority(coalition: Bits, rng: np.random.Generator) -> Bits:
    return _vote(coalition, rng, minority=False)


def minority(coalition: Bits, rng: np.random.Generator) -> Bits:
    return _vote(coalition, rng, minority=True)


def coin(coalition: Bits, rng: np.random.Generator) -> Bits:
    flip = rng.integers(0, 2, coalition.shape[1])
    return np.where(_differ(coalition), flip, coalition[0]).astype(np.uint8)


STRATEGIES: dict[str, Callable[[Bits, np.random.Generator], Bits]] = {
    "interleave": interleave,
    "majority": majority,
    "minority": minority,
    "random": coin,
}


@dataclass
class DecoderRow:
    """One (colluders, strategy) row."""

    colluders: int
    strategy: str
    trials: int = 0
    symbols: int = 0
    caught: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    innocents: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    real_innocent_trials: int = 0
    simulated_innocent_trials: int = 0
    simulated_accused: int = 0
    loose_accused: int = 0
    loose_trials: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "colluders": self.colluders,
            "strategy": self.strategy,
            "trials": self.trials,
            "mean_symbols": self.symbols / max(1, self.trials),
            "at_least_one_accused": {k: v / max(1, self.trials) for k, v in self.caught.items()},
            "innocents_accused_real": self.innocents,
            "real_innocent_trials": self.real_innocent_trials,
            "combined_innocents_accused_simulated": self.simulated_accused,
            "simulated_innocent_trials": self.simulated_innocent_trials,
            "eps_0_1_innocents_accused": self.loose_accused,
            "eps_0_1_innocent_trials": self.loose_trials,
            "seconds": round(self.seconds, 1),
        }


def _innocents_accused(
    obs: list[Observation],
    words: Bits,
    bias: npt.NDArray[np.float64],
    fresh: int,
    rng: np.random.Generator,
    **kwargs: object,
) -> tuple[int, list[str]]:
    """Fresh innocents the combination accuses among `fresh` codewords drawn from the biases,
    and the real partners it accused."""
    drawn = (rng.random((fresh, len(bias)), dtype=np.float32) < bias).astype(np.uint8)
    names = PARTNER_NAMES[: len(words)]
    verdict = accuse(obs, names, words, bias, innocents=drawn if fresh else None, **kwargs)  # type: ignore[arg-type]
    return verdict.innocents_accused, list(verdict.accused)


PARTNER_NAMES = [f"partner-{k:04d}" for k in range(1000)]


def run(
    marker: object,
    partners: list[str],
    read: list[Observation],
    trials: int,
    fresh: int,
    draws: int,
    seed: int = 2021,
    colluders: tuple[int, ...] = (1, 2, 3),
    strategies: tuple[str, ...] = tuple(STRATEGIES),
    columns: tuple[str, ...] = tuple(COLUMNS),
) -> list[DecoderRow]:
    """Every (colluders, strategy) row; `read` are the observations of one verbatim copy."""
    words = np.stack([marker.codeword(p) for p in partners])  # type: ignore[attr-defined]
    bias: npt.NDArray[np.float64] = marker.bias  # type: ignore[attr-defined]
    epsilon: float = marker.spec.epsilon  # type: ignore[attr-defined]
    c_max: int = marker.spec.max_colluders  # type: ignore[attr-defined]
    return _rows(
        words,
        bias,
        read,
        epsilon,
        c_max,
        trials,
        fresh,
        draws,
        seed,
        colluders,
        strategies,
        columns,
    )


def run_lengths(
    marker: object,
    lengths: tuple[int, ...],
    trials: int,
    draws: int,
    seed: int = 2021,
    strategies: tuple[str, ...] = ("interleave", "random"),
    colluders: int = 3,
) -> list[DecoderRow]:
    """`colluders`-coalition rows at synthetic code lengths (combined decoder only, real
    innocents only)."""
    epsilon: float = marker.spec.epsilon  # type: ignore[attr-defined]
    c_max: int = marker.spec.max_colluders  # type: ignore[attr-defined]
    law: str = getattr(marker, "law", bias_laws.ARCSINE)
    rows = []
    for length in lengths:
        rng = np.random.default_rng(seed + length)
        secret = b"synthetic-lengths".ljust(32, b".")
        bias = bias_laws.biases(secret, "SYN", length, c_max, law)
        words = (rng.random((len(PARTNER_NAMES), length)) < bias).astype(np.uint8)
        read = [Observation("synthetic", "synthetic", i, 0) for i in range(length)]
        rows += _rows(
            words,
            bias,
            read,
            epsilon,
            c_max,
            trials,
            0,
            draws,
            seed,
            (colluders,),
            strategies,
            ("combined",),
            loose=False,
        )
    return rows


def _rows(
    words: Bits,
    bias: npt.NDArray[np.float64],
    read: list[Observation],
    epsilon: float,
    c_max: int,
    trials: int,
    fresh: int,
    draws: int,
    seed: int,
    colluders: tuple[int, ...],
    strategies: tuple[str, ...],
    columns: tuple[str, ...],
    loose: bool = True,
) -> list[DecoderRow]:
    rng = np.random.default_rng(seed)
    partners = PARTNER_NAMES[: len(words)]
    rows = []
    for c in colluders:
        for strategy in strategies:
            attack = STRATEGIES[strategy]
            row, start = DecoderRow(c, strategy), time.process_time()
            for _ in range(trials):
                guilty = rng.choice(len(partners), c, replace=False)
                y = attack(words[guilty], rng)
                obs = [
                    Observation(o.channel, o.artifact, o.position, int(y[o.position])) for o in read
                ]
                guilty_names = {partners[g] for g in guilty}
                row.trials += 1
                row.symbols += len(obs)
                row.real_innocent_trials += len(partners) - c
                common = {"draws": draws, "max_colluders": c_max, "recipients": len(partners)}
                for column in columns:
                    if column == "combined":
                        found, real = _innocents_accused(
                            obs, words, bias, fresh, rng, epsilon=epsilon, **common
                        )
                        row.simulated_accused += found
                        row.simulated_innocent_trials += fresh
                    else:
                        verdict = accuse(
                            obs,
                            partners,
                            words,
                            bias,
                            epsilon=epsilon,
                            decoder_names=COLUMNS[column],
                            joint=False,
                            **common,  # type: ignore[arg-type]
                        )
                        real = list(verdict.accused)
                    row.caught[column] += bool(set(real) & guilty_names)
                    row.innocents[column] += len(set(real) - guilty_names)
                if loose:
                    found, real = _innocents_accused(
                        obs, words, bias, fresh, rng, epsilon=0.1, **common
                    )
                    row.loose_accused += found + len(set(real) - guilty_names)
                    row.loose_trials += fresh + len(partners) - c
            row.seconds = time.process_time() - start
            print(
                f"{c} × {strategy} ({len(read)} symbols): "
                + ", ".join(f"{k} {row.caught[k]}/{trials}" for k in columns)
                + f" in {row.seconds:.0f} s CPU",
                flush=True,
            )
            rows.append(row)
    return rows


def table(rows: list[DecoderRow], partners: int, epsilon: float) -> str:
    """The Markdown decoder table."""
    head = ["colluders", "strategy", "trials", "symbols read"]
    head += [f"≥ 1 accused: {k}" for k in COLUMNS]
    head += ["innocents accused, real (sym; uni; l&m; comb) / trials"]
    head += ["combined: simulated innocents accused / trials"]
    head += [f"ε = 0.1: innocents accused / trials (rate; bound ε/n = {0.1 / partners:.0e})"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [str(r.colluders), r.strategy, str(r.trials), f"{r.symbols / r.trials:.0f}"]
        cells += [f"{100 * r.caught[k] / r.trials:.0f} %" for k in COLUMNS]
        cells.append(
            "; ".join(str(r.innocents[k]) for k in COLUMNS) + f" / {r.real_innocent_trials:,}"
        )
        cells.append(f"{r.simulated_accused} / {r.simulated_innocent_trials:,}")
        rate = r.loose_accused / max(1, r.loose_trials)
        cells.append(f"{r.loose_accused} / {r.loose_trials:,} ({rate:.1e})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def length_table(rows: list[DecoderRow]) -> str:
    """The Markdown table of the synthetic-length rows (combined decoder)."""
    lines = [
        "| code length (symbols read) | colluders | strategy | trials | ≥ 1 accused: combined "
        "| innocents accused (real) / trials |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.symbols // max(1, r.trials)} | {r.colluders} | {r.strategy} | {r.trials} "
        f"| {100 * r.caught['combined'] / r.trials:.0f} % "
        f"| {r.innocents['combined']} / {r.real_innocent_trials:,} |"
        for r in rows
    ]
    return "\n".join(lines)
