"""Suricata rule files: their free choices, read and written rule by rule with `suricataparser`.

What Suricata matches on is the header and the detection options, in order (`content`, sticky
buffers such as `http.uri`, modifiers): never touched. Free for the engine, and so carrying bits:
the `msg` wording (`wording`), the order of `metadata` entries and of `reference` options, and
the positions of `classtype` (before or after the references) and `rev` (before or after
`sid`). A marked rule is written as `msg`, the detection options as they were, then the free
options in the chosen order. A suspect rule is matched to an original one by its header and
detection options, so a renumbered, reformatted or reordered copy is still found.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from suricataparser import parse_rule

from forewarn.marks.channels._python.order import arrange, pivot_pairs, read_order
from forewarn.marks.channels.rules import wording

logger = logging.getLogger(__name__)

FREE = frozenset({"msg", "reference", "classtype", "sid", "rev", "metadata", "priority", "gid"})
"""Options no match depends on: everything else is detection and keeps its order."""

CANARY_KEY = "tracking_id"
"""`metadata` key under which a partner's canary reference is planted."""

Option = tuple[str, str | None]


def _norm(value: str) -> str:
    return " ".join(value.split())


@dataclass(frozen=True, slots=True)
class Rule:
    """One enabled rule of a file and the physical lines it spans."""

    first: int
    """First line (0-based)."""
    last: int
    """Last line, inclusive (continuation lines end in `\\`)."""
    action: str
    """`alert`, `drop`, …"""
    header: str
    """Protocol, addresses, ports and direction, as written."""
    options: tuple[Option, ...]
    """`(name, value)` in order; `metadata` values as their entries joined by `, `."""

    @property
    def detection(self) -> tuple[Option, ...]:
        """The options matching depends on, in order."""
        return tuple((n, v) for n, v in self.options if n not in FREE)

    @property
    def key(self) -> tuple[object, ...]:
        """What identifies the rule in any copy: header and detection options."""
        return (self.action, _norm(self.header), self.detection)

    def values(self, name: str) -> list[str]:
        """Normalised values of every option called `name`, in order."""
        return [_norm(v) for n, v in self.options if n == name and v is not None]

    def position(self, name: str, value: str | None = None) -> int | None:
        """Index of the one option `name` (with `value`), or `None` unless exactly one."""
        found = [
            k
            for k, (n, v) in enumerate(self.options)
            if n == name and (value is None or (v is not None and _norm(v) == value))
        ]
        return found[0] if len(found) == 1 else None

    @property
    def metadata(self) -> list[str]:
        """Every `metadata` entry, in order."""
        return [e for v in self.values("metadata") for e in (_norm(x) for x in v.split(",")) if e]

    @property
    def msg(self) -> str | None:
        """The message without its quotes."""
        found = self.values("msg")
        return found[0].strip('"') if len(found) == 1 else None


def _logical_lines(text: str) -> list[tuple[int, int, str]]:
    """`(first, last, joined)` per rule line, continuation lines joined as Suricata does."""
    out: list[tuple[int, int, str]] = []
    buffer, start = "", 0
    for index, line in enumerate(text.split("\n")):
        if not buffer:
            start = index
        if line.rstrip().endswith("\\"):
            buffer += line.strip()[:-1]
            continue
        out.append((start, index, buffer + line))
        buffer = ""
    return out


def _parse_line(first: int, last: int, line: str) -> Rule | None:
    try:
        parsed = parse_rule(line)
    except Exception:  # the last guard: material from the wild never raises here
        return None
    if parsed is None or not parsed.enabled:
        return None
    options: list[Option] = []
    for option in parsed.options:
        value = option.value
        options.append((option.name, None if value is None else str(value)))
    return Rule(first, last, parsed.action, parsed.header, tuple(options))


def parse(text: str) -> tuple[Rule, ...]:
    """Every enabled rule of `text` that Suricata's syntax reads, in order."""
    found = []
    for first, last, line in _logical_lines(text):
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        rule = _parse_line(first, last, line)
        if rule is not None:
            found.append(rule)
    return tuple(found)


def is_suricata(text: str) -> bool:
    """Whether `text` holds at least one Suricata rule with a `sid`."""
    return any(rule.position("sid") is not None for rule in parse(text))


