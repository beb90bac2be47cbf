"""Weigh every explanation of one activity against the evidence, and give each a verdict.

Each fact is a piece of `Evidence` worth some bans (decimal log-odds) for or against a hypothesis;
a hypothesis's score is the sum. A partner is named only when a fingerprint accusation or a canary
token names it (`attribution`); timing and exposure alone speak of "some exposed partner". Verdicts
follow one documented rule (`verdicts`), so the same evidence always gives the same conclusion.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from forewarn.domain.cases import Case
from forewarn.domain.investigation import (
    Activity,
    Evidence,
    EvidenceKind,
    ExposureEntry,
    Hypothesis,
    HypothesisKind,
    PartyRole,
    Verdict,
)
from forewarn.hunt.similarity import DEFAULT_MIN_SCORE, MATCH_THRESHOLD
from forewarn.investigate.attribution import (
    FINGERPRINT_CAP,
    TOKEN_WEIGHT,
    MarkHint,
    NamedPartner,
    mark_hints,
    named_partners,
)
from forewarn.investigate.exposure import exposed_before, finder_name, parties
from forewarn.investigate.timing import describe, timing_weight

DERIVED_SIMILARITY = MATCH_THRESHOLD
"""Similarity at or above which material is taken to derive from a shared artifact (the hunt's)."""
WEAK_SIMILARITY = DEFAULT_MIN_SCORE
"""Best similarity below which material is taken not to derive from anything shared: the hunt's
reporting floor, above every unrelated pair measured (bench/RESULTS.md). It sits below
`DERIVED_SIMILARITY`, so no similarity counts both ways; between the two it is inconclusive."""
RULED_OUT_SCORE = -3.0
"""At or below this score (a thousand to one against) a hypothesis is ruled out."""
UNLIKELY_SCORE = -1.0
"""At or below this score a hypothesis is unlikely."""
LEADING_MIN = 1.0
"""A leading hypothesis scores at least this much…"""
LEADING_MARGIN = 1.0
"""…and at least this much more than the runner-up."""
HINT_WEIGHT = 0.5
"""Bans for marks read from material that point to partners without reaching accusation.

Weak on purpose: below the threshold the false-accusation bound does not hold, so such marks
support a hypothesis already named by stronger evidence, and never name a partner themselves.
"""


def _best_match(activity: Activity) -> tuple[str, str, float] | None:
    """(finding, artifact, similarity) of the closest resemblance to anything shared."""
    pairs = [(f.label, m.artifact, m.similarity) for f in activity.findings for m in f.matches]
    return max(pairs, key=lambda p: p[2]) if pairs else None


@dataclass(frozen=True, slots=True)
class _Context:
    """What every hypothesis of one activity is weighed against."""

    activity: Activity
    case: Case
    partners: tuple[str, ...]
    finder_held: tuple[ExposureEntry, ...]
    vendor_held: tuple[ExposureEntry, ...]
    named: tuple[NamedPartner, ...]
    match: tuple[str, str, float] | None
    hints: tuple[MarkHint, ...]

    @property
    def onset(self) -> str:
        return str(self.activity.start)

    @property
    def derived(self) -> bool:
        return self.match is not None and self.match[2] >= DERIVED_SIMILARITY

    @property
    def weak(self) -> bool:
        found = bool(self.activity.findings) and not self.hints
        return found and (self.match is None or self.match[2] < WEAK_SIMILARITY)

    def hinted(self, partner: str | None, *, supports: bool) -> list[Evidence]:
        """Marks below the threshold: for `partner` when it leads them, else unnamed."""
        return [
            Evidence(
                EvidenceKind.FINGERPRINT,
                h.statement(named=partner is not None),
                supports,
                HINT_WEIGHT / len(h.leaders),
            )
            for h in self.hints
            if partner is None or partner in h.leaders
        ]

    def timing(self, *, supports: bool) -> list[Evidence]:
        timing = self.activity.timing
        if timing is None:
            return []
        prefix = "" if supports else "timing points to the notice: "
        return [
            Evidence(
                EvidenceKind.TIMING, prefix + describe(timing), supports, timing_weight(timing)
            )
        ]

    def resemblance(self, *, supports: bool, weight: float) -> list[Evidence]:
        if not self.derived or self.match is None:
            return []
        label, artifact, similarity = self.match
        statement = f"{label} resembles the shared {artifact} (similarity {similarity:.2f})"
        return [Evidence(EvidenceKind.SIMILARITY, statement, supports, weight)]

    def weakness(self, *, supports: bool, weight: float) -> list[Evidence]:
        if not self.weak:
            return []
        if self.match is None:
            statement = "the material found resembles nothing the program shared"
        else:
            statement = (
                f"the closest shared artifact, {self.match[1]}, is only {self.match[2]:.2f} "
                f"similar (below {WEAK_SIMILARITY:.2f})"
            )
        return [Evidence(EvidenceKind.SIMILARITY, statement, supports, weight)]

    def marks_against(self, who: str) -> list[Evidence]:
        return [
            Evidence(
                EvidenceKind.FINGERPRINT,
                f"the material carries partner {n.partner}'s marks, which {who} never received",
                False,
                n.weight,
            )
            for n in self.named
        ]


def weigh(activity: Activity, exposure: Sequence[ExposureEntry], case: Case) -> Activity:
    """The activity with its hypotheses weighed, best first."""
    before = exposed_before(exposure, activity.start)
    ctx = _Context(
        activity=activity,
        case=case,
        partners=parties(e for e in before if e.role is PartyRole.PARTNER),
        finder_held=tuple(e for e in before if e.role is PartyRole.FINDER),
        vendor_held=tuple(e for e in before if e.role is PartyRole.VENDOR),
        named=tuple(named_partners(activity)),
        match=_best_match(activity),
        hints=tuple(mark_hints(activity)),
    )
    hypotheses = [_named_leak(ctx, item, before) for item in ctx.named]
    hypotheses += [_other_partners(ctx), _finder(ctx), _independent(ctx), _insider(ctx)]
    if activity.findings:
        hypotheses.append(_not_derived(ctx))
    return replace(activity, exposed_partners=ctx.partners, hypotheses=verdicts(hypotheses))


def _named_leak(ctx: _Context, item: NamedPartner, before: Sequence[ExposureEntry]) -> Hypothesis:
    evidence = [Evidence(EvidenceKind.FINGERPRINT, item.statement(), True, item.weight)]
    held = [e for e in before if e.party == item.partner and e.role is PartyRole.PARTNER]
    if held:
        matched = [e for e in held if ctx.match is not None and e.artifact == ctx.match[1]]
        first = min(matched or held, key=lambda e: e.since)
        statement = (
            f"{item.partner} held {first.artifact} from {first.since:%Y-%m-%d %H:%M} UTC "
            f"({first.basis}), before the onset"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True))
    else:
        statement = f"{item.partner} held nothing of this case before the onset ({ctx.onset})"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, False, decisive=True))
    evidence += ctx.hinted(item.partner, supports=True)
    evidence += ctx.timing(supports=True)
    title = f"Leak by partner {item.partner}"
    if item.lead:
        title += " (a lead: only its canary tokens were found)"
    return Hypothesis(
        HypothesisKind.PARTNER_LEAK,
        title,
        subject=item.partner,
        evidence=tuple(evidence),
    )


