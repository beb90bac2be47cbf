"""Wording choices in rule messages, descriptions and names: synonyms a rule writer uses freely.

A Suricata `msg`, a YARA `description` and a YARA rule name are free text for the engine: no
match depends on them. Each word of `SYNONYMS` found in one carries a bit (which of the two
forms it shows). A suspect's wording is read only when, with the choice words masked, it is the
original's word for word: a reworded message erases its bits rather than reading noise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SYNONYMS: tuple[tuple[str, str], ...] = (
    ("possible", "potential"),
    ("exploitation", "exploit"),
    ("attempt", "activity"),
    ("inbound", "incoming"),
    ("detects", "matches"),
    ("request", "query"),
    ("tool", "utility"),
    ("step", "stage"),
    ("observed", "seen"),
    ("suspicious", "anomalous"),
    ("derived", "adapted"),
    ("shared", "distributed"),
)
"""`(form for bit 0, form for bit 1)`; both forms are recognised, case is kept as found."""

_FORMS = {form: (k, side) for k, pair in enumerate(SYNONYMS) for side, form in enumerate(pair)}
_WORD = re.compile(r"[A-Za-z]+")
_TOKEN = re.compile(r"[A-Za-z]+|[0-9]+")


@dataclass(frozen=True, slots=True)
class Slot:
    """One choice word in a free text."""

    start: int
    """Character offset of the word."""
    end: int
    """End offset of the word."""
    pair: int
    """Index into `SYNONYMS`."""


def _cased(form: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return form.upper()
    if like[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def slots(text: str) -> tuple[Slot, ...]:
    """The choice words of `text`, in order."""
    found = []
    for m in _WORD.finditer(text):
        hit = _FORMS.get(m.group(0).lower())
        if hit is not None:
            found.append(Slot(m.start(), m.end(), hit[0]))
    return tuple(found)


def render(text: str, bits: Sequence[int]) -> str:
    """`text` with slot `k` in the form of `bits[k]`."""
    found = slots(text)
    if len(bits) != len(found):
        raise ValueError(f"{len(found)} wording bits needed, got {len(bits)}")
    out = text
    for slot, bit in sorted(zip(found, bits, strict=True), key=lambda p: -p[0].start):
        like = text[slot.start : slot.end]
        out = out[: slot.start] + _cased(SYNONYMS[slot.pair][bit], like) + out[slot.end :]
    return out


def _masked(text: str) -> tuple[tuple[str, ...], list[int | None]]:
    """Lower-case tokens with choice words replaced by their pair, and the side each shows."""
    tokens: list[str] = []
    sides: list[int | None] = []
    for m in _TOKEN.finditer(text):
        word = m.group(0).lower()
        hit = _FORMS.get(word)
        if hit is None:
            tokens.append(word)
        else:
            tokens.append(f"\x00{hit[0]}")
            sides.append(hit[1])
    return tuple(tokens), sides


def canonical(text: str) -> str:
    """`text` as no wording choice changes it: lower-case tokens, choice words as their pair."""
    return " ".join(_masked(text)[0])


def read(original: str, suspect: str) -> list[int | None]:
    """Per slot of `original`, the form `suspect` shows; all `None` unless it is the same
    wording up to the choice words (and to case, spacing and punctuation)."""
    count = len(slots(original))
    want, _ = _masked(original)
    seen, sides = _masked(suspect)
    if seen != want or len(sides) != count:
        return [None] * count
    return list(sides)


__all__ = ["SYNONYMS", "Slot", "canonical", "read", "render", "slots"]
