"""What a leaker does to a partner's rule file before it surfaces: reformat, reorder, reword.

The attribution benchmark and the tests take rule disguises from here, so that "reordered" means
the same everywhere. Each keeps what the rules detect (contents, sticky buffers, strings,
conditions) and changes only what a rule writer may change freely:

- *reformatted*: Suricata rules split over continuation lines with other spacing; YARA rules
  printed by `plyara`'s own rebuilder (tabs, its layout);
- *options reordered*: a Suricata rule's non-detection options (`msg`, `reference`,
  `classtype`, `sid`, `rev`, `metadata`) shuffled and moved in front of the detection; a YARA
  rule's `meta` entries and string definitions shuffled;
- *msg reworded*: every Suricata `msg` rewritten in the leaker's words; every YARA rule renamed
  and its `description` rewritten.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

import plyara
import plyara.utils
from suricataparser import parse_rule

from forewarn.marks.channels.rules import RuleFormat, rule_format
from forewarn.marks.channels.rules.suricata import FREE


def _suricata_lines(text: str, change: Callable[[str, int], str | None]) -> str:
    """Each Suricata rule line through `change` (`None` keeps the line)."""
    out = []
    for number, line in enumerate(text.split("\n")):
        changed = change(line, number) if line.strip() and not line.startswith("#") else None
        out.append(line if changed is None else changed)
    return "\n".join(out)


def _yara_rules(text: str, change: Callable[[dict[str, object], int], None]) -> str:
    """Every YARA rule parsed, changed in place by `change`, and printed by plyara."""
    rules = plyara.Plyara().parse_string(text)
    for number, rule in enumerate(rules):
        change(rule, number)
    return "\n".join(plyara.utils.rebuild_yara_rule(rule) for rule in rules)


def reformat(text: str) -> str:
    """Another layout, the same rules."""
    if rule_format(text) is RuleFormat.YARA:
        return _yara_rules(text, lambda rule, number: None)
    return _suricata_lines(text, lambda line, number: re.sub(r";\s*", ";  \\\n    ", line))


def reorder(text: str, rng: random.Random) -> str:
    """Free options (Suricata) or meta entries and strings (YARA) in a random order."""
    if rule_format(text) is RuleFormat.YARA:

        def shuffle(rule: dict[str, object], number: int) -> None:
            for key in ("metadata", "strings"):
                items = rule.get(key)
                if isinstance(items, list):
                    rng.shuffle(items)

        return _yara_rules(text, shuffle)

    def moved(line: str, number: int) -> str | None:
        parsed = parse_rule(line)
        if parsed is None:
            return None
        free = [o for o in parsed.options if o.name in FREE]
        rng.shuffle(free)
        rest = [o for o in parsed.options if o.name not in FREE]
        options = " ".join(str(o) for o in [*free, *rest])
        return f"{parsed.action} {parsed.header} ({options})"

    return _suricata_lines(text, moved)


def reword(text: str) -> str:
    """Every message (Suricata) or rule name and description (YARA) in the leaker's words."""
    if rule_format(text) is RuleFormat.YARA:

        def renamed(rule: dict[str, object], number: int) -> None:
            rule["rule_name"] = f"local_sig_{number + 1:03d}"
            meta = rule.get("metadata")
            if isinstance(meta, list):
                for entry in meta:
                    if "description" in entry:
                        entry["description"] = f"in-house signature {number + 1}"

        return _yara_rules(text, renamed)
    return _suricata_lines(
        text,
        lambda line, number: re.sub(
            r'msg\s*:\s*"[^"]*"', f'msg:"LOCAL web exploit signature {number}"', line
        ),
    )


@dataclass(frozen=True, slots=True)
class RuleAttack:
    """One disguise of a rule file."""

    label: str
    """How tables name it."""
    apply: Callable[[str, random.Random], str]
    """The disguise; randomness comes from the caller."""


RULE_ATTACKS: dict[str, RuleAttack] = {
    "verbatim": RuleAttack("verbatim", lambda text, rng: text),
    "reformatted": RuleAttack("reformatted", lambda text, rng: reformat(text)),
    "reordered": RuleAttack("options reordered", reorder),
    "reworded": RuleAttack("msg reworded", lambda text, rng: reword(text)),
}
"""Every rule disguise, by key."""


__all__ = ["RULE_ATTACKS", "RuleAttack", "reformat", "reorder", "reword"]
