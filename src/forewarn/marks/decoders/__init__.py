"""Accusation decoders: one module per score, one `interface`, one combination.

`marks.accusation` is the only caller; the rest of forewarn sees an `Accusation` and, to compare
decoders, their names (`DECODER_NAMES`).
"""

from __future__ import annotations

from forewarn.errors import MarkError
from forewarn.marks.decoders.interface import Decoder, Reading
from forewarn.marks.decoders.learned import LearnedDecoder
from forewarn.marks.decoders.symmetric import SymmetricDecoder
from forewarn.marks.decoders.universal import UniversalDecoder

DECODER_NAMES = ("symmetric", "universal", "learn-and-match")
"""Every decoder, in the order they are combined; the default decides with all of them."""


def decoders(names: tuple[str, ...] = DECODER_NAMES) -> tuple[Decoder, ...]:
    """The decoders named, in `DECODER_NAMES` order (the one factory)."""
    known: dict[str, Decoder] = {
        "symmetric": SymmetricDecoder(),
        "universal": UniversalDecoder(),
        "learn-and-match": LearnedDecoder(),
    }
    unknown = set(names) - set(known)
    if unknown or not names:
        raise MarkError(
            f"unknown decoder {', '.join(sorted(unknown)) or '(none)'}",
            hint=f"choose among {', '.join(DECODER_NAMES)}",
        )
    return tuple(known[name] for name in DECODER_NAMES if name in names)


__all__ = ["DECODER_NAMES", "Decoder", "Reading", "decoders"]
