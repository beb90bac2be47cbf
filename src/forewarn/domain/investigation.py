"""Records of an investigation: who was exposed, what was found, what explains it, what to do."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from forewarn.domain.cases import Case
from forewarn.domain.custody import Dating
from forewarn.domain.evidence import ArtifactMatch, Suspect, TokenHit
from forewarn.domain.exposure import (
    Acknowledgement,
    ExposureEntry,
    ExposureGroup,
    Fetch,
)
from forewarn.domain.releases import Release
from forewarn.domain.timeline import Event, TimePoint

FLAW = "(the flaw)"
"""Pseudo-artifact name for knowing the vulnerability itself, without any shared file."""


class Relation(enum.StrEnum):
    """Where a moment falls against a time of some precision (an onset known to the day)."""

    BEFORE = "before"
    """Certainly before the time's earliest moment."""
    DURING = "during"
    """Inside the time's precision: neither certainly before nor after."""
    AFTER = "after"
    """Certainly not before it."""


class Phase(enum.StrEnum):
    """Whether an activity came while the case was embargoed or after its patch went public."""

    EMBARGO = "embargo"
    """The onset is certainly before the public patch (or no patch is public yet)."""
    PATCH_DAY = "patch-day"
    """The precisions overlap: the onset may come before or after the patch."""
    PUBLIC = "public"
    """The onset is certainly after the public patch."""


@dataclass(frozen=True, slots=True)
class GroupTiming:
    """How long one exposure group had held the material an activity derives from, and what the
    onset's timing says about a leak from it."""

    group: str
    """The group's label."""
    partners: int
    """How many of its partners could explain the material (holders of what it derives from)."""
    relation: Relation
    """Where the group's release falls against the onset."""
    held_days: float
    """Days from the release to the onset's earliest moment (negative: released after it)."""
    first_fetch: datetime | None
    """The group's first download, if any, before the onset's end."""
    likelihood_ratio: float | None
    """P(onset window | leak from the group) / P(onset window | unrelated background); `None`
    when timing says nothing (the group was not exposed, or the onset follows the patch)."""
    statement: str
    """The facts in words: who, since when, how long, and what the timing says."""


@dataclass(frozen=True, slots=True)
class OriginalReading:
    """How closely the marks read from material agree with the unmarked original's own.

    Every partner's copy differs from the original at about half its marks; the original, or
    the vendor's internal build, agrees at all of them. Material that agrees with the original
    far more than with any recipient's copy was not made from a partner's copy.
    """

    artifact: str
    """The shared artifact whose marks were read."""
    kind: str
    """Its kind (`poc`, `advisory`, …): who held its original besides the vendor."""
    read: int
    """Symbols read from the material."""
    agreeing: int
    """Of those, how many the unmarked original shows too."""
    closest: int
    """The most that any one recipient's copy shows too."""
    recipients: int = 1
    """How many recipients' copies `closest` is the best of (the chance that one of many
    codewords agrees by luck grows with their number)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A piece of material from the wild, traced: a tool, a script, web-log lines."""

    label: str
    """What it is, for people (`found tool exch.py`, `IIS log of mail01`)."""
    kind: str
    """Reader kind as the hunt names it: `python`, `text`, `weblog`, `binary`."""
    seen: TimePoint
    """When it was seen in the wild (first log line, capture time)."""
    matches: tuple[ArtifactMatch, ...] = ()
    """Shared artifacts it resembles, best first."""
    suspects: tuple[Suspect, ...] = ()
    """Fingerprint accusation results, best first."""
    tokens: tuple[TokenHit, ...] = ()
    """Tracking tokens found verbatim."""
    marks_read: tuple[str, ...] = ()
    """Artifacts of the case whose marks were read in it: what its suspects speak about."""
    dating: Dating | None = None
    """How `seen` was decided (registered seen time, log lines, modification time) and the
    material's SHA-256; `None` for a finding handed in with its own date."""
    original: tuple[OriginalReading, ...] = ()
    """For material whose marks accuse nobody: how they compare with the unmarked original's."""


