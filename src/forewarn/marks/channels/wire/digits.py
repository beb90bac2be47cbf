"""Scheme 3's digit marks: every digit of an arbitrary number, the free digits of a date.

Scheme 2 moved the last digit of a digit run by one (`4324` ↔ `4325`), one bit per run. Most
long runs a PoC sends are arbitrary (a request id, a random-looking file name, a cache buster):
any digit of them can move by one and nothing notices, so each digit carries a bit. A date keeps
only the digits whose two forms stay a valid date whatever the other digits say; a version
number keeps scheme 2's single edit; numbers real clients never change (WebKit's `537.36`,
Gecko's `20100101`) are left alone, so a user agent stays one a browser sends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import product

from forewarn.marks.channels.wire.facts import MIN_DIGITS

FROZEN = re.compile(r"(?:AppleWebKit|Safari)/537\.36|Gecko/20100101|Windows NT \d+\.\d|rv:[\d.]+")
"""Numbers every browser of a family sends unchanged: a changed one gives the mark away."""

NATURAL_FROZEN = re.compile(
    r"^Mozilla/5\.0 \(.*$"  # a browser's user agent: only whole releases move (`agents`)
    r"|\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:[+-]\d{2}:?\d{2}|GMT|UTC|Z))?"
    r"|(?<![\w.])[+-](?:0\d|1[0-4])[03]0(?![\w.])"  # a time-zone offset on its own
    r"|\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b",
    re.DOTALL,
)
"""What scheme 5 never edits digit by digit: a user agent (whose versions must stay a real
release's), a time of day with its zone (`10:00:00 +0000`: a zone `-0001` does not exist, a
`29` may not be a day), a zone offset alone, and an HTTP date's day, month and year."""


def natural_frozen(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that scheme 5 leaves as written (`NATURAL_FROZEN`)."""
    return [m.span() for m in NATURAL_FROZEN.finditer(text)]


Edit = tuple[int, tuple[str, str], str]
"""`(offset of the digit in the literal's text, (form for bit 0, form for bit 1), kind)`."""


def pair(digit: str) -> tuple[str, str]:
    """The two forms of a digit: `4` ↔ `5`, `1` ↔ `0`."""
    low = int(digit) & ~1
    return str(low), str(low + 1)


def run_edits(text: str, start: int, end: int) -> list[Edit] | None:
    """Edits for the digit run `text[start:end]`: per digit, per free date digit, none for a
    frozen number, or `None` for a version or short number (scheme 2's one edit applies)."""
    if any(m.start() < end and start < m.end() for m in FROZEN.finditer(text)):
        return []
    run = text[start:end]
    before = text[start - 1] if start > 0 else ""
    after = text[end : end + 2]
    if before == "." or (len(after) == 2 and after[0] == "." and after[1].isdigit()):
        return None
    if len(run) == 8 and _date(run):
        return [(start + k, pair(run[k]), "date") for k in _date_digits(run)]
    if len(run) < MIN_DIGITS:
        return None
    first = 0 if run[0] not in "01" else 1
    return [(start + k, pair(run[k]), "digit") for k in range(first, len(run))]


def _date(run: str) -> bool:
    year, month, day = int(run[:4]), int(run[4:6]), int(run[6:])
    return 1990 <= year <= 2039 and 1 <= month <= 12 and 1 <= day <= 31


def _date_digits(run: str) -> list[int]:
    """The digits of a date that may each take either form, all combinations staying valid:
    the year within one of its own, the month a month, the day one every month has."""
    year = int(run[:4])
    fields = ((0, 4, year - 1, year + 1), (4, 6, 1, 12), (6, 8, 1, 28))
    chosen: list[int] = []
    for start, end, least, most in fields:
        free: list[int] = []
        for k in range(end - 1, start - 1, -1):
            trial = [*free, k]
            if _valid(run, start, end, trial, least, most):
                free = trial
        chosen += sorted(free)
    return chosen


def _valid(run: str, start: int, end: int, free: Sequence[int], least: int, most: int) -> bool:
    for forms in product(*(pair(run[k]) for k in free)):
        digits = list(run[start:end])
        for k, digit in zip(free, forms, strict=True):
            digits[k - start] = digit
        if not least <= int("".join(digits)) <= most:
            return False
    return True


__all__ = ["FROZEN", "NATURAL_FROZEN", "natural_frozen", "pair", "run_edits"]
