"""Release policy: who learns what, and when.

Tiers give each partner a lead time before the planned patch and the artifact kinds it may
receive (MAPP's shape: everyone 24 h before, a vetted subset days before; Exchange 2021's notice
went 14 days before). Rules from the program file's `program.rules` narrow that down:

```yaml
rules:
  - name: no-poc-outside-allies     # shown in every reason the rule causes
    countries: [XA, XB]             # matches partners in these countries (ISO 3166-1 alpha-2)
    withhold: [poc]                 # artifact kinds they do not receive
  - name: recent-trouble
    suspended_within: 3y            # matches partners suspended in the 3 years before the wave
    delay: 12h                      # their notice comes this much later (h, d or y)
  - {name: embargo-country, countries: [XC], exclude: true}
  - {name: nda-lapse, nda_lapses: true, exclude: true}   # NDA expires before the patch date
```

A rule matches when every condition it names holds (`countries`, `tiers`, `suspended_within`,
`nda_lapses`);
it needs one condition and one effect (`withhold`, `delay`, `exclude`). Suspended and removed
partners get nothing; a partner without a valid age key is left out with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pyrage

from forewarn.domain import Artifact, ArtifactKind, Case, Partner, PartnerStatus, Release, Tier
from forewarn.domain.releases import Exclusion, Wave
from forewarn.domain.validation import parse_duration
from forewarn.errors import ReleaseError, ValidationError

_RULE_KEYS = frozenset(
    {"name", "countries", "tiers", "suspended_within", "nda_lapses", "withhold", "delay", "exclude"}
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One policy rule: conditions on a partner and what happens when all of them hold."""

    name: str
    """Name shown in reasons; defaults to `rule N`."""
    countries: frozenset[str] = frozenset()
    """Matches partners in these countries (empty: any country)."""
    tiers: frozenset[str] = frozenset()
    """Matches partners of these tiers (empty: any tier)."""
    suspended_within: timedelta | None = None
    """Matches partners suspended at some point in this span before the wave time."""
    nda_lapses: bool = False
    """Matches partners whose NDA expires before the case's planned patch date."""
    withhold: frozenset[ArtifactKind] = frozenset()
    """Artifact kinds the matched partners do not receive."""
    delay: timedelta = timedelta(0)
    """How much later the matched partners are notified."""
    exclude: bool = False
    """Whether matched partners receive nothing."""

    def matches(self, partner: Partner, at: datetime, end: datetime | None = None) -> bool:
        """Whether every condition of the rule holds for `partner` at wave time `at`, for a
        case whose embargo ends at `end`."""
        if self.nda_lapses and not (
            end is not None and partner.nda_expires is not None and partner.nda_expires < end.date()
        ):
            return False
        if self.countries and partner.country not in self.countries:
            return False
        if self.tiers and partner.tier not in self.tiers:
            return False
        if self.suspended_within is not None:
            since = at - self.suspended_within
            if not any(
                c.status is PartnerStatus.SUSPENDED and since <= c.at <= at for c in partner.history
            ):
                return False
        return True


