"""Partner-leak hypotheses: one per partner the marks name, one per exposure group.

A partner is named only by a fingerprint accusation or its tracking tokens (`attribution`); a
group is never more than "one of its partners". Each group is weighed by what it held (only
holders of what the material derives from explain it), for how long, and by the timing of the
onset under a leak from it. After the patch went public, timing weighs nothing for a leak: only
marks, or material the patch does not publish, support one.
"""

from __future__ import annotations

from forewarn.domain.exposure import ExposureGroup, PartyRole
from forewarn.domain.investigation import (
    Evidence,
    EvidenceKind,
    GroupTiming,
    Hypothesis,
    HypothesisKind,
    Phase,
    Relation,
)
from forewarn.domain.validation import format_time_point
from forewarn.investigate.attribution import NamedPartner
from forewarn.investigate.context import HINT_WEIGHT, Context
from forewarn.investigate.groups import holds, partners, timing_words
from forewarn.investigate.guidance import guidance_caveat, guidance_title
from forewarn.investigate.phase import disclosure_relation
from forewarn.investigate.timing import bans


def _after_patch(ctx: Context) -> list[Evidence]:
    """The zero-weight fact that replaces a leak's timing once the patch is public."""
    if ctx.phase is not Phase.PUBLIC or ctx.public is None:
        return []
    statement = (
        f"the onset follows the public patch ({format_time_point(ctx.public)}): its timing says "
        "nothing about a leak, since anyone may exploit the flaw from then on"
    )
    return [Evidence(EvidenceKind.TIMING, statement, True, 0.0)]


def _after_disclosure(ctx: Context) -> list[Evidence]:
    """The zero-weight fact that replaces a leak's timing once the finder disclosed the flaw."""
    if ctx.disclosed is None or ctx.phase is Phase.PUBLIC:
        return []
    if disclosure_relation(ctx.disclosed.at, ctx.activity.start) is not Relation.BEFORE:
        return []
    when = format_time_point(ctx.disclosed.at)
    statement = (
        f"the onset follows the finder's public disclosure ({when}): "
        "its timing says nothing about a leak, since anyone may use the disclosure from then on"
    )
    return [Evidence(EvidenceKind.TIMING, statement, True, 0.0)]


def _timing(timing: GroupTiming) -> list[Evidence]:
    if timing.likelihood_ratio is None:
        return []
    weight = bans(timing.likelihood_ratio)
    return [Evidence(EvidenceKind.TIMING, timing_words(timing), weight >= 0, abs(weight))]


def _private_material(ctx: Context, *, supports: bool, weight: float) -> list[Evidence]:
    """After the patch: material derived from what the patch does not publish."""
    if ctx.phase is Phase.EMBARGO or not ctx.derives or ctx.match is None:
        return []
    if ctx.match[1] in ctx.published:
        statement = f"the material derives from {ctx.match[1]}, public since the patch"
        return [Evidence(EvidenceKind.SIMILARITY, statement, supports, 0.0)]
    statement = (
        f"{ctx.match[0]} derives from the shared {ctx.match[1]}, which the patch does not publish"
    )
    return [Evidence(EvidenceKind.SIMILARITY, statement, supports, weight)]


