"""The rules channel: marks in the free choices of detection rules (YARA or Suricata).

A rules artifact is one file of YARA rules or of Suricata rules; the format is read from the
original (a Suricata rule with a `sid` decides, else YARA's syntax). Each format module finds the
choices no match depends on (`suricata`, `yara`); this class only dispatches. Captured traffic
never shows a rule file, so a capture reads as erased.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from functools import lru_cache

from forewarn.errors import MarkError
from forewarn.marks.channels.interface import Capture, Routes
from forewarn.marks.channels.rules import suricata, yara


class RuleFormat(enum.StrEnum):
    """The rule languages the channel reads."""

    SURICATA = "suricata"
    YARA = "yara"


@lru_cache(maxsize=64)
def rule_format(text: str) -> RuleFormat | None:
    """The format of a rule file, or `None` when it holds neither kind of rule."""
    if suricata.is_suricata(text):
        return RuleFormat.SURICATA
    if yara.is_yara(text):
        return RuleFormat.YARA
    return None


def plant_reference(content: str, reference: str) -> tuple[str, bool]:
    """`content` with the canary `reference` in every rule's metadata, and whether any was."""
    found = rule_format(content)
    if found is RuleFormat.SURICATA:
        return suricata.plant(content, reference)
    if found is RuleFormat.YARA:
        return yara.plant(content, reference)
    return content, False


class RulesChannel:
    """Carries code symbols in the wording and order choices of detection rules."""

    name = "rules"
    capture_text = False

    def reads_capture(self, suspect: str) -> bool:
        """A rule file is never traffic."""
        return False

    def extract_capture(self, original: str, capture: Capture) -> list[int | None]:
        """Traffic shows no rule file: every choice point is erased."""
        return [None] * self.capacity(original)

    def routes(self, original: str) -> Routes | None:
        """Reads no request of a capture."""
        return frozenset()

    def capacity(self, original: str) -> int:
        """How many choices of the rules in `original` carry a symbol."""
        found = rule_format(original)
        if found is RuleFormat.SURICATA:
            return sum(p.count for p in suricata.plan(original))
        if found is RuleFormat.YARA:
            return sum(p.count for p in yara.plan(original))
        return 0

    def embed(self, original: str, bits: Sequence[int], *, check: bool = True) -> str:
        """`original` with choice `k` set to `bits[k]` (written, never read back here: `check`
        is the engine's to make)."""
        count = self.capacity(original)
        if len(bits) != count:
            raise MarkError(f"rules channel needs {count} bits, got {len(bits)}")
        if any(bit not in (0, 1) for bit in bits):
            raise MarkError("rules channel symbols are bits")
        if not count:
            return original
        if rule_format(original) is RuleFormat.SURICATA:
            return suricata.embed(original, bits)
        return yara.embed(original, bits)

    def extract(self, original: str, suspect: str) -> list[int | None]:
        """Per choice point of `original`, the bit `suspect` shows, or `None` when erased."""
        found = rule_format(original)
        if found is RuleFormat.SURICATA:
            return suricata.extract(original, suspect)
        if found is RuleFormat.YARA:
            return yara.extract(original, suspect)
        return []