def _strings(raw: object, what: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ValidationError(f"{what} must be a list of strings")
    return list(raw)


def _strict_bool(value: object, rule: str, key: str = "exclude") -> bool:
    """`true` or `false` only: YAML's `"no"` is a string, and `bool("no")` would exclude."""
    if not isinstance(value, bool):
        raise ValidationError(
            f"policy rule {rule!r}: {key} must be true or false, not {value!r}",
            hint=f"write {key}: true (unquoted)",
        )
    return value


def parse_rules(raw: Sequence[Mapping[str, Any]]) -> tuple[Rule, ...]:
    """Rules from the program file's `program.rules`, checked; a bad rule is a `ValidationError`."""
    rules: list[Rule] = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping):
            raise ValidationError(f"policy rule {number} is not a mapping")
        name = str(entry.get("name") or f"rule {number}")
        unknown = set(entry) - _RULE_KEYS
        if unknown:
            raise ValidationError(f"policy rule {name!r}: unknown keys {sorted(unknown)}")
        try:
            kinds = frozenset(
                ArtifactKind(k) for k in _strings(entry.get("withhold", []), "withhold")
            )
        except ValueError as exc:
            raise ValidationError(f"policy rule {name!r}: {exc}") from exc
        within = entry.get("suspended_within")
        rule = Rule(
            name=name,
            countries=frozenset(
                c.upper() for c in _strings(entry.get("countries", []), "countries")
            ),
            tiers=frozenset(_strings(entry.get("tiers", []), "tiers")),
            suspended_within=None if within is None else parse_duration(within),
            withhold=kinds,
            delay=parse_duration(entry["delay"]) if "delay" in entry else timedelta(0),
            exclude=_strict_bool(entry.get("exclude", False), name),
            nda_lapses=_strict_bool(entry.get("nda_lapses", False), name, "nda_lapses"),
        )
        if not (
            rule.countries or rule.tiers or rule.suspended_within is not None or rule.nda_lapses
        ):
            raise ValidationError(f"policy rule {name!r} names no condition")
        if not (rule.withhold or rule.delay or rule.exclude):
            raise ValidationError(f"policy rule {name!r} has no effect")
        rules.append(rule)
    return tuple(rules)


def embargo_end(case: Case) -> datetime:
    """When the material becomes public: the planned patch date, 00:00 UTC."""
    return datetime.combine(case.patch_planned, time(0), tzinfo=UTC)


def key_problem(partner: Partner) -> str | None:
    """Why nothing can be encrypted to `partner`, or `None` when its age key is valid."""
    if not partner.age_recipient:
        return "no age recipient key"
    try:
        pyrage.x25519.Recipient.from_str(partner.age_recipient)
    except pyrage.RecipientError:
        return "age recipient key is not valid"
    return None


def _status_problem(partner: Partner) -> str | None:
    if partner.status is PartnerStatus.ACTIVE:
        return None
    last = partner.history[-1] if partner.history else None
    if last is None or last.status is not partner.status:
        return f"{partner.status.value}"
    return f"{partner.status.value} since {last.at:%Y-%m-%d}: {last.reason}"


def plan_waves(
    case: Case,
    tiers: Iterable[Tier],
    partners: Iterable[Partner],
    artifacts: Iterable[Artifact],
    rules: Sequence[Rule],
    *,
    released: Iterable[Release] = (),
) -> list[Wave]:
    """Every wave of `case`, earliest first, explaining each exclusion and adjustment.

    Partners in `released` were given the case already; they stay at the time and with the
    artifacts they received, whatever the policy says now (history is not rewritten).
    """
    by_tier = {t.name: t for t in tiers}
    by_name = {a.name: a for a in artifacts}
    end = embargo_end(case)
    given = {r.partner: r for r in released}
    waves: dict[tuple[str, datetime], _WaveDraft] = {}

    def draft(tier: Tier, at: datetime) -> _WaveDraft:
        return waves.setdefault((tier.name, at), _WaveDraft())

    for partner in sorted(partners, key=lambda p: p.name):
        tier = by_tier.get(partner.tier)
        if tier is None:
            raise ReleaseError(f"partner {partner.name!r} is in unknown tier {partner.tier!r}")
        base_at = end - tier.lead_time
        release = given.get(partner.name)
        if release is not None:
            # what the rules did to this delivery stays explained after it went out
            names = tuple(a.name for a in release.artifacts)
            given_draft = draft(tier, release.available_at)
            given_draft.take(partner.name, names)
            matching = [r for r in rules if r.matches(partner, release.available_at, end)]
            for note in _notes(matching):
                given_draft.adjust(partner.name, note)
            continue
        base = draft(tier, base_at)
        problem = _status_problem(partner) or key_problem(partner)
        if problem is not None:
            base.leave_out(partner.name, problem)
            continue
        matched = [r for r in rules if r.matches(partner, base_at, end)]
        if excluding := [r.name for r in matched if r.exclude]:
            base.leave_out(partner.name, f"excluded by {', '.join(excluding)}")
            continue
        withheld = {k: r.name for r in matched for k in r.withhold}
        names = tuple(
            a.name
            for a in sorted(by_name.values(), key=lambda a: a.name)
            if a.kind in tier.artifact_kinds
            and a.kind not in withheld
            and _rank(by_tier, a.min_tier) <= tier.rank
        )
        notes = _notes(matched)
        at = base_at + sum((r.delay for r in matched), timedelta(0))
        if at >= end:
            base.leave_out(partner.name, "delay leaves no lead time before the embargo ends")
            continue
        if not names:
            base.leave_out(partner.name, "policy leaves no artifact for this partner")
            continue
        target = draft(tier, at)
        target.take(partner.name, names)
        for note in notes:
            target.adjust(partner.name, note)

    _fold_orphans(waves)
    result = [
        Wave(
            case_id=case.id,
            tier=tier_name,
            at=at,
            partners=tuple(d.partners),
            artifacts=dict(d.artifacts),
            excluded=tuple(d.excluded),
            adjusted=tuple(d.adjusted),
        )
        for (tier_name, at), d in waves.items()
        if d.partners or d.excluded
    ]
    return sorted(result, key=lambda w: (w.at, -by_tier[w.tier].rank, w.tier))