def named_leak(ctx: Context, item: NamedPartner) -> Hypothesis:
    """Leak by a partner the marks name, checked against what it held and when."""
    evidence = [Evidence(EvidenceKind.FINGERPRINT, item.statement(), True, item.weight)]
    held = [
        e
        for e in ctx.before
        if e.party == item.partner
        and e.role is PartyRole.PARTNER
        and (not ctx.derived or e.artifact in ctx.derived)
    ]
    if held:
        matched = [e for e in held if ctx.match is not None and e.artifact == ctx.match[1]]
        first = min(matched or held, key=lambda e: e.since)
        statement = (
            f"{item.partner} held {first.artifact} from {first.since:%Y-%m-%d %H:%M} UTC "
            f"({first.basis}), before the onset"
        )
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, True))
    else:
        what = ", ".join(sorted(ctx.derived)) or "nothing of this case"
        statement = f"{item.partner} held {what} only after the onset ({ctx.onset}), if at all"
        if not ctx.derived:
            statement = f"{item.partner} held nothing of this case before the onset ({ctx.onset})"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, statement, False, decisive=True))
    evidence += ctx.hinted(item.partner, supports=True)
    own = [t for g, t in ctx.groups if item.partner in g.partners and t.partners]
    if own:
        evidence += _timing(own[0])
    evidence += _after_patch(ctx)
    evidence += _after_disclosure(ctx)
    title = f"Leak by partner {item.partner}"
    if ctx.guidance:
        title = guidance_title(item.partner, ctx.derived)
        evidence.append(guidance_caveat())
    if item.lead:
        title += " (a lead: only its tracking tokens were found)"
    return Hypothesis(
        HypothesisKind.PARTNER_LEAK, title, subject=item.partner, evidence=tuple(evidence)
    )


def group_leaks(ctx: Context) -> list[Hypothesis]:
    """One hypothesis per group exposed before the onset; one ruled out when none was."""
    exposed = [(g, t) for g, t in ctx.groups if t.relation is not Relation.AFTER]
    if not exposed:
        reason = f"no partner held any artifact before the onset ({ctx.onset})"
        evidence = (Evidence(EvidenceKind.EXPOSURE, reason, False, decisive=True),)
        return [Hypothesis(HypothesisKind.PARTNER_LEAK, "Leak by a partner", evidence=evidence)]
    return [_group_leak(ctx, group, timing) for group, timing in exposed]


def _group_leak(ctx: Context, group: ExposureGroup, timing: GroupTiming) -> Hypothesis:
    named = {n.partner for n in ctx.named}
    others = [p for p in group.partners if p not in named]
    evidence: list[Evidence] = []
    if named & set(group.partners):
        title = f"Leak by another partner of the {group.label}"
    else:
        title = f"Leak from the {group.label} ({partners(len(others))}, not identified)"
    if not holds(group, ctx.derived):
        evidence.append(Evidence(EvidenceKind.EXPOSURE, timing.statement, False, decisive=True))
    elif not others:
        reason = "every partner of the group is already weighed by name"
        evidence.append(Evidence(EvidenceKind.EXPOSURE, reason, False, decisive=True))
    else:
        evidence.append(Evidence(EvidenceKind.EXPOSURE, timing.statement, True))
        evidence += _timing(timing)
        evidence += _after_patch(ctx)
        evidence += _after_disclosure(ctx)
        if ctx.phase is Phase.EMBARGO:
            evidence += ctx.resemblance(supports=True, weight=1.0)
        else:
            evidence += _private_material(ctx, supports=True, weight=1.0)
        evidence += _group_hints(ctx, others)
        evidence += ctx.from_copy(supports=True, weight=1.0)
        if ctx.named:
            statement = (
                f"the marks name {', '.join(n.partner for n in ctx.named)}; "
                "no other partner passes the accusation threshold"
            )
            evidence.append(Evidence(EvidenceKind.FINGERPRINT, statement, False, 1.0))
        evidence += ctx.weakness(supports=False, weight=1.0)
        evidence += ctx.original(supports=False)
    return Hypothesis(HypothesisKind.PARTNER_LEAK, title, evidence=tuple(evidence))


def _group_hints(ctx: Context, members: list[str]) -> list[Evidence]:
    """Marks below the threshold that lean to partners of this group, without naming them."""
    named = {n.partner for n in ctx.named}
    found = []
    for hint in ctx.hints:
        if named & set(hint.leaders):
            continue
        share = sum(1 for p in hint.leaders if p in members) / len(hint.leaders)
        if share:
            statement = hint.statement(named=False)
            found.append(Evidence(EvidenceKind.FINGERPRINT, statement, True, HINT_WEIGHT * share))
    return found


__all__ = ["group_leaks", "named_leak"]