def _split_unique(items: list[str]) -> tuple[list[str], list[str]]:
    """Items that occur once (they carry order bits), and the others in their order."""
    once = [i for i in items if items.count(i) == 1]
    return once, [i for i in items if items.count(i) != 1]


@dataclass(frozen=True, slots=True)
class Plan:
    """The choice points of one original rule, in bit order."""

    rule: Rule
    """The original rule."""
    msg_slots: int
    """Wording choices in `msg`."""
    metadata: tuple[tuple[str, str, int], ...]
    """Order bits of `metadata` entries (`pivot_pairs`)."""
    references: tuple[tuple[str, str, int], ...]
    """Order bits of `reference` options."""
    classtype: bool
    """Whether `classtype`'s position carries a bit."""
    rev: bool
    """Whether `rev`'s position carries a bit."""
    count: int = field(init=False)
    """Bits of the rule."""

    def __post_init__(self) -> None:
        total = self.msg_slots + len(self.metadata) + len(self.references)
        object.__setattr__(self, "count", total + self.classtype + self.rev)


def _plan_rule(rule: Rule) -> Plan:
    msg = rule.msg
    slots = len(wording.slots(msg)) if msg is not None else 0
    meta, _ = _split_unique(rule.metadata)
    refs, _ = _split_unique(rule.values("reference"))
    sid = rule.position("sid")
    classtype = rule.position("classtype") is not None and (bool(refs) or sid is not None)
    rev = rule.position("rev") is not None and sid is not None
    return Plan(rule, slots, tuple(pivot_pairs(meta)), tuple(pivot_pairs(refs)), classtype, rev)


@lru_cache(maxsize=64)
def plan(original: str) -> tuple[Plan, ...]:
    """The rules of `original` that carry bits: enabled, with detection options and a key no
    other rule of the file shares."""
    rules = parse(original)
    keys = [r.key for r in rules]
    plans = []
    for rule in rules:
        if not rule.detection or keys.count(rule.key) != 1:
            continue
        found = _plan_rule(rule)
        if found.count:
            plans.append(found)
    return tuple(plans)


def render(rule: Rule) -> str:
    """One rule on one line."""
    parts = [f"{n}:{v};" if v is not None else f"{n};" for n, v in rule.options]
    return f"{rule.action} {rule.header} ({' '.join(parts)})"


def _arranged(
    items: list[str], pairs: Sequence[tuple[str, str, int]], bits: list[int]
) -> list[str]:
    once, rest = _split_unique(items)
    if not pairs:
        return items
    chosen = {other: bit for (_, other, _), bit in zip(pairs, bits, strict=True)}
    return [*arrange(once, chosen), *rest]


def marked(found: Plan, bits: Sequence[int]) -> Rule:
    """The original rule of `found` with its choice points set to `bits`."""
    rule = found.rule
    take = iter(bits)
    msg_bits = [next(take) for _ in range(found.msg_slots)]
    meta_bits = [next(take) for _ in found.metadata]
    ref_bits = [next(take) for _ in found.references]
    class_bit = next(take) if found.classtype else 0
    rev_bit = next(take) if found.rev else 0
    msg = rule.msg
    options: list[Option] = [o for o in rule.options if o[0] == "msg"]
    if found.msg_slots and msg is not None:
        options = [("msg", f'"{wording.render(msg, msg_bits)}"')]
    options += [o for o in rule.options if o[0] not in FREE]
    classtype = [o for o in rule.options if o[0] == "classtype"]
    refs = _arranged(rule.values("reference"), found.references, ref_bits)
    ref_options: list[Option] = [("reference", r) for r in refs]
    before = classtype if class_bit else []
    after = [] if class_bit else classtype
    keep = ("msg", "reference", "classtype", "sid", "rev", "metadata")
    others = [o for o in rule.options if o[0] in FREE and o[0] not in keep]
    sid = [o for o in rule.options if o[0] == "sid"]
    rev = [o for o in rule.options if o[0] == "rev"]
    numbers = [*rev, *sid] if rev_bit else [*sid, *rev]
    if refs:
        options += [*before, *ref_options, *after, *others, *numbers]
    else:
        options += [*before, *others, *numbers, *after]
    entries = _arranged(rule.metadata, found.metadata, meta_bits)
    if entries:
        options.append(("metadata", ", ".join(entries)))
    return replace(rule, options=tuple(options))


