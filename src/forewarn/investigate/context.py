"""What every hypothesis of one activity is weighed against, and the evidence it gives.

`build_context` gathers, once per activity: what the material derives from (by similarity, by
marks that accuse or by tracking tokens), who held *that* before the onset, the exposure groups'
timing, the phase against the public patch and the timing of the patch itself. Hypothesis
modules (`leaks`, `hypotheses`) only read it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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
)
from forewarn.domain.timeline import TimePoint
from forewarn.hunt.similarity import DEFAULT_MIN_SCORE, MATCH_THRESHOLD
from forewarn.investigate.attribution import MarkHint, NamedPartner, mark_hints, named_partners
from forewarn.investigate.exposure import exposed_before, parties
from forewarn.investigate.groups import group_timings, mixture
from forewarn.investigate.timing import (
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
UNMARKED_MIN_READ = 12
"""Fewest symbols read before material can be said to be the unmarked original (a web log shows
a PoC's 15 to 20 path, query and user-agent symbols)."""
READ_NOISE = 0.05
"""Chance that a symbol read from material differs from the copy it was made from (an edit, a
lossy log): the noise of both hypotheses below."""
UNMARKED_MIN_RATIO = 1000.0
"""How many times likelier the symbols read must be if the material was made from the original
than if it was made from the closest recipient's copy. Every recipient's codeword is known, so
the ratio is exact under the noise model: each symbol that agrees with the original but not
with the copy multiplies it by (1 - noise) / noise, and the other way round divides it."""
UNMARKED_MAX_DISAGREEING = 0.25
"""Largest share of the symbols read that may differ from the original's: material unlike every
copy *and* unlike the original (a merge, noise) is not the original either."""
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


def unmarked_readings(activity: Activity) -> tuple[tuple[str, OriginalReading], ...]:
    """(finding, reading) of material whose marks are the unmarked original's, not a copy's."""
    return tuple((f.label, r) for f in activity.findings for r in f.original if is_unmarked(r))


def original_log_ratio(reading: OriginalReading) -> float:
    """Natural log of P(symbols | made from the original) / P(symbols | made from the closest
    recipient's copy), each symbol read wrong with chance `READ_NOISE`."""
    return (reading.agreeing - reading.closest) * math.log((1 - READ_NOISE) / READ_NOISE)


def is_unmarked(reading: OriginalReading) -> bool:
    """Enough symbols, mostly the original's, and far likelier from it than from any copy.

    The margin is a count of symbols, not a share of them: the closest of a few recipients'
    codewords agrees with the original at two symbols in three of a short reading by chance
    alone, and a share would call that a copy.
    """
    return (
        reading.read >= UNMARKED_MIN_READ
        and reading.read - reading.agreeing <= UNMARKED_MAX_DISAGREEING * reading.read
        and original_log_ratio(reading) >= math.log(UNMARKED_MIN_RATIO)
    )


def unmarked_statement(label: str, reading: OriginalReading) -> str:
    """The fact, for the report."""
    return (
        f"the marks read in {label} agree with the unmarked original {reading.artifact} in "
        f"{reading.agreeing} of {reading.read} symbols, and with no partner's copy in more than "
        f"{reading.closest} (about {math.exp(original_log_ratio(reading)):.0e} times likelier "
        "from the original than from any copy): it was made from the original, which no "
        "partner received"
    )


def copy_log_ratio(reading: OriginalReading) -> float:
    """Natural log of P(symbols | made from one of the recipients' copies, each alike likely) /
    P(symbols | made from the original), at least: the closest copy alone, shared among all
    `recipients` (the best of many codewords agrees with anything a little by luck)."""
    gain = (reading.closest - reading.agreeing) * math.log((1 - READ_NOISE) / READ_NOISE)
    return gain - math.log(max(reading.recipients, 1))


def is_copy(reading: OriginalReading) -> bool:
    """The mirror of `is_unmarked`: enough symbols, mostly one copy's, and far likelier from a
    recipient's copy than from the original, though too few to accuse anyone."""
    return (
        reading.read >= UNMARKED_MIN_READ
        and reading.read - reading.closest <= UNMARKED_MAX_DISAGREEING * reading.read
        and copy_log_ratio(reading) >= math.log(UNMARKED_MIN_RATIO)
    )


def copy_readings(activity: Activity) -> tuple[tuple[str, OriginalReading], ...]:
    """(finding, reading) of material made from some partner's copy, not from the original."""
    return tuple((f.label, r) for f in activity.findings for r in f.original if is_copy(r))


def copy_statement(label: str, reading: OriginalReading) -> str:
    """The fact, for the report: a copy, whose is not said."""
    return (
        f"the marks read in {label} agree with a partner's copy of {reading.artifact} in "
        f"{reading.closest} of {reading.read} symbols and with the unmarked original in only "
        f"{reading.agreeing} (about {math.exp(copy_log_ratio(reading)):.0e} times likelier from "
        f"one of its {reading.recipients} recipients' copies than from the original): it was "
        "made from a partner's copy, though too few symbols were read to say whose"
    )


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
) -> Context:
    """Everything the hypotheses of `activity` are weighed against."""
    derived = derived_artifacts(activity)
    unmarked = unmarked_readings(activity)
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
        until=None if public is None else public.end,
        timing_counts=phase is not Phase.PUBLIC,
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
    )


__all__ = [
    "DERIVED_SIMILARITY",
    "HINT_WEIGHT",
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
