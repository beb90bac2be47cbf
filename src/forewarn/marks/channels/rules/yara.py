"""YARA rule files: their free choices, read with `plyara` and written back rule by rule.

What YARA matches on is each rule's strings (values and modifiers) and its condition: never
touched, and the condition is written back exactly as it was. Free for the engine, and so
carrying bits: the wording of the rule name and of the `description` meta value (`wording`), the
order of `meta` entries and the order of string definitions (read by value, so renamed `$`
identifiers keep them). A suspect rule is matched to an original one by its set of string
values, so a renamed, reformatted or reordered copy is still found. A rule that shares a line
with other text is left as it is (comments inside a marked rule are not kept).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import plyara

from forewarn.marks.channels._python.order import arrange, pivot_pairs, read_order
from forewarn.marks.channels.rules import wording

logger = logging.getLogger(__name__)

CANARY_KEY = "tracking_id"
"""`meta` key under which a partner's canary reference is planted."""

MetaValue = str | int | bool
Meta = tuple[str, MetaValue]
String = tuple[str, str, str, tuple[str, ...]]
"""`(identifier, type, value as written, modifiers)`."""

_RULE_START = re.compile(r"^\s*(?:(?:private|global)\s+)*rule\b")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a file and the lines it spans."""

    first: int
    """First line (0-based)."""
    last: int
    """Last line, inclusive."""
    name: str
    """Rule name."""
    scopes: tuple[str, ...]
    """`private`, `global`."""
    tags: tuple[str, ...]
    """Tags after the name."""
    meta: tuple[Meta, ...]
    """`meta` entries in order; string values as written (escapes kept)."""
    strings: tuple[String, ...]
    """String definitions in order."""
    condition: str
    """The condition as written."""
    alone: bool
    """Whether the rule has its lines to itself (only then is it rewritten)."""

    @property
    def key(self) -> tuple[object, ...]:
        """What identifies the rule in any copy: its string values (or its condition)."""
        if self.strings:
            return ("strings", tuple(sorted((t, v, m) for _, t, v, m in self.strings)))
        return ("condition", "".join(self.condition.split()))

    @property
    def description(self) -> str | None:
        """The one `description` meta value, if it is text."""
        found = [v for k, v in self.meta if k == "description"]
        return found[0] if len(found) == 1 and isinstance(found[0], str) else None


def meta_item(entry: Meta) -> str:
    """How a meta entry is recognised in any copy (wording choices do not change it)."""
    key, value = entry
    if isinstance(value, str):
        return f"{key}=text:{wording.canonical(value)}"
    return f"{key}={type(value).__name__}:{value}"


def string_item(entry: String) -> str:
    """How a string definition is recognised in any copy, whatever its identifier."""
    _, kind, value, modifiers = entry
    return f"{kind}:{value}:{' '.join(modifiers)}"


def _meta(raw: object) -> tuple[Meta, ...]:
    found: list[Meta] = []
    for entry in raw if isinstance(raw, list) else []:
        for key, value in dict(entry).items():
            if isinstance(value, str | int | bool):
                found.append((str(key), value))
    return tuple(found)


def _strings(raw: object) -> tuple[String, ...]:
    found: list[String] = []
    for entry in raw if isinstance(raw, list) else []:
        modifiers = tuple(m for m in entry.get("modifiers", ()) if isinstance(m, str))
        found.append((str(entry["name"]), str(entry["type"]), str(entry["value"]), modifiers))
    return tuple(found)


def _condition(raw: object) -> str:
    text = str(raw or "")
    return text.split(":", 1)[1].strip() if ":" in text else text.strip()


@lru_cache(maxsize=128)
def parse(text: str) -> tuple[Rule, ...]:
    """Every rule of `text` that YARA's syntax reads; `()` when it does not parse."""
    try:
        parsed = plyara.Plyara().parse_string(text)
    except Exception:  # the last guard: material from the wild never raises here
        return ()
    lines = text.split("\n")
    rules: list[Rule] = []
    for entry in parsed:
        first, last = int(entry["start_line"]) - 1, int(entry["stop_line"]) - 1
        alone = (
            0 <= first <= last < len(lines)
            and bool(_RULE_START.match(lines[first]))
            and lines[last].rstrip().endswith("}")
            and lines[last].count("}") == 1
        )
        rules.append(
            Rule(
                first,
                last,
                str(entry["rule_name"]),
                tuple(entry.get("scopes", ())),
                tuple(entry.get("tags", ())),
                _meta(entry.get("metadata")),
                _strings(entry.get("strings")),
                _condition(entry.get("raw_condition")),
                alone,
            )
        )
    for k in range(len(rules) - 1):
        if rules[k + 1].first <= rules[k].last:
            rules[k] = replace(rules[k], alone=False)
            rules[k + 1] = replace(rules[k + 1], alone=False)
    return tuple(rules)


def is_yara(text: str) -> bool:
    """Whether `text` holds at least one YARA rule."""
    return bool(parse(text))