class EvidenceKind(enum.StrEnum):
    """Where a piece of evidence comes from."""

    EXPOSURE = "exposure"
    TIMING = "timing"
    SIMILARITY = "similarity"
    FINGERPRINT = "fingerprint"
    TOKEN = "token"  # noqa: S105 - an evidence kind, not a secret  # nosec B105


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason for or against a hypothesis, with its weight in decimal log-odds (bans)."""

    kind: EvidenceKind
    """Exposure, timing, similarity, fingerprint or token."""
    statement: str
    """The fact, in a sentence a PSIRT lead reads."""
    supports: bool
    """For (`True`) or against (`False`) the hypothesis."""
    weight: float = 0.0
    """Strength in bans: 1 means the fact is ten times likelier under one side."""
    decisive: bool = False
    """A fact that alone rules the hypothesis out (only ever against)."""


class HypothesisKind(enum.StrEnum):
    """The explanations weighed for every activity."""

    PARTNER_LEAK = "partner-leak"
    FINDER_COMPROMISE = "finder-compromise"
    INDEPENDENT_DISCOVERY = "independent-discovery"
    VENDOR_INSIDER = "vendor-insider"
    NOT_DERIVED = "not-derived"
    PUBLIC_PATCH = "public-patch"
    FINDER_DISCLOSURE = "finder-disclosure"


class Verdict(enum.StrEnum):
    """Where a hypothesis stands once its evidence is weighed."""

    LEADING = "leading"
    PLAUSIBLE = "plausible"
    UNLIKELY = "unlikely"
    RULED_OUT = "ruled out"


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One explanation of an activity with its evidence and the verdict it earns."""

    kind: HypothesisKind
    """Which explanation."""
    title: str
    """One line (`Leak by partner Kestrel Systems`)."""
    subject: str = ""
    """The named party, only ever set from a fingerprint or token accusation."""
    evidence: tuple[Evidence, ...] = ()
    """Reasons for and against."""
    score: float = 0.0
    """Sum of the weights for minus those against, in bans."""
    verdict: Verdict = Verdict.PLAUSIBLE
    """Leading, plausible, unlikely or ruled out."""


@dataclass(frozen=True, slots=True)
class TimingAssessment:
    """How surprising an activity's onset is so soon after a notice, were it unrelated."""

    notice_at: datetime
    """The latest partner notice that may precede the onset."""
    delta_days: float
    """Days from the notice to the onset's earliest moment (calendar days for a day-precision
    onset; 0 when they fall on the same day)."""
    background_events: int
    """Activity onsets seen in the background window before the notice."""
    window_days: float
    """Length of the background window, from the first exposure to the notice."""
    rate_per_day: float
    """Posterior mean background rate of onsets per day."""
    probability_if_unrelated: float
    """Chance of an unrelated onset within `delta_days` of the notice."""
    relation: Relation = Relation.BEFORE
    """`during` when the onset's precision does not say whether the notice came first."""


@dataclass(frozen=True, slots=True)
class VerdictChange:
    """One hypothesis whose verdict differs under another prior."""

    hypothesis: str
    """Its title."""
    verdict: Verdict
    """Its verdict under the program's prior."""
    becomes: Verdict
    """Its verdict under the other prior."""


@dataclass(frozen=True, slots=True)
class PriorSensitivity:
    """Whether an activity's verdicts hold when the background-rate prior's mean is `factor`
    times lower or higher (the prior is a guess: one unrelated onset per 60 days)."""

    factor: float
    """How far the prior's mean is moved each way."""
    mean_days: float
    """Days per unrelated onset under the program's prior (60)."""
    lower: tuple[VerdictChange, ...]
    """Verdicts that change with a mean `factor` times lower (rarer background activity)."""
    higher: tuple[VerdictChange, ...]
    """Verdicts that change with a mean `factor` times higher."""
    statement: str
    """The result in words."""

    @property
    def robust(self) -> bool:
        """No verdict changes either way."""
        return not self.lower and not self.higher