def read(found: Plan, suspect: Rule) -> list[int | None]:
    """The bits `suspect` (the same rule in some copy) shows at `found`'s choice points."""
    rule = found.rule
    bits: list[int | None] = []
    msg, seen_msg = rule.msg, suspect.msg
    if found.msg_slots:
        if msg is not None and seen_msg is not None:
            bits += wording.read(msg, seen_msg)
        else:
            bits += [None] * found.msg_slots
    bits += read_order(suspect.metadata, found.metadata)
    bits += read_order(suspect.values("reference"), found.references)
    if found.classtype:
        bits.append(_classtype_bit(rule, suspect))
    if found.rev:
        rev, sid = suspect.position("rev"), suspect.position("sid")
        bits.append(None if rev is None or sid is None else int(rev < sid))
    return bits


def _classtype_bit(rule: Rule, suspect: Rule) -> int | None:
    """Whether `classtype` stands before the references (or, without any, before `sid`)."""
    values = rule.values("classtype")
    where = suspect.position("classtype", values[0]) if values else None
    if where is None:
        return None
    refs = rule.values("reference")
    if refs:
        spots = [suspect.position("reference", r) for r in refs]
        found = [s for s in spots if s is not None]
        anchor = min(found) if found else None
    else:
        anchor = suspect.position("sid")
    return None if anchor is None else int(where < anchor)


def _lookup(suspect: str) -> dict[object, Rule]:
    """Suspect rules by key, and by their detection options as a set (reordered copies)."""
    rules = parse(suspect)
    exact: dict[object, list[Rule]] = {}
    loose: dict[object, list[Rule]] = {}
    for rule in rules:
        exact.setdefault(rule.key, []).append(rule)
        loose.setdefault(_loose(rule), []).append(rule)
    table: dict[object, Rule] = {k: v[0] for k, v in loose.items() if len(v) == 1}
    table.update({k: v[0] for k, v in exact.items() if len(v) == 1})
    return table


def _loose(rule: Rule) -> object:
    return ("loose", rule.action, _norm(rule.header), tuple(sorted(rule.detection, key=str)))


def embed(original: str, bits: Sequence[int]) -> str:
    """`original` with every planned rule rewritten to show its share of `bits`."""
    plans = plan(original)
    lines = original.split("\n")
    at = 0
    rewritten: list[tuple[Rule, str]] = []
    for found in plans:
        chunk = list(bits[at : at + found.count])
        at += found.count
        rewritten.append((found.rule, render(marked(found, chunk))))
    for rule, line in reversed(rewritten):
        lines[rule.first : rule.last + 1] = [line]
    return "\n".join(lines)


def extract(original: str, suspect: str) -> list[int | None]:
    """Per choice point of `original`, the bit `suspect` shows (`None` where not found)."""
    table = _lookup(suspect)
    bits: list[int | None] = []
    for found in plan(original):
        match = table.get(found.rule.key) or table.get(_loose(found.rule))
        bits += read(found, match) if match is not None else [None] * found.count
    return bits


def plant(content: str, reference: str) -> tuple[str, bool]:
    """`content` with `tracking_id REFERENCE` added to every enabled rule's metadata."""
    rules = parse(content)
    if not rules:
        return content, False
    lines = content.split("\n")
    for rule in reversed(rules):
        options = list(rule.options)
        where = [k for k, (n, _) in enumerate(options) if n == "metadata"]
        entry = f"{CANARY_KEY} {reference}"
        if where:
            name, value = options[where[-1]]
            options[where[-1]] = (name, f"{value}, {entry}" if value else entry)
        else:
            options.append(("metadata", entry))
        lines[rule.first : rule.last + 1] = [render(replace(rule, options=tuple(options)))]
    return "\n".join(lines), True


__all__ = [
    "CANARY_KEY",
    "FREE",
    "Plan",
    "Rule",
    "embed",
    "extract",
    "is_suricata",
    "parse",
    "plan",
    "plant",
    "render",
]