def _other_partners(ctx: _Context) -> Hypothesis:
    named = {n.partner for n in ctx.named}
    others = [p for p in ctx.partners if p not in named]
    evidence: list[Evidence] = []
    if not others:
        reason = (
            f"no partner held any artifact before the onset ({ctx.onset})"
            if not ctx.partners
            else "every partner exposed before the onset is already weighed by name"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, reason, False, decisive=True))
    else:
        statement = f"{len(others)} partner(s) held material before the onset"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True))
        evidence += ctx.timing(supports=True)
        evidence += ctx.resemblance(supports=True, weight=1.0)
        named = {n.partner for n in ctx.named}
        if not any(named & set(h.leaders) for h in ctx.hints):
            evidence += ctx.hinted(None, supports=True)
        if ctx.named:
            statement = (
                f"the marks name {', '.join(n.partner for n in ctx.named)}; "
                "no other partner passes the accusation threshold"
            )
            evidence.append(Evidence(EvidenceKind.FINGERPRINT, statement, False, 1.0))
        evidence += ctx.weakness(supports=False, weight=1.0)
    if ctx.named:
        title = "Leak by another exposed partner"
    elif others:
        title = f"Leak by one of {len(others)} exposed partners (not identified)"
    else:
        title = "Leak by a partner"
    return Hypothesis(HypothesisKind.PARTNER_LEAK, title, evidence=tuple(evidence))


def _finder(ctx: _Context) -> Hypothesis:
    finder = finder_name(ctx.case)
    evidence: list[Evidence] = []
    if ctx.finder_held:
        held = ctx.finder_held[0]
        statement = f"{finder} held the flaw from {held.since:%Y-%m-%d} ({held.basis})"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True))
        if not ctx.partners and not ctx.vendor_held:
            statement = f"{finder} is the only known holder of the flaw before the onset"
            evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True, 1.0))
    else:
        statement = f"{finder} did not yet hold the flaw at the onset ({ctx.onset})"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, False, decisive=True))
    evidence += ctx.marks_against("the finder")
    evidence += ctx.timing(supports=False)
    return Hypothesis(
        HypothesisKind.FINDER_COMPROMISE,
        f"Compromise of the finder ({finder})",
        evidence=tuple(evidence),
    )