@dataclass(frozen=True, slots=True)
class Activity:
    """A cluster of attacker activity (scans, exploitation, found material) weighed as one."""

    label: str
    """`Wave 1`, `Wave 2`, …, in time order."""
    start: TimePoint
    """Onset: the earliest event or finding of the cluster."""
    end: TimePoint
    """The latest event or finding of the cluster."""
    events: tuple[Event, ...]
    """Timeline events in the cluster."""
    findings: tuple[Finding, ...] = ()
    """Traced material attributed to the cluster."""
    exposed_partners: tuple[str, ...] = ()
    """Partners that may have held what the material derives from (any artifact, when it
    derives from nothing known) before the onset could have happened."""
    timing: TimingAssessment | None = None
    """Timing against the latest notice that may precede it; `None` when none does."""
    hypotheses: tuple[Hypothesis, ...] = ()
    """Explanations weighed, best first."""
    phase: Phase = Phase.EMBARGO
    """Before or after the patch went public."""
    groups: tuple[GroupTiming, ...] = ()
    """Per exposure group, how long it had held the material and what timing says of it."""
    sensitivity: PriorSensitivity | None = None
    """Whether the verdicts hold under a background prior ten times lower or higher."""


class RecommendationKind(enum.StrEnum):
    """What the investigation can ask the PSIRT to do."""

    MOVE_PATCH = "move-patch"
    SUSPEND_PARTNER = "suspend-partner"
    NOTIFY_PARTNERS = "notify-partners"
    REVIEW_PARTNERS = "review-partners"
    OPEN_LINKED_CASE = "open-linked-case"


@dataclass(frozen=True, slots=True)
class LinkedCase:
    """A new case to open, linked to the one investigated (a bypass of its fix)."""

    id: str
    """Suggested id."""
    title: str
    """Suggested title."""
    product: str
    """The product, as on the original case."""
    reported: date
    """The day it is opened."""
    patch_planned: date
    """The earliest patch date that still gives every tier its lead time."""


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One action with its reasons; `forewarn.investigate.commands` spells the command that
    applies it (each such command records its action in the audit log)."""

    kind: RecommendationKind
    """Which action."""
    title: str
    """One line."""
    reasons: tuple[str, ...]
    """Why, one fact per line."""
    case_id: str
    """The case it acts on."""
    audit_reason: str = ""
    """The reason the action records in the audit log."""
    target_date: date | None = None
    """For `move-patch`: the recommended patch date."""
    partner: str = ""
    """For `suspend-partner`: the partner."""
    at: datetime | None = None
    """When replaying history: the moment the action is to be applied (`--now`)."""
    linked: LinkedCase | None = None
    """For `open-linked-case`: the case to open."""


@dataclass(frozen=True, slots=True)
class InvestigationResult:
    """Everything an investigation concluded, for the terminal, the HTML report and JSON."""

    case: Case
    """The case investigated."""
    as_of: datetime
    """The moment the investigation reasons from; later events are left out."""
    headline: str
    """The finding in one or two sentences."""
    activities: tuple[Activity, ...]
    """Attacker activity, oldest first, each with its hypotheses."""
    exposure: tuple[ExposureEntry, ...]
    """Who held what, from when."""
    recommendations: tuple[Recommendation, ...]
    """What to do, most urgent first."""
    events: tuple[Event, ...] = ()
    """The case's timeline up to `as_of`."""
    releases: tuple[Release, ...] = ()
    """Releases of the case."""
    fetches: tuple[Fetch, ...] = ()
    """Downloads of those releases."""
    groups: tuple[ExposureGroup, ...] = ()
    """The partners exposed, one group per wave or policy subset, earliest first."""
    public_since: TimePoint | None = None
    """When the patch went public (`case publish`, else a `patch-released` event), if it has."""
    notes: tuple[str, ...] = ()
    """Caveats: events after `as_of` left out, findings not tied to any activity."""
    acknowledgements: tuple[Acknowledgement, ...] = ()
    """Acknowledgements of those releases up to `as_of`, from the audit log."""
    epsilon: float | None = None
    """The case's target false-accusation rate (its marking's ε), once its copies are marked."""
    warnings: tuple[str, ...] = ()
    """What a reader must not miss about the evidence: items dated only by file modification
    time (`DateBasis.MTIME`), in sentences."""
    replay_program: bool = False
    """The program is a replay of past history (`forewarn init --replay`, the demo), not live:
    its log was written after the fact, which the report's header says."""
