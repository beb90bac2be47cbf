"""What detection rules are written from: a case and what each of its PoCs sends and contains.

A PoC's partner copies differ where the marks are (header order and casing, a user agent, file
names, padding). Rules that match one copy must match every copy, so a PoC is given as three
texts: the original and the two extreme copies (every choice point at 0, every one at 1), each
with the requests the static evaluator reads from it. What the three share, every copy shares.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from forewarn.domain.cases import Case
from forewarn.domain.wire import HttpRequest


class RuleLanguage(enum.StrEnum):
    """The rule languages forewarn writes and marks."""

    YARA = "yara"
    SURICATA = "suricata"


@dataclass(frozen=True, slots=True)
class PocView:
    """One PoC of a case, as every partner's copy of it looks."""

    artifact: str
    """Artifact name (`poc.py`)."""
    sources: tuple[str, ...]
    """The original, then the extreme copies, as text."""
    requests: tuple[tuple[HttpRequest, ...], ...]
    """Per source, the requests it sends, in order (statically evaluated, never run)."""


@dataclass(frozen=True, slots=True)
class RuleSource:
    """Everything a rule file of a case is written from."""

    case: Case
    """The case (id, title, product, CVEs, severity)."""
    pocs: tuple[PocView, ...]
    """The case's PoCs and tools, in artifact order."""
    author: str
    """Who publishes the rules (the program's name)."""
    written: date
    """When the rules are written (a `--now`, never the clock)."""
    first_sid: int = 9_000_000
    """Suricata `sid` of the first rule; the local-use range by default."""
