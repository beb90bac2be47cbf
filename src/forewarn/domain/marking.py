"""How a case's copies were marked: fixed at its first release, so they decode forever after.

A case's codewords, code length and the choice points each channel finds all follow from these
parameters and the marking scheme. Changing any of them for a case already released would make its
copies unreadable without a sound, so they are stored once, with the first delivered release, and
every marker of the case is built from the stored values (`forewarn.marks.schemes.build_marker`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class MarkingParams:
    """The code and the channels a case's copies carry."""

    scheme: int
    """Marking-scheme version: which channels, in which versions, carry the code."""
    n_partners: int
    """Population the code is sized for (the union bound of ε runs over it)."""
    max_colluders: int
    """Largest coalition merging copies that the code withstands."""
    epsilon: float
    """Chance that any innocent partner is accused in one investigation."""
    channels: tuple[str, ...]
    """`kind:channel` pairs in application order, as the scheme defined them at release."""
    domains: tuple[str, ...] = field(default=())
    """Domains the copies' host tokens are under (the program's at the first release; none:
    no host tokens). Part of the marking: a copy regenerates only with the same domains."""
