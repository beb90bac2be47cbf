"""Checking a rule file before it is stored: it must be YARA that compiles or Suricata that parses.

A rules artifact goes to partners who load it into their engines on patch day, and its marks
are read back by parsing it; a file neither engine reads would ship broken and carry no marks.
YARA is compiled with `yara-python` (includes refused: a rule file never reads other files);
every rule line of a Suricata file must parse with `suricataparser` and carry a `sid` (Suricata
itself is not packaged here: this is a parser's check, not the engine's).
"""

from __future__ import annotations

import re

import yara

from forewarn.errors import ValidationError
from forewarn.marks.channels.rules import RuleFormat, rule_format
from forewarn.marks.channels.rules.suricata import parse

_YARA_RULE = re.compile(r"^[ \t]*(?:(?:private|global)[ \t]+)*rule\s+\w+", re.MULTILINE)

HINT = "add a YARA file that compiles or a Suricata file with one rule per line (with a sid)"
"""What to do when a rule file is refused."""


def _suricata_problems(text: str) -> list[int]:
    """Line numbers (1-based) of non-comment lines that are not part of a rule with a sid."""
    covered = {
        line
        for rule in parse(text)
        if rule.position("sid") is not None
        for line in range(rule.first, rule.last + 1)
    }
    return [
        index + 1
        for index, line in enumerate(text.split("\n"))
        if line.strip() and not line.strip().startswith("#") and index not in covered
    ]


def check_rule_file(name: str, content: bytes) -> RuleFormat:
    """The format of a rule file, or `ValidationError` saying why no engine would load it."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"rule file {name!r} is not UTF-8 text", hint=HINT) from exc
    found = rule_format(text)
    if found is None and not _YARA_RULE.search(text):
        raise ValidationError(f"{name!r} holds no YARA or Suricata rule", hint=HINT)
    if found is not RuleFormat.SURICATA:
        # YARA's own compiler has the last word (a file plyara cannot read still ships, unmarked).
        try:
            yara.compile(source=text, includes=False)
        except yara.Error as exc:
            raise ValidationError(f"YARA does not compile {name!r}: {exc}", hint=HINT) from exc
        return RuleFormat.YARA
    bad = _suricata_problems(text)
    if bad:
        lines = ", ".join(map(str, bad[:5]))
        raise ValidationError(f"{name!r}: lines {lines} are not Suricata rules", hint=HINT)
    return found


__all__ = ["HINT", "check_rule_file"]
