"""What a partner may see of its own cases, and what it may say back (feedback).

A partner sees only cases with a release planned or delivered to it, and of each only its own
release: never another partner's name, copy or count. Before its copy is due it sees the case
id and the instant its copy becomes available, nothing else (the title, the product, the CVEs
and the patch date are embargoed from it too); once due (delivered and its wave time passed) it
sees the case's summary, its own artifacts and the embargo end. An unknown case and a case the
partner is not on look the same (`NotFoundError`), so case ids cannot be probed.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from forewarn.domain import Case, LeafKind, ReleasedArtifact, ReleaseState
from forewarn.errors import NotFoundError, ValidationError
from forewarn.program.audit import AuditEntry
from forewarn.program.cases import get_case
from forewarn.program.partners import get_partner
from forewarn.program.release_access import own_release
from forewarn.store import PartnerRepository
from forewarn.store.api_repo import ApiTokenRepository
from forewarn.store.release_repo import ReleaseRepository, StoredRelease

MAX_COMMENT_CHARS = 4000
"""Longest feedback comment kept."""


class Verdict(enum.StrEnum):
    """What a partner reports about detection guidance."""

    WORKS = "works"
    """It detects what it should."""
    FALSE_POSITIVES = "false-positives"
    """It fires on benign traffic or files."""
    MISSES = "misses"
    """It does not fire on what it should."""
    UNCLEAR = "unclear"
    """The guidance is unclear or incomplete."""


@dataclass(frozen=True, slots=True)
class PartnerCase:
    """One case as one partner may see it at one instant."""

    case_id: str
    """The case id."""
    available_at: datetime
    """When the partner's copy is (or was) available."""
    due: bool
    """Delivered and its wave time passed: the partner may fetch it."""
    release_id: str | None
    """The partner's release, once due."""
    embargo_end: datetime | None
    """The planned end of the embargo, once due."""
    case: Case | None
    """The case's summary (title, product, CVEs, CVSS), once due."""
    artifacts: tuple[ReleasedArtifact, ...]
    """The partner's own marked copies (name, kind, SHA-256), once due."""


def _visible(session: Session, partner: str) -> dict[str, StoredRelease]:
    """The partner's current release of each case (the latest not cancelled)."""
    partner_id = PartnerRepository(session).id_of(get_partner(session, partner).name)
    assert partner_id is not None
    current: dict[str, StoredRelease] = {}
    for release in ReleaseRepository(session).for_partner(partner_id):
        if release.state is not ReleaseState.CANCELLED:
            current[release.case_id] = release
    return current


def _view(session: Session, release: StoredRelease, now: datetime) -> PartnerCase:
    due = release.state is ReleaseState.COMPLETE and release.available_at <= now
    if not due:
        return PartnerCase(release.case_id, release.available_at, False, None, None, None, ())
    return PartnerCase(
        case_id=release.case_id,
        available_at=release.available_at,
        due=True,
        release_id=release.id,
        embargo_end=release.embargo_end,
        case=get_case(session, release.case_id),
        artifacts=release.items,
    )


def partner_cases(session: Session, partner: str, now: datetime) -> list[PartnerCase]:
    """The partner's cases by the instant its copy is available, as it may see them at `now`."""
    current = sorted(_visible(session, partner).values(), key=lambda r: (r.available_at, r.case_id))
    return [_view(session, release, now) for release in current]


def partner_case(session: Session, partner: str, case_id: str, now: datetime) -> PartnerCase:
    """One of the partner's cases; any other (or unknown) case is `NotFoundError`."""
    release = _visible(session, partner).get(case_id)
    if release is None:
        raise NotFoundError(f"no case {case_id!r} for you")
    return _view(session, release, now)


def query_entry(partner: str, what: str, *, channel: str, case_id: str = "") -> AuditEntry:
    """The leaf recording that a partner read its case list or one case."""
    payload = {"partner": partner, "what": what, "case": case_id, "channel": channel}
    return AuditEntry(LeafKind.QUERY, payload, partner)


@dataclass(frozen=True, slots=True)
class Feedback:
    """Feedback as stored."""

    id: int
    """Row id."""
    release_id: str
    """The partner's release it is about."""
    artifact: str | None
    """The artifact it is about, when one is named."""
    verdict: Verdict
    """What the partner reports."""
    at: datetime
    """When it arrived."""


def record_feedback(
    session: Session,
    case_id: str,
    *,
    partner: str,
    now: datetime,
    verdict: Verdict,
    comment: str,
    artifact: str | None = None,
) -> tuple[Feedback, AuditEntry]:
    """Check, then store a partner's feedback on its delivered copy; the leaf to append.

    The leaf records the comment's SHA-256, not its text: a partner may quote embargoed detail.
    """
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError(f"a comment is at most {MAX_COMMENT_CHARS} characters")
    partner_case(session, partner, case_id, now)  # an unknown case and another's look alike
    release = own_release(session, case_id, partner, now, None)
    if artifact is not None and artifact not in {a.name for a in release.items}:
        raise ValidationError(f"your copy of {case_id} has no artifact {artifact!r}")
    row_id = ApiTokenRepository(session).add_feedback(
        release.id, artifact=artifact, verdict=verdict.value, comment=comment, at=now
    )
    payload = {
        "feedback_id": row_id,
        "release_id": release.id,
        "case": case_id,
        "partner": release.partner,
        "artifact": artifact,
        "verdict": verdict.value,
        "comment_sha256": hashlib.sha256(comment.encode()).hexdigest(),
    }
    entry = AuditEntry(LeafKind.FEEDBACK, payload, release.id)
    return Feedback(row_id, release.id, artifact, verdict, now), entry
