"""What every hypothesis of one activity is weighed against, and the evidence it gives.

`build_context` gathers, once per activity: what the material derives from (by similarity, by
marks that accuse or by tracking tokens), who held *that* before the onset, the exposure groups'
timing, the phase against the public patch and the timing of the patch itself. Hypothesis
modules (`leaks`, `hypotheses`) only read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from forewarn.domain.cases import Case
from forewarn.domain.exposure import ExposureEntry, ExposureGroup, PartyRole
from forewarn.domain.investigation import (
    Activity,
    Evidence,
    EvidenceKind,
    GroupTiming,
    OriginalReading,
    Phase,
    Relation,
)
from forewarn.domain.timeline import Event, TimePoint
from forewarn.hunt.similarity import DEFAULT_MIN_SCORE, MATCH_THRESHOLD
from forewarn.investigate.attribution import MarkHint, NamedPartner, mark_hints, named_partners
from forewarn.investigate.exposure import exposed_before, parties
from forewarn.investigate.groups import group_timings, mixture
from forewarn.investigate.phase import disclosure_relation, guidance_only
from forewarn.investigate.readings import (
    READ_NOISE,
    UNMARKED_MIN_RATIO,
    UNMARKED_MIN_READ,
    copy_log_ratio,
    copy_readings,
    copy_statement,
    is_copy,
    is_unmarked,
    original_log_ratio,
    unmarked_readings,
    unmarked_statement,
)
from forewarn.investigate.timing import (
    LEAK_DELAY_DAYS,
    PUBLIC_DELAY_DAYS,
    GammaPrior,
    background,
    bans,
    likelihood_ratio,
    ratio_words,
)

DERIVED_SIMILARITY = MATCH_THRESHOLD
"""Similarity at or above which material is taken to derive from a shared artifact (the hunt's)."""
WEAK_SIMILARITY = DEFAULT_MIN_SCORE
"""Best similarity below which material is taken not to derive from anything shared: the hunt's
reporting floor, above every unrelated pair measured (bench/RESULTS.md). It sits below
`DERIVED_SIMILARITY`, so no similarity counts both ways; between the two it is inconclusive."""
UNMARKED_WEIGHT = 2.0
"""Bans the unmarked original takes from a partner leak and gives to holders of the original."""
HINT_WEIGHT = 0.5
"""Bans for marks read from material that point to partners without reaching accusation.

Weak on purpose: below the threshold the false-accusation bound does not hold, so such marks
support a hypothesis already named by stronger evidence, and never name a partner themselves.
"""


def best_match(activity: Activity) -> tuple[str, str, float] | None:
    """(finding, artifact, similarity) of the closest resemblance to anything shared."""
    pairs = [(f.label, m.artifact, m.similarity) for f in activity.findings for m in f.matches]
    return max(pairs, key=lambda p: p[2]) if pairs else None


def derived_artifacts(activity: Activity) -> frozenset[str]:
    """What the activity's material derives from: similar enough, accusing marks, or tokens.

    Marks below the accusation threshold do not count (they may be noise, and restricting the
    holders on noise would clear the guilty), unless they are far likelier from a recipient's
    copy than from the original (`is_copy`): then some copy of that artifact was used.
    """
    names = {
        m.artifact
        for f in activity.findings
        for m in f.matches
        if m.similarity >= DERIVED_SIMILARITY
    }
    for finding in activity.findings:
        if any(s.accused or s.lead for s in finding.suspects):
            names |= set(finding.marks_read)
        names |= {r.artifact for r in finding.original if is_copy(r)}
        names |= {t.artifact for t in finding.tokens}
        names |= {t.artifact for s in finding.suspects for t in s.tokens}
    return frozenset(names)


@dataclass(frozen=True, slots=True)
class Context:
    """What every hypothesis of one activity is weighed against."""

    activity: Activity
    case: Case
    derived: frozenset[str]
    before: tuple[ExposureEntry, ...]
    partners: tuple[str, ...]
    finder_held: tuple[ExposureEntry, ...]
    vendor_held: tuple[ExposureEntry, ...]
    named: tuple[NamedPartner, ...]
    unmarked: tuple[tuple[str, OriginalReading], ...]
    copies: tuple[tuple[str, OriginalReading], ...]
    match: tuple[str, str, float] | None
    hints: tuple[MarkHint, ...]
    groups: tuple[tuple[ExposureGroup, GroupTiming], ...]
    phase: Phase
    public: TimePoint | None
    public_ratio: float | None
    published: frozenset[str]
    kinds: Mapping[str, str]
    disclosed: Event | None = None
    disclosure_ratio: float | None = None

    @property
    def disclosed_first(self) -> bool:
        """The finder disclosed the flaw publicly before the onset (or at its moment)."""
        if self.disclosed is None:
            return False
        return disclosure_relation(self.disclosed.at, self.activity.start) is not Relation.AFTER

    @property
    def guidance(self) -> bool:
        """The material derives from detection guidance alone (`phase.guidance_only`)."""
        return guidance_only(self.derived, self.kinds)

    @property
    def onset(self) -> str:
        return str(self.activity.start)

    @property
    def derives(self) -> bool:
        return self.match is not None and self.match[2] >= DERIVED_SIMILARITY

    @property
    def weak(self) -> bool:
        # material that could not be read (a binary) says nothing of what it derives from
        readable = any(f.kind != "binary" for f in self.activity.findings)
        found = readable and not self.hints and not self.named
        found = found and not self.unmarked and not self.copies
        return found and (self.match is None or self.match[2] < WEAK_SIMILARITY)

    @property
    def private(self) -> frozenset[str]:
        """What the material derives from that the patch does not publish."""
        return self.derived - self.published

    @property
    def partner_ratio(self) -> float | None:
        """Timing likelihood ratio of a leak by some exposed partner (groups by size)."""
        return mixture([t for _, t in self.groups])

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

    def original(self, *, supports: bool, kinds: frozenset[str] | None = None) -> list[Evidence]:
        """Material made from the unmarked original: for its holders, against a partner's
        copy. `kinds` limits it to originals of those artifact kinds (the finder's PoC). One
        fact however many items show it (they share their source), said of the best read."""
        found = [(label, r) for label, r in self.unmarked if kinds is None or r.kind in kinds]
        if not found:
            return []
        label, reading = max(found, key=lambda u: u[1].read)
        statement = unmarked_statement(label, reading)
        if len(found) > 1:
            statement += f" (and {len(found) - 1} other item(s) of this wave alike)"
        return [Evidence(EvidenceKind.FINGERPRINT, statement, supports, UNMARKED_WEIGHT)]

    def from_copy(self, *, supports: bool, weight: float, private: bool = False) -> list[Evidence]:
        """Material made from a partner's copy, not the original: for holders of copies,
        against those who held only the original (or nothing). With `private`, only copies of
        what the patch does not publish count. One fact, said of the best read."""
        found = [
            (label, r)
            for label, r in self.copies
            if not private or r.artifact not in self.published
        ]
        if not found:
            return []
        label, reading = max(found, key=lambda c: c[1].read)
        statement = copy_statement(label, reading)
        return [Evidence(EvidenceKind.FINGERPRINT, statement, supports, weight)]

    def timing_against(self) -> list[Evidence]:
        """For explanations without a partner: what timing says for a leak or for the patch."""
        evidence: list[Evidence] = []
        if self.phase is not Phase.PUBLIC:
            ratio = self.partner_ratio
            if ratio is not None and self.activity.timing is not None:
                weight = bans(ratio)
                statement = (
                    f"the onset's timing is {ratio_words(ratio)} under a leak by an exposed "
                    "partner than unrelated"
                )
                evidence.append(Evidence(EvidenceKind.TIMING, statement, weight < 0, abs(weight)))
        if self.public_ratio is not None:
            weight = bans(self.public_ratio)
            statement = (
                f"the onset's timing is {ratio_words(self.public_ratio)} under exploitation of "
                "the public patch than unrelated"
            )
            evidence.append(Evidence(EvidenceKind.TIMING, statement, weight < 0, abs(weight)))
        return evidence

    def resemblance(self, *, supports: bool, weight: float) -> list[Evidence]:
        if not self.derives or self.match is None:
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

    def marks_against(self, who: str, *, verb: str = "received") -> list[Evidence]:
        return [
            Evidence(
                EvidenceKind.FINGERPRINT,
                f"the material carries partner {n.partner}'s marks, which {who} never {verb}",
                False,
                n.weight,
            )
            for n in self.named
        ]


def build_context(
    activity: Activity,
    *,
    case: Case,
    exposure: Sequence[ExposureEntry],
    groups: Sequence[ExposureGroup],
    others: Sequence[TimePoint],
    window_start: datetime,
    prior: GammaPrior,
    phase: Phase,
    public: TimePoint | None,
    published: frozenset[str],
    kinds: Mapping[str, str] | None = None,
    disclosed: Event | None = None,
) -> Context:
    """Everything the hypotheses of `activity` are weighed against.

    After the finder's public disclosure (`disclosed`), as after the patch, a leak's timing
    counts only for the part of the onset's window before it.
    """
    derived = derived_artifacts(activity)
    unmarked = unmarked_readings(activity)
    where = None if disclosed is None else disclosure_relation(disclosed.at, activity.start)
    first = where is Relation.BEFORE
    before = exposed_before(exposure, activity.start)
    held = [
        e for e in before if e.role is PartyRole.PARTNER and (not derived or e.artifact in derived)
    ]
    timings = group_timings(
        groups,
        activity.start,
        derived=derived,
        others=others,
        window_start=window_start,
        prior=prior,
        until=_cutoff(public, disclosed),
        timing_counts=phase is not Phase.PUBLIC and not first,
    )
    public_ratio = None
    if public is not None and phase is not Phase.EMBARGO:
        public_ratio = likelihood_ratio(
            public.start,
            activity.start,
            scale=PUBLIC_DELAY_DAYS,
            data=background(others, window_start, public.start),
            prior=prior,
        )
    return Context(
        activity=activity,
        case=case,
        derived=derived,
        before=before,
        partners=parties(held),
        finder_held=tuple(e for e in before if e.role is PartyRole.FINDER),
        vendor_held=tuple(e for e in before if e.role is PartyRole.VENDOR),
        named=tuple(named_partners(activity)),
        unmarked=unmarked,
        copies=copy_readings(activity),
        match=best_match(activity),
        hints=tuple(h for h in mark_hints(activity) if h.finding not in {u[0] for u in unmarked}),
        groups=tuple(zip(groups, timings, strict=True)),
        phase=phase,
        public=public,
        public_ratio=public_ratio,
        published=published,
        kinds=kinds or {},
        disclosed=disclosed,
        disclosure_ratio=_disclosure_ratio(activity, disclosed, where, others, window_start, prior),
    )


def _cutoff(public: TimePoint | None, disclosed: Event | None) -> datetime | None:
    """The end of the moment from which the flaw was public: the patch or the disclosure."""
    ends = [p.end for p in (public, None if disclosed is None else disclosed.at) if p]
    return min(ends, default=None)


def _disclosure_ratio(
    activity: Activity,
    disclosed: Event | None,
    where: Relation | None,
    others: Sequence[TimePoint],
    window_start: datetime,
    prior: GammaPrior,
) -> float | None:
    """Timing of the onset under use of the finder's disclosure: what a finder publishes is
    picked up as fast as a leaked copy (`LEAK_DELAY_DAYS`)."""
    if disclosed is None or where is Relation.AFTER:
        return None
    return likelihood_ratio(
        disclosed.at.start,
        activity.start,
        scale=LEAK_DELAY_DAYS,
        data=background(others, window_start, disclosed.at.start),
        prior=prior,
    )


__all__ = [
    "DERIVED_SIMILARITY",
    "HINT_WEIGHT",
    "READ_NOISE",
    "UNMARKED_MIN_RATIO",
    "UNMARKED_MIN_READ",
    "UNMARKED_WEIGHT",
    "copy_log_ratio",
    "copy_readings",
    "copy_statement",
    "is_copy",
    "is_unmarked",
    "original_log_ratio",
    "WEAK_SIMILARITY",
    "Context",
    "best_match",
    "build_context",
    "derived_artifacts",
    "unmarked_readings",
    "unmarked_statement",
]
