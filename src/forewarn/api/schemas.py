"""Pydantic models of the partner API's JSON (the edge: domain records stay dataclasses).

Instants are strings in UTC with `Z` (`forewarn.domain.validation.format_instant`, as in every
`--json` output of the CLI). Each `from_*` builds a model from the domain record, so that
what a partner may see is decided in `forewarn.program.partner_view`, not here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from forewarn.domain import Release, ReleasedArtifact
from forewarn.domain.validation import format_instant
from forewarn.program.api_tokens import Caller
from forewarn.program.partner_view import MAX_COMMENT_CHARS, Feedback, PartnerCase, Verdict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProgramOut(_Strict):
    """The program and the key its bundles and audit checkpoints are signed with."""

    name: str
    public_key: str = Field(description="Ed25519 public key, 64 hex digits, to pin.")


class MeOut(_Strict):
    """The partner behind the token, and the token's own limits."""

    partner: str
    tier: str
    token_id: str
    scopes: list[str]
    token_expires_at: str

    @classmethod
    def from_caller(cls, caller: Caller) -> MeOut:
        return cls(
            partner=caller.partner.name,
            tier=caller.partner.tier,
            token_id=caller.token.id,
            scopes=sorted(caller.token.scopes),
            token_expires_at=format_instant(caller.token.expires_at),
        )


class ArtifactOut(_Strict):
    """One marked copy in the partner's bundle."""

    name: str
    kind: str
    sha256: str

    @classmethod
    def from_item(cls, item: ReleasedArtifact) -> ArtifactOut:
        return cls(name=item.name, kind=item.kind, sha256=item.sha256)


class CaseOut(_Strict):
    """One of the partner's cases; details only once its copy is due."""

    id: str
    available_at: str = Field(description="When your copy is (or was) available, UTC.")
    due: bool = Field(description="Delivered and its wave time passed: you may fetch it.")
    release_id: str | None = None
    embargo_end: str | None = Field(default=None, description="Planned end of the embargo, UTC.")
    title: str | None = None
    product: str | None = None
    cves: list[str] = []
    cvss: str | None = None
    status: str | None = None
    artifacts: list[ArtifactOut] = []
    bundle_url: str | None = None

    @classmethod
    def from_view(cls, view: PartnerCase, *, prefix: str) -> CaseOut:
        base = cls(id=view.case_id, available_at=format_instant(view.available_at), due=view.due)
        if not view.due or view.case is None or view.embargo_end is None:
            return base
        case = view.case
        return base.model_copy(
            update={
                "release_id": view.release_id,
                "embargo_end": format_instant(view.embargo_end),
                "title": case.title,
                "product": case.product,
                "cves": list(case.cves),
                "cvss": case.cvss.vector if case.cvss else None,
                "status": case.status.value,
                "artifacts": [ArtifactOut.from_item(a) for a in view.artifacts],
                "bundle_url": f"{prefix}/cases/{view.case_id}/bundle",
            }
        )


class CaseListOut(_Strict):
    """The partner's cases."""

    cases: list[CaseOut]


class AckIn(_Strict):
    """An acknowledgement."""

    note: str = Field(default="", max_length=2000)


class ReleaseOut(_Strict):
    """A partner's release, as acknowledged."""

    release_id: str
    case: str
    available_at: str
    embargo_end: str

    @classmethod
    def from_release(cls, release: Release) -> ReleaseOut:
        return cls(
            release_id=release.id,
            case=release.case_id,
            available_at=format_instant(release.available_at),
            embargo_end=format_instant(release.embargo_end),
        )


class FeedbackIn(_Strict):
    """Feedback on the detection guidance of your copy."""

    verdict: Verdict
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)
    artifact: str | None = Field(default=None, max_length=255, description="One of your artifacts.")


class FeedbackOut(_Strict):
    """Feedback as recorded."""

    id: int
    release_id: str
    artifact: str | None
    verdict: Verdict
    at: str

    @classmethod
    def from_feedback(cls, feedback: Feedback) -> FeedbackOut:
        return cls(
            id=feedback.id,
            release_id=feedback.release_id,
            artifact=feedback.artifact,
            verdict=feedback.verdict,
            at=format_instant(feedback.at),
        )


class ProblemOut(BaseModel):
    """An error (RFC 9457 problem document)."""

    type: str
    title: str
    status: int
    detail: str
    hint: str | None = None


def problem_responses(statuses: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for error statuses: problem documents (`application/problem+json`)."""
    schema = {"$ref": "#/components/schemas/ProblemOut"}
    return {
        status: {
            "model": ProblemOut,
            "description": text,
            "content": {"application/problem+json": {"schema": schema}},
        }
        for status, text in statuses.items()
    }
