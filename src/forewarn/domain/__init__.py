"""Plain typed records of forewarn; no I/O."""

from forewarn.domain.api_tokens import ALL_SCOPES, ApiScope, ApiToken, IssuedToken
from forewarn.domain.artifacts import Artifact, ArtifactKind
from forewarn.domain.audit import LeafKind
from forewarn.domain.cases import Case, CaseStatus, Cvss
from forewarn.domain.evidence import (
    ArtifactMatch,
    ChannelEvidence,
    Observation,
    Region,
    Suspect,
    TokenHit,
)
from forewarn.domain.partners import Partner, PartnerChange, PartnerStatus, StatusChange, Tier
from forewarn.domain.program import ProgramInfo
from forewarn.domain.releases import Exclusion, Release, ReleasedArtifact, ReleaseState, Wave
from forewarn.domain.rules import PocView, RuleSource
from forewarn.domain.staff import StaffAccount, StaffRole
from forewarn.domain.timeline import Event, EventKind, TimePoint, TimePrecision
from forewarn.domain.wire import ALL_FEATURES, HttpRequest, WireFeature

__all__ = [
    "ALL_FEATURES",
    "ALL_SCOPES",
    "ApiScope",
    "ApiToken",
    "Artifact",
    "ArtifactMatch",
    "ArtifactKind",
    "Case",
    "CaseStatus",
    "ChannelEvidence",
    "Cvss",
    "Event",
    "EventKind",
    "Exclusion",
    "HttpRequest",
    "IssuedToken",
    "LeafKind",
    "Observation",
    "Partner",
    "PartnerChange",
    "PocView",
    "PartnerStatus",
    "ProgramInfo",
    "Release",
    "Region",
    "ReleaseState",
    "ReleasedArtifact",
    "RuleSource",
    "StaffAccount",
    "StaffRole",
    "StatusChange",
    "Suspect",
    "Tier",
    "TimePoint",
    "TimePrecision",
    "TokenHit",
    "Wave",
    "WireFeature",
]
