"""What an artifact's marks buy before release: symbols per attack against symbols needed.

A PSIRT must know before a wave goes out whether a leak of this PoC could name anyone. Two
numbers decide it. *Needed*: the fewest code symbols from which the engine names a single
leaker (or one of two or three interleaving colluders) in at least 95 % of leaks, for the
case's code parameters `(n, c, ε)`. It is measured by simulation through the engine's own
scoring (`accusation.law_of`, `threshold.provable_threshold`, the binding one of its two
thresholds), on biases drawn as the code draws them; it is a pure function of `(n, c, ε)`,
computed once per process. *Left*: the symbols each attack leaves of an artifact's channels
(`SURVIVES`), as distinct code positions (channels overlap at random, `layout`).

```python
needs = symbols_needed(64, 3, 1e-3)            # Needs(single=…, pair=…, triple=…)
assess({"payload": 33, "python_source": 49}, 64, 3, 1e-3)   # one Outcome per Attack
```
"""

from __future__ import annotations

import enum
import functools
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from forewarn.marks import code
from forewarn.marks.accusation import law_of
from forewarn.marks.threshold import provable_threshold

TARGET = 0.95
"""Share of simulated leaks in which the leaker (or a colluder) must be named."""

TRIALS = 128
"""Simulated leaks per `(n, c, ε, k, colluders)`."""

RESOLUTION = 1 / 32
"""Bisection stops within this share of `k` and reports the upper end (never too few)."""

COALITIONS = (1, 2, 3)
"""Coalition sizes reported: a single leaker, two and three interleaving colluders."""


class Attack(enum.Enum):
    """What a leaker did to a copy before it surfaced."""

    VERBATIM = "verbatim"
    """Shared as received."""
    REFORMATTED = "reformatted"
    """Reformatted and every identifier renamed; structure and values kept."""
    REWRITTEN = "rewritten"
    """Rewritten by hand or by an assistant, keeping what it sends on the wire."""
    CAPTURE = "capture"
    """Only its traffic was seen (raw HTTP, pcap, logs)."""


SURVIVES: dict[Attack, frozenset[str] | None] = {
    Attack.VERBATIM: None,
    Attack.REFORMATTED: frozenset({"python_source", "payload", "wire", "literals", "rules"}),
    Attack.REWRITTEN: frozenset({"payload", "wire", "literals"}),
    Attack.CAPTURE: frozenset({"payload", "wire", "literals"}),
}
"""Channels whose symbols each attack leaves (`None`: all). Python structural symbols survive
formatters and renaming, not rewrites; wire values (`wire` in schemes 2 and 3, `payload` in
scheme 1, literals of other languages) survive a rewrite that keeps the requests, and a capture
shows them (all for raw HTTP, pcap, HAR and Suricata with all headers; fewer in Zeek and
web-server logs), but for scheme 3's behaviour constants, which are never on the wire, and the
literals' header-name casing, which clients and proxies may re-case (`assess` counts a capture
from what traffic shows); advisory wording survives only a verbatim copy; a
rule file's marks survive reformatting (a YARA rule renamed loses its name's few symbols, a
reorder by someone else its order symbols). A channel not named here counts only for verbatim
copies."""


