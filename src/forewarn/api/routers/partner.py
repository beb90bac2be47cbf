"""The partner API: my cases, my bundle once due, acknowledge, feedback on detection guidance,
and the audit log's signed checkpoint with the consistency proof from one a partner kept.

Every route authenticates the partner (`deps.CallerDep`), checks the token's scope, decides
what is due with the program's own use cases (`program.partner_view`, `program.release_access`,
`program.bundle_handover`), and has its audit leaf committed by the service's audit writer
*before* it answers: a fetch is in the log before its bytes leave, a query before its answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from forewarn.api import deps
from forewarn.api.schemas import (
    AckIn,
    CaseListOut,
    CaseOut,
    FeedbackIn,
    FeedbackOut,
    MeOut,
    ReleaseOut,
    problem_responses,
)
from forewarn.api.settings import API_PREFIX
from forewarn.domain import ApiScope, Release
from forewarn.errors import NotFoundError
from forewarn.program.audit import AuditEntry
from forewarn.program.audit_proofs import newest_checkpoint, prove_consistency
from forewarn.program.bundle_handover import prepare_fetch, record_ack, record_fetch
from forewarn.program.partner_view import (
    Feedback,
    partner_case,
    partner_cases,
    query_entry,
    record_feedback,
)
from forewarn.program.release_access import require_still_due

CHANNEL = "api"
"""How fetches, acknowledgements and queries through this router are recorded."""

BUNDLE_MEDIA_TYPE = "application/octet-stream"
"""A sealed bundle: binary age format (`age -d` opens it)."""

router = APIRouter(
    tags=["partner"],
    responses=problem_responses(
        {
            401: "No, unknown, revoked or expired token.",
            403: "Not yours, not due yet, a missing scope, or a suspended partner.",
            404: "No such case for you.",
            413: "Request body too large.",
            422: "Invalid request.",
            429: "Too many requests.",
        }
    ),
)

KeptSize = Annotated[
    int,
    Query(
        alias="from",
        ge=1,
        le=2**62,
        description="Leaves in the signed checkpoint you kept (its `size`).",
    ),
]


@router.get("/me", response_model=MeOut, summary="Who this token acts for")
def me(caller: deps.CallerDep) -> MeOut:
    """The partner behind the token, its scopes and expiry."""
    return MeOut.from_caller(caller)


@router.get("/checkpoint", summary="The audit log's newest signed checkpoint")
def checkpoint(caller: deps.CallerDep, session: deps.SessionDep) -> dict[str, object]:
    """The newest signed checkpoint (size, root, time, Ed25519 signature): keep it, and later
    check with `forewarn audit prove-rollback` that the program's log still extends it."""
    del caller  # any partner may have it; only partners may ask
    return newest_checkpoint(session)


@router.get(
    "/checkpoint/consistency",
    summary="A consistency proof from a checkpoint you kept to the newest",
)
def consistency(
    first: KeptSize, caller: deps.CallerDep, session: deps.SessionDep, context: deps.ContextDep
) -> dict[str, object]:
    """The proof (`forewarn-audit-consistency/1`) that the signed log of `from` leaves is a
    prefix of the newest: save it and run `forewarn audit prove-rollback KEPT --against PROOF
    --public-key KEY`. 404 when the program has no signed checkpoint of that size (a kept one
    larger than the newest is a rollback: prove it against `GET /checkpoint`)."""
    del caller  # the proof is about the whole log, the same for every partner
    return prove_consistency(session, first, context.program.keys)


@router.get("/cases", response_model=CaseListOut, summary="My cases and their embargo instants")
def cases(
    caller: deps.CallerDep, session: deps.SessionDep, now: deps.NowDep, context: deps.ContextDep
) -> CaseListOut:
    """Every case with a copy planned or delivered to you; details once your copy is due."""
    caller.require(ApiScope.CASES_READ)
    views = partner_cases(session, caller.partner.name, now)
    entry = query_entry(caller.partner.name, "cases", channel=CHANNEL)
    deps.end_reads(session)
    context.audit.submit(lambda _s, _at: (None, [entry]))
    return CaseListOut(cases=[CaseOut.from_view(v, prefix=API_PREFIX) for v in views])


