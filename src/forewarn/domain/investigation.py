"""Records of an investigation: who was exposed, what was found, what explains it, what to do."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from forewarn.domain.cases import Case
from forewarn.domain.custody import Dating
from forewarn.domain.evidence import ArtifactMatch, Suspect, TokenHit
from forewarn.domain.releases import Release
from forewarn.domain.timeline import Event, TimePoint

FLAW = "(the flaw)"
"""Pseudo-artifact name for knowing the vulnerability itself, without any shared file."""


@dataclass(frozen=True, slots=True)
class Fetch:
    """One download of a partner's bundle, as the audit log recorded it."""

    release_id: str
    """The release fetched."""
    partner: str
    """Who fetched it."""
    at: datetime
    """When (UTC)."""


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """A partner acknowledged its bundle, as the audit log recorded it."""

    release_id: str
    """The release acknowledged."""
    partner: str
    """Who acknowledged it."""
    at: datetime
    """When (UTC)."""


class PartyRole(enum.StrEnum):
    """Who a party is to the case; each role has its own way of being exposed."""

    PARTNER = "partner"
    FINDER = "finder"
    VENDOR = "vendor"


@dataclass(frozen=True, slots=True)
class ExposureEntry:
    """One party holding one artifact (or knowledge of the flaw) from some moment on."""

    party: str
    """Partner name, the finder's name, or the vendor."""
    role: PartyRole
    """Partner, finder or vendor."""
    artifact: str
    """Artifact name, or `FLAW` for knowing the vulnerability without a shared file."""
    since: datetime
    """Earliest moment the exposure may have started (start of the time's precision)."""
    certain_from: datetime
    """Moment by which the exposure had surely started (end of the time's precision)."""
    basis: str
    """How we know: `released`, `fetched`, `discovered`, `reported`."""


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
    """Canary tokens found verbatim."""
    dating: Dating | None = None
    """How `seen` was decided (registered seen time, log lines, modification time) and the
    material's SHA-256; `None` for a finding handed in with its own date."""


class EvidenceKind(enum.StrEnum):
    """Where a piece of evidence comes from."""

    EXPOSURE = "exposure"
    TIMING = "timing"
    SIMILARITY = "similarity"
    FINGERPRINT = "fingerprint"
    TOKEN = "token"  # noqa: S105 - an evidence kind, not a secret


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
    """The latest partner notice before the onset."""
    delta_days: float
    """Days from the notice to the end of the onset's time precision (the conservative gap)."""
    background_events: int
    """Activity onsets seen in the background window before the notice."""
    window_days: float
    """Length of the background window, from the first exposure to the notice."""
    rate_per_day: float
    """Posterior mean background rate of onsets per day."""
    probability_if_unrelated: float
    """Chance of an unrelated onset within `delta_days` of the notice."""


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
    """Partners that held some artifact before the onset could have happened."""
    timing: TimingAssessment | None = None
    """Timing against the latest prior notice; `None` when no notice precedes the onset."""
    hypotheses: tuple[Hypothesis, ...] = ()
    """Explanations weighed, best first."""


class RecommendationKind(enum.StrEnum):
    """What the investigation can ask the PSIRT to do."""

    MOVE_PATCH = "move-patch"
    SUSPEND_PARTNER = "suspend-partner"
    NOTIFY_PARTNERS = "notify-partners"


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
    notes: tuple[str, ...] = ()
    """Caveats: events after `as_of` left out, findings not tied to any activity."""
    acknowledgements: tuple[Acknowledgement, ...] = ()
    """Acknowledgements of those releases up to `as_of`, from the audit log."""
    epsilon: float | None = None
    """The case's target false-accusation rate (its marking's ε), once its copies are marked."""
    warnings: tuple[str, ...] = ()
    """What a reader must not miss about the evidence: items dated only by file modification
    time (`DateBasis.MTIME`), in sentences."""
