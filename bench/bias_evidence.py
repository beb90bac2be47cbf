"""How much evidence a bias law can put in a leak: mutual information, per strategy and law.

For a coalition of `c` under a strategy (marking assumption: where the colluders agree, the leak
keeps their symbol), the expected log-likelihood ratio an informed decoder collects for one
colluder over `L` symbols is `L · E_p[I(X_j; Y | p)]`, for a pair `L · E_p[I(X_j, X_k; Y | p)]`.
An accusation at ε = 1e-3 among n = 1000 needs about ln(n/ε) = 13.8 nats for one partner (more
for a pair: the joint pass tests ~n²/2 hypotheses), so these figures bound what any decoder can
do with a law at a given length, before any simulation. The laws: the arcsine on `[t, 1 - t]`
(`code.bias_vector`), Nuida et al.'s Gauss–Legendre law for c = 3 (`bias_laws`) and
symmetric two-point laws `{p, 1 - p}`.

Run: `PYTHONPATH=src python bench/bias_evidence.py [--symbols 152,169]`.
"""

from __future__ import annotations

import argparse
from math import comb

import numpy as np
import numpy.typing as npt

import bias_laws
from forewarn.marks import code

Floats = npt.NDArray[np.float64]
STRATEGIES = ("interleave", "random", "majority", "minority")


def _entropy(q: Floats) -> Floats:
    q = np.clip(q, 1e-300, 1 - 1e-16)
    return np.asarray(-(q * np.log(q) + (1 - q) * np.log(1 - q)))


def _leak_one(ones: int, c: int, strategy: str) -> float:
    """P(leak symbol = 1) when `ones` of the `c` colluders hold a 1."""
    if strategy == "interleave":
        return ones / c
    if ones in (0, c):
        return float(ones == c)
    if strategy == "random" or 2 * ones == c:
        return 0.5
    return float((2 * ones > c) == (strategy == "majority"))


def evidence(p: Floats, strategy: str, c: int, known: int) -> float:
    """`E_p[I(X_1..X_known; Y | p)]` in nats per symbol, the other `c - known` colluders' bits
    drawn from the biases `p` (values with equal weight)."""
    given, leak = np.zeros_like(p), np.zeros_like(p)
    for a in range(known + 1):
        weight = comb(known, a) * p**a * (1 - p) ** (known - a)
        rest = c - known
        q = sum(
            comb(rest, b) * p**b * (1 - p) ** (rest - b) * _leak_one(a + b, c, strategy)
            for b in range(rest + 1)
        )
        given, leak = given + weight * _entropy(q), leak + weight * q
    return float(np.mean(_entropy(leak) - given))


def laws() -> dict[str, Floats]:
    """The bias laws compared: a large sample of each continuous one, the support of discrete
    ones weighted by repeating values in proportion (Gauss–Legendre for c = 3 is 1/2 each)."""
    secret = b"bias-evidence".ljust(32, b".")
    out = {f"arcsine t={t}": code.bias_vector(secret, "EV", 200_000, t) for t in (0.1, 0.2, 0.3)}
    out["gauss-legendre c=3"] = bias_laws.biases(secret, "EV", 200_000, 3, bias_laws.GAUSS_LEGENDRE)
    for p in (0.1, 0.15, 0.25, 0.3, 0.4, 0.5):
        out[f"two-point {p}"] = np.array([p, 1 - p])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", default="152,169", help="leak lengths to scale to")
    lengths = [int(n) for n in parser.parse_args().symbols.split(",")]
    head = ["law", "L", "1 leaker"]
    head += [f"3 × {s}: one; pair" for s in STRATEGIES]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for name, p in laws().items():
        for length in lengths:
            cells = [name, str(length), f"{length * evidence(p, 'interleave', 1, 1):.1f}"]
            for strategy in STRATEGIES:
                one, pair = (length * evidence(p, strategy, 3, k) for k in (1, 2))
                cells.append(f"{one:.1f}; {pair:.1f}")
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
