"""Public since the finder's disclosure: the finder published a write-up, a talk, a tweet or
its PoC before the patch, and anyone may have used it from then on.

A `finder-disclosure` event on the case's timeline opens this explanation. It is weighed like
the public patch: the flaw is public (+1: no private source is needed, when the disclosure
certainly came first), its timing likelihood ratio (what a finder publishes is picked up as
fast as a leaked copy), the finder's unmarked PoC in the material (+2: what a finder
publishes), and against it, material made from a partner's copy or carrying a partner's marks,
and material derived from what the finder never had (the vendor's advisory or detection text).
"""

from __future__ import annotations

from forewarn.domain.investigation import (
    Evidence,
    EvidenceKind,
    Hypothesis,
    HypothesisKind,
    Relation,
)
from forewarn.domain.validation import format_time_point
from forewarn.investigate.context import UNMARKED_WEIGHT, Context
from forewarn.investigate.exposure import finder_name
from forewarn.investigate.phase import (
    FINDER_KINDS,
    GUIDANCE_KINDS,
    PUBLISHED_KINDS,
    disclosure_relation,
)
from forewarn.investigate.timing import bans, ratio_words

PUBLIC_WEIGHT = 1.0
"""Bans for "the flaw is public": no private source is needed to explain the onset."""
VENDOR_WRITTEN_WEIGHT = 2.0
"""Bans against the disclosure for material derived from what only the vendor wrote."""
REDUNDANT_WEIGHT = 1.0
"""Bans the disclosure takes from a compromise or an insider: it explains the same without one."""
VENDOR_KINDS = PUBLISHED_KINDS | GUIDANCE_KINDS
"""What only the vendor writes: the advisory, detection guidance and rules."""


def _what(ctx: Context) -> str:
    assert ctx.disclosed is not None
    note = f": {ctx.disclosed.note}" if ctx.disclosed.note else ""
    when = format_time_point(ctx.disclosed.at)
    return f"{finder_name(ctx.case)} disclosed the flaw publicly at {when}{note}"


def finder_disclosed(ctx: Context) -> Hypothesis | None:
    """The hypothesis, when the timeline records a disclosure by the finder; else `None`."""
    if ctx.disclosed is None:
        return None
    title = f"Public since the finder's disclosure ({format_time_point(ctx.disclosed.at)})"
    evidence: list[Evidence] = []
    if not ctx.disclosed_first:
        statement = f"{_what(ctx)}, after the onset ({ctx.onset})"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, False, decisive=True))
        return Hypothesis(HypothesisKind.FINDER_DISCLOSURE, title, evidence=tuple(evidence))
    if disclosure_relation(ctx.disclosed.at, ctx.activity.start) is Relation.BEFORE:
        statement = (
            f"{_what(ctx)}, before the onset ({ctx.onset}): anyone could use it, so no private "
            "source is needed to explain the onset"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True, PUBLIC_WEIGHT))
    else:
        statement = (
            f"{_what(ctx)}, at the time of the onset ({ctx.onset}): the onset may precede it, "
            "and both orders are weighed"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True))
    if ctx.disclosure_ratio is not None:
        weight = bans(ctx.disclosure_ratio)
        statement = (
            f"an onset in this window is {ratio_words(ctx.disclosure_ratio)} if it uses the "
            "finder's disclosure than if it were unrelated"
        )
        evidence.append(Evidence(EvidenceKind.TIMING, statement, weight >= 0, abs(weight)))
    evidence += ctx.original(supports=True, kinds=FINDER_KINDS)
    evidence += vendor_written(ctx)
    evidence += ctx.from_copy(supports=False, weight=UNMARKED_WEIGHT)
    evidence += ctx.marks_against("the finder's disclosure", verb="carried")
    evidence += ctx.hinted(None, supports=False)
    evidence += ctx.weakness(supports=True, weight=0.5)
    return Hypothesis(HypothesisKind.FINDER_DISCLOSURE, title, evidence=tuple(evidence))


def vendor_written(ctx: Context) -> list[Evidence]:
    """Against the finder (compromised or disclosing): material derived from what only the
    vendor wrote (its advisory, its detection guidance), which the finder never had."""
    names = ctx.derived | {reading.artifact for _, reading in ctx.unmarked}
    vendor_only = sorted(n for n in names if ctx.kinds.get(n) in VENDOR_KINDS)
    if not vendor_only:
        return []
    statement = (
        f"the material derives from {', '.join(vendor_only)}, which the vendor wrote and the "
        "finder never had"
    )
    return [Evidence(EvidenceKind.SIMILARITY, statement, False, VENDOR_WRITTEN_WEIGHT)]


def redundant(ctx: Context, *, who: str) -> list[Evidence]:
    """Against a compromise of the finder or an insider, once the finder disclosed the flaw
    itself before the onset: its own publication explains the same material without one.
    Not when the material derives from what the finder never had (an insider's advisory)."""
    if not ctx.disclosed_first or any(ctx.kinds.get(n) in VENDOR_KINDS for n in ctx.derived):
        return []
    statement = f"{_what(ctx)}: that explains the onset without {who}"
    return [Evidence(EvidenceKind.EXPOSURE, statement, False, REDUNDANT_WEIGHT)]


__all__ = ["PUBLIC_WEIGHT", "finder_disclosed", "redundant", "vendor_written"]