def _notes(matched: Sequence[Rule]) -> list[str]:
    """What the matching rules do to a partner's notice, in words."""
    withheld = {k: r.name for r in matched for k in r.withhold}
    notes = [f"{k.value} withheld by {n}" for k, n in sorted(withheld.items())]
    delay = sum((r.delay for r in matched), timedelta(0))
    if delay:
        notes.append(
            f"notice delayed {_span(delay)} by {', '.join(r.name for r in matched if r.delay)}"
        )
    return notes


def _fold_orphans(waves: dict[tuple[str, datetime], _WaveDraft]) -> None:
    """Move a tier's left-out partners into its real wave when their own slot has nobody.

    After a reschedule the tier's policy time moves while its delivered wave stays put; partners
    left out (suspended, no key) would otherwise show as a phantom wave of nobody.
    """
    for (tier, at), orphan in list(waves.items()):
        if orphan.partners or not orphan.excluded:
            continue
        homes = [when for (name, when), d in waves.items() if name == tier and d.partners]
        if homes:
            home = waves[(tier, min(homes, key=lambda when: abs(when - at)))]
            home.excluded.extend(orphan.excluded)
            del waves[(tier, at)]


def due_waves(waves: Iterable[Wave], now: datetime) -> list[Wave]:
    """The waves whose time has come at `now`."""
    return [w for w in waves if w.at <= now]


def _rank(by_tier: Mapping[str, Tier], name: str) -> int:
    tier = by_tier.get(name)
    if tier is None:
        raise ReleaseError(f"an artifact needs unknown tier {name!r}")
    return tier.rank


def _span(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24}d" if hours % 24 == 0 else f"{hours}h"


class _WaveDraft:
    """A wave being collected."""

    __slots__ = ("adjusted", "artifacts", "excluded", "partners")

    def __init__(self) -> None:
        self.partners: list[str] = []
        self.artifacts: dict[str, tuple[str, ...]] = {}
        self.excluded: list[Exclusion] = []
        self.adjusted: list[Exclusion] = []

    def take(self, partner: str, artifacts: tuple[str, ...]) -> None:
        self.partners.append(partner)
        self.artifacts[partner] = artifacts

    def leave_out(self, partner: str, reason: str) -> None:
        self.excluded.append(Exclusion(partner, reason))

    def adjust(self, partner: str, reason: str) -> None:
        self.adjusted.append(Exclusion(partner, reason))
