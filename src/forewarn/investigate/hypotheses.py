"""Weigh every explanation of one activity against the evidence, and give each a verdict.

Each fact is a piece of `Evidence` worth some bans (decimal log-odds) for or against a hypothesis;
a hypothesis's score is the sum. A partner is named only when a fingerprint accusation or a tracking
token names it (`attribution`); timing and exposure alone speak of "a partner of this group"
(`leaks`). Once the patch is public, "public since the patch" (patch diffing, n-day use, a bypass)
is weighed too. Verdicts follow one documented rule (`verdicts`), so the same evidence always gives
the same conclusion.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from forewarn.domain.cases import Case
from forewarn.domain.exposure import ExposureEntry, ExposureGroup
from forewarn.domain.investigation import (
    Activity,
    Evidence,
    EvidenceKind,
    Hypothesis,
    HypothesisKind,
    Phase,
    Verdict,
)
from forewarn.domain.timeline import Event, TimePoint
from forewarn.domain.validation import format_time_point
from forewarn.investigate.attribution import FINGERPRINT_CAP, TOKEN_WEIGHT
from forewarn.investigate.context import (
    DERIVED_SIMILARITY,
    HINT_WEIGHT,
    UNMARKED_WEIGHT,
    WEAK_SIMILARITY,
    Context,
    build_context,
)
from forewarn.investigate.disclosure import finder_disclosed, redundant, vendor_written
from forewarn.investigate.exposure import finder_name
from forewarn.investigate.leaks import group_leaks, named_leak
from forewarn.investigate.phase import FINDER_KINDS
from forewarn.investigate.timing import GammaPrior, bans, ratio_words

RULED_OUT_SCORE = -3.0
"""At or below this score (a thousand to one against) a hypothesis is ruled out."""
UNLIKELY_SCORE = -1.0
"""At or below this score a hypothesis is unlikely."""
LEADING_MIN = 1.0
"""A leading hypothesis scores at least this much…"""
LEADING_MARGIN = 1.0
"""…and at least this much more than the runner-up."""
PUBLIC_WEIGHT = 1.0
"""Bans for "the patch is public": anyone may study it, so no private source is needed.

