"""A real fake of the fingerprinting engine's extract+accuse, picklable for engines."""

from __future__ import annotations

from forewarn.domain.evidence import ChannelEvidence, Suspect
from forewarn.errors import MarkError


def fake_accuse(
    case: str,
    artifact: str,
    original: str,
    suspect: str,
    requests: object = None,
    comparisons: int = 1,
) -> list[Suspect]:
    """Accuses `Contoso Labs` when the suspect keeps the PoC's user agent (a payload mark)."""
    if "broken" in suspect:
        raise MarkError("cannot extract marks from this file")
    if "forewarn-poc" not in suspect:
        return []
    evidence = (ChannelEvidence("payload", 8, 8, 9.5),)
    return [
        Suspect("Contoso Labs", 9.5, True, 1e-6, evidence),
        Suspect("Fabrikam Sec", -1.0, False, 1.0, ()),
    ]