@router.get("/cases/{case_id}", response_model=CaseOut, summary="One of my cases")
def case(
    case_id: deps.CaseId,
    caller: deps.CallerDep,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> CaseOut:
    """One case with a copy for you (404 for any other, known or not)."""
    caller.require(ApiScope.CASES_READ)
    view = partner_case(session, caller.partner.name, case_id, now)
    entry = query_entry(caller.partner.name, "case", channel=CHANNEL, case_id=case_id)
    deps.end_reads(session)
    context.audit.submit(lambda _s, _at: (None, [entry]))
    return CaseOut.from_view(view, prefix=API_PREFIX)


@router.get(
    "/cases/{case_id}/bundle",
    response_class=Response,
    summary="Download my encrypted bundle",
    responses={200: {"content": {BUNDLE_MEDIA_TYPE: {}}, "description": "The sealed bundle."}},
)
def bundle(
    case_id: deps.CaseId,
    caller: deps.CallerDep,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> Response:
    """Your own age-encrypted bundle (the bytes `forewarn bundle fetch` writes), once due.

    The download is recorded (a `fetch` leaf, committed) before the first byte is sent.
    """
    caller.require(ApiScope.BUNDLES_FETCH)
    return send_bundle(context, session, caller.partner.name, case_id, now, channel=CHANNEL)


def send_bundle(
    context: deps.ContextDep,
    session: Session,
    partner: str,
    case_id: str,
    now: datetime,
    *,
    channel: str,
) -> Response:
    """The partner's own sealed bundle as a download, its `fetch` leaf committed first: the
    one way a bundle leaves the service (the REST API and the portal alike)."""
    try:
        fetched = prepare_fetch(session, case_id, partner=partner, now=now)
    except NotFoundError:
        # an unknown case and a case that is not yours look alike
        raise NotFoundError(f"no case {case_id!r} for you") from None

    def log(batch: Session, at: datetime) -> tuple[None, list[AuditEntry]]:
        require_still_due(batch, fetched.release, at)
        return None, [record_fetch(batch, fetched.release, now=at, channel=channel)]

    deps.end_reads(session)
    context.audit.submit(log)
    return Response(
        fetched.sealed,
        media_type=BUNDLE_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{case_id}.bundle.age"',
            "X-Forewarn-Release": fetched.release.id,
        },
    )


@router.post("/cases/{case_id}/ack", response_model=ReleaseOut, summary="Acknowledge my bundle")
def ack(
    case_id: deps.CaseId,
    caller: deps.CallerDep,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
    body: AckIn | None = None,
) -> ReleaseOut:
    """Record that you received your copy (once due); the body and its note are optional."""
    caller.require(ApiScope.ACKS_WRITE)
    note = "" if body is None else body.note
    release = acknowledge(context, session, caller.partner.name, case_id, now, note=note)
    return ReleaseOut.from_release(release)


def acknowledge(
    context: deps.ContextDep,
    session: Session,
    partner: str,
    case_id: str,
    now: datetime,
    *,
    note: str,
) -> Release:
    """Record the partner's acknowledgement of its due copy (its `ack` leaf committed)."""
    partner_case(session, partner, case_id, now)
    deps.end_reads(session)

    def log(batch: Session, at: datetime) -> tuple[Release, list[AuditEntry]]:
        release, entry = record_ack(batch, case_id, partner=partner, now=at, note=note)
        return release, [entry]

    return context.audit.submit(log)


@router.post(
    "/cases/{case_id}/feedback",
    response_model=FeedbackOut,
    status_code=201,
    summary="Feedback on the detection guidance of my copy",
)
def feedback(
    case_id: deps.CaseId,
    body: FeedbackIn,
    caller: deps.CallerDep,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> FeedbackOut:
    """Say whether the detection guidance works; the comment is kept, its hash logged."""
    caller.require(ApiScope.FEEDBACK_WRITE)
    name = caller.partner.name
    partner_case(session, name, case_id, now)
    deps.end_reads(session)

    def log(batch: Session, at: datetime) -> tuple[Feedback, list[AuditEntry]]:
        stored, entry = record_feedback(
            batch,
            case_id,
            partner=name,
            now=at,
            verdict=body.verdict,
            comment=body.comment,
            artifact=body.artifact,
        )
        return stored, [entry]

    return FeedbackOut.from_feedback(context.audit.submit(log))
