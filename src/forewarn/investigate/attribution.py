"""Whom the marks in an activity's findings point to: partners named, partners only hinted at.

A partner is *named* when a fingerprint accusation (whose false-accusation bound holds) or a
tracking token of its copy is found; its weight in bans follows from that evidence alone. A partner
named by tokens alone is a *lead* (`NamedPartner.lead`): tokens are plain strings anyone who saw
them can paste, so a lead is weighed and reported, but never accused, recorded as an accusation
or suspended on. Marks read below the accusation threshold are *hints*: they lean to some
partners without naming any. `hypotheses` weighs all three against everything else known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from forewarn.domain.evidence import LEAD_NOTE, Suspect, tie_statement, top_suspects
from forewarn.domain.investigation import Activity

FINGERPRINT_CAP = 9.0
"""Most bans one accusation contributes (`-log10` of its false-accusation bound, capped)."""
TOKEN_WEIGHT = 3.0
"""Bans for a partner's tracking token found verbatim in one finding."""


@dataclass(frozen=True, slots=True)
class NamedPartner:
    """A partner named by the material, with the strongest accusation and token findings."""

    partner: str
    """The partner's name."""
    best: Suspect | None
    """Its accusation with the smallest false-accusation bound; `None` when only tokens name it."""
    accusing: tuple[str, ...]
    """Labels of the findings whose fingerprint accuses it."""
    token_findings: tuple[str, ...]
    """Labels of the findings carrying one of its tracking tokens."""

    @property
    def lead(self) -> bool:
        """Only its tracking tokens name it: a lead to check, not proof."""
        return self.best is None

    @property
    def weight(self) -> float:
        """Bans for its leaking: the capped accusation plus `TOKEN_WEIGHT` per token finding."""
        fingerprint = 0.0
        if self.best is not None:
            bound = max(self.best.false_accusation_bound, 1e-300)
            fingerprint = min(FINGERPRINT_CAP, -math.log10(bound))
        return fingerprint + TOKEN_WEIGHT * len(self.token_findings)

    def statement(self) -> str:
        """What names it, in one sentence for the report."""
        parts = []
        if self.best is not None:
            channels = ", ".join(
                f"{c.channel} {c.symbols_matching}/{c.symbols_read}" for c in self.best.evidence
            )
            parts.append(
                f"the fingerprint in {', '.join(self.accusing)} accuses {self.partner} "
                f"(false-accusation bound {self.best.false_accusation_bound:.1e}"
                + (f"; symbols matching per channel: {channels}" if channels else "")
                + ")"
            )
        where = ", ".join(self.token_findings)
        if self.lead:
            parts.append(f"tracking token of {self.partner} found in {where}: {LEAD_NOTE}")
        elif self.token_findings:
            parts.append(f"tracking tokens of {self.partner}'s copy found in {where}")
        return "; ".join(parts)


def fingerprint_bound(activity: Activity, partner: str) -> float | None:
    """The smallest false-accusation bound of a fingerprint accusation of `partner`, if any.

    `None` means nothing accuses it: it may still be a lead, but is never suspended on.
    """
    bounds = [
        s.false_accusation_bound
        for f in activity.findings
        for s in f.suspects
        if s.partner == partner and s.accused
    ]
    return min(bounds) if bounds else None


def named_partners(activity: Activity) -> list[NamedPartner]:
    """Partners accused by a fingerprint or named by a tracking token, strongest first."""
    best: dict[str, Suspect] = {}
    accusing: dict[str, list[str]] = {}
    tokens: dict[str, list[str]] = {}
    for finding in activity.findings:
        for suspect in finding.suspects:
            if not suspect.accused:
                continue
            accusing.setdefault(suspect.partner, []).append(finding.label)
            held = best.get(suspect.partner)
            if held is None or suspect.false_accusation_bound < held.false_accusation_bound:
                best[suspect.partner] = suspect
        hits = {t.partner for t in finding.tokens}
        hits |= {t.partner for s in finding.suspects for t in s.tokens}
        for partner in hits:
            tokens.setdefault(partner, []).append(finding.label)
    names = sorted(set(accusing) | set(tokens))
    named = [
        NamedPartner(p, best.get(p), tuple(accusing.get(p, ())), tuple(tokens.get(p, ())))
        for p in names
    ]
    return sorted(named, key=lambda n: (-n.weight, n.partner))


@dataclass(frozen=True, slots=True)
class MarkHint:
    """Marks read from one finding that point to partners without accusing anyone."""

    finding: str
    """The finding's label."""
    leaders: tuple[str, ...]
    """The partners with the top score (several on a tie), sorted."""
    best: Suspect
    """One of the leaders, for its score and per-channel evidence."""

    def statement(self, *, named: bool) -> str:
        """The hint for the report: naming its one leader, or (`named=False`) only "a
        partner"; a tie names nobody."""
        channels = ", ".join(
            f"{c.channel} {c.symbols_matching}/{c.symbols_read}" for c in self.best.evidence
        )
        if len(self.leaders) > 1:
            tie = tie_statement(len(self.leaders), self.best.score)
            return f"marks in {self.finding} ({channels}): {tie}"
        if not named:
            return (
                f"marks of the shared PoC were read in {self.finding} ({channels}); they lean "
                "to an exposed partner but are not enough to accuse anyone"
            )
        return (
            f"marks in {self.finding} point to {self.leaders[0]} ({channels}, score "
            f"{self.best.score:.1f}), not enough to accuse by themselves"
        )


def mark_hints(activity: Activity) -> list[MarkHint]:
    """Findings whose marks were read but accuse nobody (a web log's few payload symbols)."""
    hints = []
    for finding in activity.findings:
        if any(s.accused for s in finding.suspects):
            continue
        top = top_suspects([s for s in finding.suspects if s.evidence])
        if top:
            hints.append(MarkHint(finding.label, tuple(s.partner for s in top), top[0]))
    return hints


__all__ = [
    "FINGERPRINT_CAP",
    "TOKEN_WEIGHT",
    "MarkHint",
    "NamedPartner",
    "fingerprint_bound",
    "mark_hints",
    "named_partners",
]
