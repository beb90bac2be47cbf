"""Numbers in words a reader trusts at a glance: odds, bounds against the program's ε, counts.

`2.4e-22` means nothing to an executive and too little to a lawyer; "less than 1 in 10²¹ — far
below the program's 1 in 1,000" says both what it is and how it compares. Every output of the
report says a bound through `bound_sentence`, so the wording is the same everywhere.
"""

from __future__ import annotations

import math

PLAIN_UP_TO = 1_000_000
"""Odds up to 1 in this many are written out (`1 in 250,000`); beyond, as a power of ten."""
FAR_BELOW = 1e-3
"""A bound under ε times this is "far below" ε."""


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 finding`, `2 findings`, `3 fetches`: a count with its noun agreeing."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
"""Digits raised: the same text reads right in a terminal, in JSON and in the HTML report."""


def power_of_ten(exponent: int) -> str:
    """`21` → `10²¹`."""
    return "10" + str(exponent).translate(SUPERSCRIPT)


def odds(probability: float) -> str:
    """A small probability as odds: `1 in 1,000`, `1 in 250,000`, `less than 1 in 10²¹`.

    Large odds are rounded *down* to a power of ten, so the words never overstate the evidence:
    2.4e-22 is "less than 1 in 10²¹" (it is 1 in 4.2 × 10²¹).
    """
    if not probability > 0:
        return "none"
    if probability >= 1:
        return "certain"
    inverse = 1 / probability
    if inverse <= PLAIN_UP_TO:
        rounded = round(inverse)
        if math.isclose(inverse, rounded, rel_tol=1e-6):
            return f"1 in {rounded:,}"
        return f"about 1 in {rounded:,}"
    exponent = math.log10(inverse)
    if math.isclose(exponent, round(exponent), abs_tol=1e-9):
        return f"1 in {power_of_ten(round(exponent))}"
    return f"less than 1 in {power_of_ten(math.floor(exponent))}"


def epsilon_text(epsilon: float) -> str:
    """ε as people read it: `1e-3` → `1 in 1,000 (ε = 1.0e-03)`."""
    return f"{odds(epsilon)} (ε = {epsilon:.1e})"


def comparison(bound: float, epsilon: float) -> str:
    """How a bound stands against ε: `far below`, `below`, or `above` (not an accusation)."""
    if bound <= epsilon * FAR_BELOW:
        return "far below"
    if bound <= epsilon:
        return "below"
    return "above"


def bound_sentence(bound: float, epsilon: float | None) -> str:
    """`less than 1 in 10²¹ (2.4e-22) — far below the program's 1 in 1,000 (ε = 1.0e-03)`:
    the words, the number, and how it stands against ε when ε is known."""
    words = f"{odds(bound)} ({bound:.1e})"
    if epsilon is None:
        return words
    return f"{words} — {comparison(bound, epsilon)} the program's {epsilon_text(epsilon)}"


__all__ = [
    "FAR_BELOW",
    "PLAIN_UP_TO",
    "SUPERSCRIPT",
    "bound_sentence",
    "comparison",
    "epsilon_text",
    "odds",
    "plural",
    "power_of_ten",
]
