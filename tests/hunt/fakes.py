"""A real fake of the fingerprinting engine's extract+accuse, picklable for engines."""

from __future__ import annotations

import re

from forewarn.domain.evidence import ChannelEvidence, Suspect, TokenHit
from forewarn.errors import MarkError
from forewarn.hunt import Decision, Material


def fake_accuse(case: str, artifact: str, original: str, material: Material) -> Decision:
    """Accuses `Contoso Labs` when the suspect keeps the PoC's user agent (a payload mark)."""
    suspect = material.text or ""
    if "broken" in suspect:
        raise MarkError("cannot extract marks from this file")
    if "forewarn-poc" not in suspect:
        return _nobody
    return _contoso


def _nobody(comparisons: int) -> list[Suspect]:
    return []


def _contoso(comparisons: int) -> list[Suspect]:
    evidence = (ChannelEvidence("payload", 8, 8, 9.5),)
    return [
        Suspect("Contoso Labs", 9.5, True, 1e-6, evidence),
        Suspect("Fabrikam Sec", -1.0, False, 1.0, ()),
    ]


class LiteralShapes:
    """A real fake of the token verifier: each literal is a shape, its owner the check's answer.

    Implements `forewarn.hunt.matchers.Shapes`; picklable like the verifier it stands for.
    """

    def __init__(self, owners: dict[str, TokenHit]) -> None:
        self._owners = dict(owners)
        self._literals = list(owners)

    @property
    def expressions(self) -> tuple[tuple[bytes, bool], ...]:
        return tuple((re.escape(t).encode(), False) for t in self._literals)

    @property
    def longest(self) -> int:
        return max((len(t.encode()) for t in self._literals), default=1)

    def verify(self, index: int, window: bytes, end: int) -> tuple[int, TokenHit] | None:
        literal = self._literals[index]
        start = end - len(literal.encode())
        if start < 0 or window[start:end] != literal.encode():
            return None
        return start, self._owners[literal]