@dataclass(frozen=True, slots=True)
class Needs:
    """Fewest symbols from which the engine names a leaker in `TARGET` of leaks."""

    n_partners: int
    """Partners the code is sized for (the union bound runs over them)."""
    max_colluders: int
    """Coalition size the code is sized against (sets its cutoff and length)."""
    epsilon: float
    """Program-wide false-accusation probability."""
    length: int
    """Code length `m`: no artifact reads more distinct positions than this."""
    single: int | None
    """For a single leaker; `None` when even `length` symbols do not reach `TARGET`."""
    pair: int | None
    """For one of two colluders interleaving their copies."""
    triple: int | None
    """For one of three colluders interleaving their copies."""

    def for_coalition(self, size: int) -> int | None:
        """`single`, `pair` or `triple`."""
        return (self.single, self.pair, self.triple)[size - 1]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attack leaves of one artifact, and whom that names."""

    attack: Attack
    """The attack."""
    symbols: int
    """Choice points of the surviving channels."""
    positions: int
    """Expected distinct code positions they cover."""
    names: int
    """Largest coalition (0 to 3) whose member is named in `TARGET` of such leaks."""


def _rng(*fields: object) -> np.random.Generator:
    digest = hashlib.sha256(repr(fields).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


@functools.lru_cache(maxsize=64)
def _leaks(
    n: int, c: int, epsilon: float, colluders: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """Per trial: biases as the code draws them, colluders' codewords, the interleaved leak.

    Positions are read in a random order, the same for every `k` (common random numbers), so
    the share named grows with `k` without sampling noise between one `k` and the next.
    """
    length = code.code_length(n, c, epsilon).used
    t = code.cutoff(c)
    rng = _rng("capacity", n, c, epsilon, colluders)
    low = math.asin(math.sqrt(t))
    bias = np.sin(low + (math.pi / 2 - 2 * low) * rng.random((TRIALS, length))) ** 2
    words = (rng.random((TRIALS, colluders, length)) < bias[:, None, :]).astype(np.uint8)
    pick = rng.integers(0, colluders, (TRIALS, length))
    leak = np.take_along_axis(words, pick[:, None, :], axis=1)[:, 0, :]
    return bias, words, leak


@functools.lru_cache(maxsize=4096)
def named_share(n: int, c: int, epsilon: float, k: int, colluders: int) -> float:
    """Share of simulated leaks of `k` symbols in which the engine names a colluder."""
    length = code.code_length(n, c, epsilon).used
    if k <= 0:
        return 0.0
    bias, words, leak = _leaks(n, c, epsilon, colluders)
    per_partner = epsilon / n
    named = 0
    read = np.arange(min(k, length))
    for trial in range(TRIALS):
        law = law_of(read, leak[trial, read], bias[trial])
        threshold, _ = provable_threshold(law, per_partner)
        bits = words[trial][:, read].astype(np.float64)
        scores = bits @ (law.if_one - law.if_zero) + float(law.if_zero.sum())
        named += bool((scores >= threshold).any())
    return named / TRIALS


def _needed(n: int, c: int, epsilon: float, colluders: int, length: int) -> int | None:
    """Smallest `k` reaching `TARGET`: doubling, then bisection (the share grows with `k`)."""
    low, high = 1, 8
    while named_share(n, c, epsilon, high, colluders) < TARGET:
        if high >= length:
            return None
        low, high = high + 1, min(2 * high, length)
    while high - low > max(0, int(low * RESOLUTION)):
        middle = (low + high) // 2
        if named_share(n, c, epsilon, middle, colluders) >= TARGET:
            high = middle
        else:
            low = middle + 1
    return high


@functools.lru_cache(maxsize=64)
def symbols_needed(n: int, c: int, epsilon: float) -> Needs:
    """Fewest symbols naming a single leaker, a pair and a triple of interleaving colluders."""
    length = code.code_length(n, c, epsilon).used
    found = [_needed(n, c, epsilon, size, length) for size in COALITIONS]
    return Needs(n, c, epsilon, length, found[0], found[1], found[2])


def distinct_positions(symbols: Mapping[str, int], length: int) -> int:
    """Expected distinct code positions that these channels' symbols cover.

    Each channel walks its own keyed permutation of the positions, so its first `s` symbols
    cover `min(s, m)` positions chosen at random, independently of the other channels.
    """
    missed = 1.0
    for count in symbols.values():
        missed *= 1.0 - min(count, length) / length
    return round(length * (1.0 - missed))


def assess(
    capacity: Mapping[str, int],
    n: int,
    c: int,
    epsilon: float,
    traffic: Mapping[str, int] | None = None,
) -> tuple[Outcome, ...]:
    """What each attack leaves of an artifact with `capacity` symbols per channel; a capture
    leaves only the symbols its traffic shows (`traffic`, per channel, when given)."""
    needs = symbols_needed(n, c, epsilon)
    out = []
    for attack in Attack:
        kept = SURVIVES[attack]
        counts = traffic if attack is Attack.CAPTURE and traffic is not None else capacity
        left = {ch: counts.get(ch, s) for ch, s in capacity.items() if kept is None or ch in kept}
        positions = distinct_positions(left, needs.length)
        names = 0
        for size in COALITIONS:
            needed = needs.for_coalition(size)
            if needed is not None and positions >= needed:
                names = size
        out.append(Outcome(attack, sum(left.values()), positions, names))
    return tuple(out)


__all__ = [
    "COALITIONS",
    "SURVIVES",
    "TARGET",
    "Attack",
    "Needs",
    "Outcome",
    "assess",
    "distinct_positions",
    "named_share",
    "symbols_needed",
]