The counterpart of the finder's "only known holder" (+1): exposure that is no longer exclusive.
"""


def weigh(
    activity: Activity,
    exposure: Sequence[ExposureEntry],
    case: Case,
    *,
    groups: Sequence[ExposureGroup] = (),
    others: Sequence[TimePoint] = (),
    window_start: datetime | None = None,
    prior: GammaPrior | None = None,
    phase: Phase = Phase.EMBARGO,
    public: TimePoint | None = None,
    published: frozenset[str] = frozenset(),
    kinds: Mapping[str, str] | None = None,
    disclosed: Event | None = None,
) -> Activity:
    """The activity with its hypotheses weighed, best first, and its groups' timing.

    `kinds` gives each shared artifact's kind by name; `disclosed` is the finder's own public
    disclosure, when the timeline records one (`disclosure`).
    """
    ctx = build_context(
        activity,
        case=case,
        exposure=exposure,
        groups=groups,
        others=others,
        window_start=activity.start.start if window_start is None else window_start,
        prior=prior or GammaPrior(),
        phase=phase,
        public=public,
        published=published,
        kinds=kinds,
        disclosed=disclosed,
    )
    hypotheses = [named_leak(ctx, item) for item in ctx.named]
    hypotheses += group_leaks(ctx)
    hypotheses += [_finder(ctx), _independent(ctx), _insider(ctx), _public(ctx)]
    disclosure = finder_disclosed(ctx)
    if disclosure is not None:
        hypotheses.append(disclosure)
    if activity.findings:
        hypotheses.append(_not_derived(ctx))
    return replace(
        activity,
        exposed_partners=ctx.partners,
        hypotheses=verdicts(hypotheses),
        phase=phase,
        groups=tuple(t for _, t in ctx.groups),
    )


def _finder(ctx: Context) -> Hypothesis:
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
    evidence += ctx.original(supports=True, kinds=FINDER_KINDS)
    evidence += ctx.from_copy(supports=False, weight=UNMARKED_WEIGHT)
    evidence += ctx.marks_against("the finder")
    evidence += vendor_written(ctx)
    evidence += ctx.timing_against()
    evidence += redundant(ctx, who="a compromise")
    return Hypothesis(
        HypothesisKind.FINDER_COMPROMISE,
        f"Compromise of the finder ({finder})",
        evidence=tuple(evidence),
    )


def _independent(ctx: Context) -> Hypothesis:
    evidence: list[Evidence] = []
    if ctx.activity.timing is None and ctx.phase is Phase.EMBARGO:
        statement = f"the onset ({ctx.onset}) precedes every partner notice"
        evidence.append(Evidence(EvidenceKind.TIMING, statement, True, 1.0))
    evidence += ctx.timing_against()
    evidence += ctx.resemblance(supports=False, weight=2.0)
    evidence += ctx.weakness(supports=True, weight=0.5)
    evidence += ctx.hinted(None, supports=False)
    evidence += ctx.from_copy(supports=False, weight=UNMARKED_WEIGHT)
    evidence += ctx.marks_against("an independent discoverer")
    return Hypothesis(
        HypothesisKind.INDEPENDENT_DISCOVERY,
        "Independent discovery by the attacker",
        evidence=tuple(evidence),
    )


def _insider(ctx: Context) -> Hypothesis:
    evidence: list[Evidence] = []
    if not ctx.vendor_held:
        statement = (
            f"the vendor learned of the flaw at the report ({ctx.case.reported}), after the onset"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, False, decisive=True))
    else:
        statement = f"the vendor held the flaw from {ctx.vendor_held[0].since:%Y-%m-%d} (report)"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True))
        if ctx.derives and not ctx.named:
            statement = (
                "the material derives from a shared artifact yet names no partner: "
                "an unmarked copy, or its marks were destroyed"
            )
            evidence.append(Evidence(EvidenceKind.FINGERPRINT, statement, True, 0.5))
        evidence += ctx.original(supports=True)
        evidence += ctx.from_copy(supports=False, weight=1.0)
        if ctx.named:
            statement = (
                "the material carries a partner's marks; an insider would more likely leak the "
                "unmarked original (the program key could mint any copy, so this is not decisive)"
            )
            evidence.append(Evidence(EvidenceKind.FINGERPRINT, statement, False, 1.0))
        evidence += redundant(ctx, who="an insider")
    return Hypothesis(HypothesisKind.VENDOR_INSIDER, "Vendor insider", evidence=tuple(evidence))


def _not_derived(ctx: Context) -> Hypothesis:
    evidence = ctx.weakness(supports=True, weight=1.5)
    evidence += ctx.resemblance(supports=False, weight=3.0)
    evidence += ctx.hinted(None, supports=False)
    evidence += ctx.from_copy(supports=False, weight=3.0)
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


def _public(ctx: Context) -> Hypothesis:
    """Public since the patch: patch diffing, n-day exploitation, a bypass of the fix."""
    evidence: list[Evidence] = []
    title = "Public since the patch (patch diffing, n-day use or a bypass)"
    if ctx.public is None:
        statement = (
            f"the patch was not public at the onset ({ctx.onset}); it is planned for "
            f"{ctx.case.patch_planned}"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, False, decisive=True))
        return Hypothesis(HypothesisKind.PUBLIC_PATCH, title, evidence=tuple(evidence))
    when = format_time_point(ctx.public)
    if ctx.phase is Phase.EMBARGO:
        statement = f"the patch went public at {when}, after the onset ({ctx.onset})"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, False, decisive=True))
        return Hypothesis(HypothesisKind.PUBLIC_PATCH, title, evidence=tuple(evidence))
    if ctx.phase is Phase.PATCH_DAY:
        statement = (
            f"the onset ({ctx.onset}) and the patch ({when}) fall on the same day: the onset may "
            "precede the patch, and both orders are weighed"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True))
    else:
        statement = (
            f"the patch has been public since {when}, before the onset ({ctx.onset}): anyone "
            "could diff it, so no private source is needed to explain the onset"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True, PUBLIC_WEIGHT))
    if ctx.public_ratio is not None:
        weight = bans(ctx.public_ratio)
        statement = (
            f"an onset in this window is {ratio_words(ctx.public_ratio)} if it exploits the "
            "public patch than if it were unrelated"
        )
        evidence.append(Evidence(EvidenceKind.TIMING, statement, weight >= 0, abs(weight)))
    if ctx.derives and ctx.match is not None and ctx.match[1] not in ctx.published:
        statement = (
            f"{ctx.match[0]} derives from the shared {ctx.match[1]} (similarity "
            f"{ctx.match[2]:.2f}), which the patch does not publish"
        )
        evidence.append(Evidence(EvidenceKind.SIMILARITY, statement, False, 2.0))
    evidence += ctx.from_copy(supports=False, weight=2.0, private=True)
    evidence += ctx.marks_against("the public patch", verb="carried")
    evidence += ctx.hinted(None, supports=False)
    evidence += ctx.weakness(supports=True, weight=0.5)
    return Hypothesis(HypothesisKind.PUBLIC_PATCH, title, evidence=tuple(evidence))


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
    "PUBLIC_WEIGHT",
    "RULED_OUT_SCORE",
    "TOKEN_WEIGHT",
    "UNLIKELY_SCORE",
    "WEAK_SIMILARITY",
    "verdicts",
    "weigh",
]