def _value(value: MetaValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return f'"{value}"'


def _string(entry: String) -> str:
    name, kind, value, modifiers = entry
    body = f'"{value}"' if kind == "text" else value
    return " ".join([f"{name} = {body}", *modifiers])


def render(rule: Rule) -> str:
    """The rule in forewarn's layout; the condition exactly as written."""
    head = " ".join([*rule.scopes, "rule", rule.name])
    if rule.tags:
        head += " : " + " ".join(rule.tags)
    out = [head, "{"]
    if rule.meta:
        out += ["    meta:", *(f"        {k} = {_value(v)}" for k, v in rule.meta)]
    if rule.strings:
        out += ["    strings:", *(f"        {_string(s)}" for s in rule.strings)]
    out += ["    condition:", f"        {rule.condition}", "}"]
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class Plan:
    """The choice points of one original rule, in bit order."""

    rule: Rule
    """The original rule."""
    name_slots: int
    """Wording choices in the rule name."""
    description_slots: int
    """Wording choices in the `description` meta value."""
    meta: tuple[tuple[str, str, int], ...]
    """Order bits of meta entries (`pivot_pairs` over `meta_item`)."""
    strings: tuple[tuple[str, str, int], ...]
    """Order bits of string definitions (`pivot_pairs` over `string_item`)."""
    count: int = field(init=False)
    """Bits of the rule."""

    def __post_init__(self) -> None:
        total = self.name_slots + self.description_slots + len(self.meta) + len(self.strings)
        object.__setattr__(self, "count", total)


@lru_cache(maxsize=64)
def plan(original: str) -> tuple[Plan, ...]:
    """The rules of `original` that carry bits: alone on their lines, keyed uniquely."""
    rules = parse(original)
    keys = [r.key for r in rules]
    names = [r.name for r in rules]
    plans = []
    for rule in rules:
        if not rule.alone or keys.count(rule.key) != 1:
            continue
        name_slots = len(wording.slots(rule.name)) if names.count(rule.name) == 1 else 0
        description = rule.description
        found = Plan(
            rule,
            name_slots,
            len(wording.slots(description)) if description is not None else 0,
            tuple(pivot_pairs([meta_item(m) for m in rule.meta])),
            tuple(pivot_pairs([string_item(s) for s in rule.strings])),
        )
        if found.count:
            plans.append(found)
    return tuple(plans)


def _ordered(items: list[str], pairs: Sequence[tuple[str, str, int]], bits: list[int]) -> list[int]:
    """Indices of `items` in the order that shows `bits`."""
    if not pairs:
        return list(range(len(items)))
    chosen = {other: bit for (_, other, _), bit in zip(pairs, bits, strict=True)}
    return [items.index(item) for item in arrange(items, chosen)]


def marked(found: Plan, bits: Sequence[int]) -> Rule:
    """The original rule of `found` with its choice points set to `bits`."""
    rule = found.rule
    take = iter(bits)
    name_bits = [next(take) for _ in range(found.name_slots)]
    description_bits = [next(take) for _ in range(found.description_slots)]
    meta_bits = [next(take) for _ in found.meta]
    string_bits = [next(take) for _ in found.strings]
    name = wording.render(rule.name, name_bits) if found.name_slots else rule.name
    meta = list(rule.meta)
    if found.description_slots:
        meta = [
            (k, wording.render(str(v), description_bits) if k == "description" else v)
            for k, v in meta
        ]
    order = _ordered([meta_item(m) for m in rule.meta], found.meta, meta_bits)
    strings = _ordered([string_item(s) for s in rule.strings], found.strings, string_bits)
    return replace(
        rule,
        name=name,
        meta=tuple(meta[k] for k in order),
        strings=tuple(rule.strings[k] for k in strings),
    )


def read(found: Plan, suspect: Rule) -> list[int | None]:
    """The bits `suspect` (the same rule in some copy) shows at `found`'s choice points."""
    rule = found.rule
    bits: list[int | None] = []
    if found.name_slots:
        bits += wording.read(rule.name, suspect.name)
    if found.description_slots:
        original, seen = rule.description, suspect.description
        if original is not None and seen is not None:
            bits += wording.read(original, seen)
        else:
            bits += [None] * found.description_slots
    bits += read_order([meta_item(m) for m in suspect.meta], found.meta)
    bits += read_order([string_item(s) for s in suspect.strings], found.strings)
    return bits


def embed(original: str, bits: Sequence[int]) -> str:
    """`original` with every planned rule rewritten to show its share of `bits`."""
    lines = original.split("\n")
    at = 0
    rewritten: list[tuple[Rule, str]] = []
    for found in plan(original):
        chunk = list(bits[at : at + found.count])
        at += found.count
        rewritten.append((found.rule, render(marked(found, chunk))))
    for rule, text in reversed(rewritten):
        lines[rule.first : rule.last + 1] = text.split("\n")
    return "\n".join(lines)


def extract(original: str, suspect: str) -> list[int | None]:
    """Per choice point of `original`, the bit `suspect` shows (`None` where not found)."""
    table: dict[object, list[Rule]] = {}
    for rule in parse(suspect):
        table.setdefault(rule.key, []).append(rule)
    bits: list[int | None] = []
    for found in plan(original):
        matches = table.get(found.rule.key, [])
        bits += read(found, matches[0]) if len(matches) == 1 else [None] * found.count
    return bits


def plant(content: str, reference: str) -> tuple[str, bool]:
    """`content` with `tracking_id = "REFERENCE"` added to the meta of every rule that has its
    lines to itself."""
    rules = [r for r in parse(content) if r.alone]
    if not rules:
        return content, False
    lines = content.split("\n")
    for rule in reversed(rules):
        planted = replace(rule, meta=(*rule.meta, (CANARY_KEY, reference)))
        lines[rule.first : rule.last + 1] = render(planted).split("\n")
    return "\n".join(lines), True


__all__ = [
    "CANARY_KEY",
    "Plan",
    "Rule",
    "embed",
    "extract",
    "is_yara",
    "meta_item",
    "parse",
    "plan",
    "plant",
    "render",
    "string_item",
]
