"""Detection guidance in the wild: whose copy it is, said as what it is.

Detection guidance (and rules) is written to travel: a partner turns it into its products'
signatures, and its customers see those. A partner's copy of the guidance in a public rule
repository is therefore a lapse in handling to ask the partner about, and it tells an attacker
far less than the PoC: the marks still say whose copy it is (that is attribution, and it holds),
but the hypothesis is worded as the copy going public, not "leak by partner X", and the
recommendation is a question to the partner, not a suspension or a patch move.
"""

from __future__ import annotations

from collections.abc import Sequence

from forewarn.domain.investigation import (
    Activity,
    Evidence,
    EvidenceKind,
    HypothesisKind,
    Recommendation,
    RecommendationKind,
    Verdict,
)
from forewarn.domain.releases import Release
from forewarn.investigate.context import derived_artifacts
from forewarn.investigate.phase import artifact_kinds, guidance_only

CAVEAT = (
    "detection guidance is written to reach the partner's products and, through its signatures, "
    "its customers: a copy in public may have travelled that way, and it tells an attacker far "
    "less than the PoC, so this is weaker than a leak of the PoC"
)
"""What the report says of every guidance-only attribution."""


def guidance_title(partner: str, derived: frozenset[str]) -> str:
    """The hypothesis's title: whose guidance copy went out, and that it is weaker than a PoC."""
    return (
        f"Detection guidance passed on from partner {partner}'s copy "
        f"({', '.join(sorted(derived))}; weaker than a PoC leak)"
    )


def guidance_caveat() -> Evidence:
    """The zero-weight fact that says why this is weaker than a leak."""
    return Evidence(EvidenceKind.EXPOSURE, CAVEAT, True, 0.0)


def guidance_activity(activity: Activity, releases: Sequence[Release]) -> bool:
    """The activity's material derives from detection guidance alone."""
    return guidance_only(derived_artifacts(activity), artifact_kinds(releases))


def guidance_copies(
    activities: Sequence[Activity], releases: Sequence[Release]
) -> dict[str, tuple[str, str, str]]:
    """Partners whose guidance copy leads a guidance-only activity, on its marks or, as a lead
    to check, its tracking tokens:
    partner → (activity label, the sentence that names it, the guidance it derives from)."""
    found: dict[str, tuple[str, str, str]] = {}
    for activity in activities:
        if not guidance_activity(activity, releases):
            continue
        for h in activity.hypotheses:
            if h.kind is HypothesisKind.PARTNER_LEAK and h.subject and h.verdict is Verdict.LEADING:
                first = h.evidence[0].statement if h.evidence else ""
                what = ", ".join(sorted(derived_artifacts(activity)))
                found.setdefault(h.subject, (activity.label, first, what))
    return found


def ask_partners(case_id: str, copies: dict[str, tuple[str, str, str]]) -> list[Recommendation]:
    """One question per partner whose guidance copy went public: proportionate, no suspension."""
    return [
        Recommendation(
            RecommendationKind.REVIEW_PARTNERS,
            f"Ask partner {partner} how its copy of {what} reached the public",
            (
                f"{label}: {why}",
                CAVEAT,
                "no suspension and no patch move on the guidance alone: suspend only if its PoC "
                "copy or exploitation is tied to it; `forewarn wave plan` lists what it was given",
            ),
            case_id,
            partner=partner,
        )
        for partner, (label, why, what) in copies.items()
    ]


__all__ = [
    "CAVEAT",
    "ask_partners",
    "guidance_activity",
    "guidance_caveat",
    "guidance_copies",
    "guidance_title",
]
