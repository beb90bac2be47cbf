"""Artifacts shared with partners: advisory text, detection guidance, PoC code, detection rules."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ArtifactKind(enum.StrEnum):
    """What an artifact is; policy decides which tiers receive which kinds."""

    ADVISORY = "advisory"
    DETECTION = "detection"
    POC = "poc"
    RULES = "rules"
    """Detection rules (YARA or Suricata), generated from the case's PoCs or written by hand."""


@dataclass(frozen=True, slots=True)
class Artifact:
    """One file of a case as the vendor wrote it (before any partner's marks)."""

    case_id: str
    """The case it belongs to."""
    name: str
    """File name, unique within the case (`poc.py`, `advisory.md`)."""
    kind: ArtifactKind
    """Advisory, detection guidance, PoC or detection rules."""
    min_tier: str
    """Lowest tier allowed to receive it."""
    sha256: str
    """Hex SHA-256 of the unmarked content."""
    size: int
    """Size of the unmarked content in bytes."""