def _independent(ctx: _Context) -> Hypothesis:
    evidence: list[Evidence] = []
    if ctx.activity.timing is None:
        statement = f"the onset ({ctx.onset}) precedes every partner notice"
        evidence.append(Evidence(EvidenceKind.TIMING, statement, True, 1.0))
    evidence += ctx.timing(supports=False)
    evidence += ctx.resemblance(supports=False, weight=2.0)
    evidence += ctx.weakness(supports=True, weight=0.5)
    evidence += ctx.hinted(None, supports=False)
    evidence += ctx.marks_against("an independent discoverer")
    return Hypothesis(
        HypothesisKind.INDEPENDENT_DISCOVERY,
        "Independent discovery by the attacker",
        evidence=tuple(evidence),
    )


def _insider(ctx: _Context) -> Hypothesis:
    evidence: list[Evidence] = []
    if not ctx.vendor_held:
        statement = (
            f"the vendor learned of the flaw at the report ({ctx.case.reported}), after the onset"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, False, decisive=True))
    else:
        statement = f"the vendor held the flaw from {ctx.vendor_held[0].since:%Y-%m-%d} (report)"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True))
        if ctx.derived and not ctx.named:
            statement = (
                "the material derives from a shared artifact yet names no partner: "
                "an unmarked copy, or its marks were destroyed"
            )
            evidence.append(Evidence(EvidenceKind.FINGERPRINT, statement, True, 0.5))
        if ctx.named:
            statement = (
                "the material carries a partner's marks; an insider would more likely leak the "
                "unmarked original (the program key could mint any copy, so this is not decisive)"
            )
            evidence.append(Evidence(EvidenceKind.FINGERPRINT, statement, False, 1.0))
    return Hypothesis(HypothesisKind.VENDOR_INSIDER, "Vendor insider", evidence=tuple(evidence))


def _not_derived(ctx: _Context) -> Hypothesis:
    evidence = ctx.weakness(supports=True, weight=1.5)
    evidence += ctx.resemblance(supports=False, weight=3.0)
    evidence += ctx.hinted(None, supports=False)
    for item in ctx.named:
        kind = EvidenceKind.FINGERPRINT if item.best is not None else EvidenceKind.TOKEN
        evidence.append(
            Evidence(
                kind,
                item.statement(),
                False,
                item.weight,
                decisive=bool(item.token_findings),
            )
        )
    return Hypothesis(
        HypothesisKind.NOT_DERIVED,
        "Not derived from anything the program shared",
        evidence=tuple(evidence),
    )


def verdicts(hypotheses: Sequence[Hypothesis]) -> tuple[Hypothesis, ...]:
    """Score each hypothesis and give verdicts; best first.

    Ruled out: any decisive fact against it, or a score at or below `RULED_OUT_SCORE`. Leading:
    the best of the rest when it scores at least `LEADING_MIN` and beats the runner-up by
    `LEADING_MARGIN`. Unlikely: at or below `UNLIKELY_SCORE`. Plausible: anything else.
    """
    scored = []
    for hypothesis in hypotheses:
        score = sum(e.weight if e.supports else -e.weight for e in hypothesis.evidence)
        out = score <= RULED_OUT_SCORE or any(
            e.decisive and not e.supports for e in hypothesis.evidence
        )
        verdict = (
            Verdict.RULED_OUT
            if out
            else (Verdict.UNLIKELY if score <= UNLIKELY_SCORE else Verdict.PLAUSIBLE)
        )
        scored.append(replace(hypothesis, score=round(score, 3), verdict=verdict))
    alive = sorted(
        (h for h in scored if h.verdict is not Verdict.RULED_OUT), key=lambda h: -h.score
    )
    if alive and alive[0].score >= LEADING_MIN:
        runner_up = alive[1].score if len(alive) > 1 else -math.inf
        if alive[0].score - runner_up >= LEADING_MARGIN:
            scored[scored.index(alive[0])] = replace(alive[0], verdict=Verdict.LEADING)
    order = {Verdict.LEADING: 0, Verdict.PLAUSIBLE: 1, Verdict.UNLIKELY: 2, Verdict.RULED_OUT: 3}
    return tuple(sorted(scored, key=lambda h: (order[h.verdict], -h.score, h.title)))


__all__ = [
    "DERIVED_SIMILARITY",
    "FINGERPRINT_CAP",
    "HINT_WEIGHT",
    "LEADING_MARGIN",
    "LEADING_MIN",
    "RULED_OUT_SCORE",
    "TOKEN_WEIGHT",
    "UNLIKELY_SCORE",
    "WEAK_SIMILARITY",
    "verdicts",
    "weigh",
]
