"""Whether marks read from material are the unmarked original's or some partner's copy's.

Every recipient's codeword is known, so each comparison is a likelihood ratio under one noise
model (`READ_NOISE`): `is_unmarked` says material was made from the original (the vendor's, the
finder's, or a build no partner received), `is_copy` that it was made from *some* partner's
copy though too few symbols were read to say whose. `context` turns them into evidence.
"""

from __future__ import annotations

import math

from forewarn.domain.investigation import Activity, OriginalReading

UNMARKED_MIN_READ = 12
"""Fewest symbols read before material can be said to be the unmarked original (a web log shows
a PoC's 15 to 20 path, query and user-agent symbols)."""
READ_NOISE = 0.05
"""Chance that a symbol read from material differs from the copy it was made from (an edit, a
lossy log): the noise of both hypotheses below."""
UNMARKED_MIN_RATIO = 1000.0
"""How many times likelier the symbols read must be if the material was made from the original
than if it was made from the closest recipient's copy. Every recipient's codeword is known, so
the ratio is exact under the noise model: each symbol that agrees with the original but not
with the copy multiplies it by (1 - noise) / noise, and the other way round divides it."""
UNMARKED_MAX_DISAGREEING = 0.25
"""Largest share of the symbols read that may differ from the original's: material unlike every
copy *and* unlike the original (a merge, noise) is not the original either."""


def unmarked_readings(activity: Activity) -> tuple[tuple[str, OriginalReading], ...]:
    """(finding, reading) of material whose marks are the unmarked original's, not a copy's."""
    return tuple((f.label, r) for f in activity.findings for r in f.original if is_unmarked(r))


def original_log_ratio(reading: OriginalReading) -> float:
    """Natural log of P(symbols | made from the original) / P(symbols | made from the closest
    recipient's copy), each symbol read wrong with chance `READ_NOISE`."""
    return (reading.agreeing - reading.closest) * math.log((1 - READ_NOISE) / READ_NOISE)


def is_unmarked(reading: OriginalReading) -> bool:
    """Enough symbols, mostly the original's, and far likelier from it than from any copy.

    The margin is a count of symbols, not a share of them: the closest of a few recipients'
    codewords agrees with the original at two symbols in three of a short reading by chance
    alone, and a share would call that a copy.
    """
    return (
        reading.read >= UNMARKED_MIN_READ
        and reading.read - reading.agreeing <= UNMARKED_MAX_DISAGREEING * reading.read
        and original_log_ratio(reading) >= math.log(UNMARKED_MIN_RATIO)
    )


def unmarked_statement(label: str, reading: OriginalReading) -> str:
    """The fact, for the report."""
    return (
        f"the marks read in {label} agree with the unmarked original {reading.artifact} in "
        f"{reading.agreeing} of {reading.read} symbols, and with no partner's copy in more than "
        f"{reading.closest} (about {math.exp(original_log_ratio(reading)):.0e} times likelier "
        "from the original than from any copy): it was made from the original, which no "
        "partner received"
    )


def copy_log_ratio(reading: OriginalReading) -> float:
    """Natural log of P(symbols | made from one of the recipients' copies, each alike likely) /
    P(symbols | made from the original), at least: the closest copy alone, shared among all
    `recipients` (the best of many codewords agrees with anything a little by luck)."""
    gain = (reading.closest - reading.agreeing) * math.log((1 - READ_NOISE) / READ_NOISE)
    return gain - math.log(max(reading.recipients, 1))


def is_copy(reading: OriginalReading) -> bool:
    """The mirror of `is_unmarked`: enough symbols, mostly one copy's, and far likelier from a
    recipient's copy than from the original, though too few to accuse anyone."""
    return (
        reading.read >= UNMARKED_MIN_READ
        and reading.read - reading.closest <= UNMARKED_MAX_DISAGREEING * reading.read
        and copy_log_ratio(reading) >= math.log(UNMARKED_MIN_RATIO)
    )


def copy_readings(activity: Activity) -> tuple[tuple[str, OriginalReading], ...]:
    """(finding, reading) of material made from some partner's copy, not from the original."""
    return tuple((f.label, r) for f in activity.findings for r in f.original if is_copy(r))


def copy_statement(label: str, reading: OriginalReading) -> str:
    """The fact, for the report: a copy, whose is not said."""
    return (
        f"the marks read in {label} agree with a partner's copy of {reading.artifact} in "
        f"{reading.closest} of {reading.read} symbols and with the unmarked original in only "
        f"{reading.agreeing} (about {math.exp(copy_log_ratio(reading)):.0e} times likelier from "
        f"one of its {reading.recipients} recipients' copies than from the original): it was "
        "made from a partner's copy, though too few symbols were read to say whose"
    )


__all__ = [
    "READ_NOISE",
    "UNMARKED_MAX_DISAGREEING",
    "UNMARKED_MIN_RATIO",
    "UNMARKED_MIN_READ",
    "copy_log_ratio",
    "copy_readings",
    "copy_statement",
    "is_copy",
    "is_unmarked",
    "original_log_ratio",
    "unmarked_readings",
    "unmarked_statement",
]
