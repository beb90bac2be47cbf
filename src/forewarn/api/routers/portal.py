"""The partner side of the web portal: sign in with an API token (or a portal password and a
TOTP code, when the program set one), my cases, download, ack.

Pages decide nothing themselves: what a partner sees is `program.partner_view`'s, a download
is `partner.send_bundle` (the same bytes and `fetch` leaf as the REST API, channel `portal`),
an acknowledgement `partner.acknowledge`. A partner page names only the partner signed in,
and shows the audit log's newest signed checkpoint with the key that signed it (downloadable
as `checkpoint.json`, what `forewarn audit prove-rollback` reads), and hands out the
consistency proof from a kept checkpoint to the newest.
Sign-in failures count against the client address (`program.portal_sessions`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from forewarn.api import deps, pages
from forewarn.api.context import ServiceContext
from forewarn.api.portal_auth import (
    SESSION_COOKIE,
    CheckedForm,
    FormDep,
    PartnerDep,
    UserDep,
    client_address,
    current_user,
    entered,
    locked_out,
    login_page,
    refused,
    require_login_csrf,
)
from forewarn.api.routers.partner import acknowledge, send_bundle
from forewarn.domain import ApiScope
from forewarn.errors import AuthenticationError, NotFoundError, SecurityError
from forewarn.program.api_tokens import authenticate
from forewarn.program.audit import AuditEntry, latest_checkpoint
from forewarn.program.audit_proofs import newest_checkpoint, prove_consistency
from forewarn.program.bundles import public_key_hex
from forewarn.program.partner_logins import accept_login, check_login
from forewarn.program.partner_view import partner_case, partner_cases, query_entry
from forewarn.program.portal_sessions import (
    end_session,
    open_session,
    record_success,
    throttle_keys,
)
from forewarn.program.staff import logout_entry
from forewarn.program.witness import checkpoint_json

CHANNEL = "portal"
"""How fetches, acknowledgements and queries through the portal are recorded."""

router = APIRouter(prefix=pages.PORTAL_PREFIX, include_in_schema=False)

NAV = ((("My cases", f"{pages.PORTAL_PREFIX}/cases")),)
"""The partner pages' navigation."""


@router.get("/static/{name}")
def static(name: Annotated[str, Path(max_length=40)]) -> Response:
    """The portal's stylesheet and script."""
    found = pages.static_file(name)
    if found is None:
        raise NotFoundError(f"no static file {name!r}")
    data, media_type = found
    return Response(data, media_type=media_type)


@router.get("/")
def home(request: Request, context: deps.ContextDep, now: deps.NowDep) -> Response:
    """Partners to their cases, staff to their pages, anybody else to the sign-in page."""
    try:
        user = current_user(request, context, now)
    except SecurityError:
        return pages.redirect(f"{pages.PORTAL_PREFIX}/login")
    if user.staff is not None:
        return pages.redirect(f"{pages.STAFF_PREFIX}/")
    return pages.redirect(f"{pages.PORTAL_PREFIX}/cases")


@router.get("/login")
def login_form(request: Request) -> Response:
    """The partner sign-in page (an API token issued by the program)."""
    return login_page(request, staff=False)


@router.post("/login")
def login(
    request: Request,
    form: FormDep,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> Response:
    """Exchange a token for a session; a wrong one counts against the address."""
    require_login_csrf(request, form)
    address = "address:" + client_address(request)
    if (locked := locked_out(request, context, now, (address,), staff=False)) is not None:
        return locked
    try:
        caller = authenticate(session, form.get("token", "").strip(), now)
        caller.require(ApiScope.CASES_READ)
    except SecurityError:
        # counted against the address only: a token names no account
        error = "this token is not valid here"
        return refused(request, context, now, error, staff=False, address_key=address)
    entry = query_entry(caller.partner.name, "portal-sign-in", channel=CHANNEL)

    def sign_in(batch: Session, at: datetime) -> tuple[str, list[AuditEntry]]:
        raw, _ = open_session(batch, now=at, token_id=caller.token.id)
        return raw, [entry]

    return entered(context.audit.submit(sign_in), f"{pages.PORTAL_PREFIX}/cases")


@router.post("/login/password")
def login_password(
    request: Request,
    form: FormDep,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> Response:
    """Sign a partner in with its portal password and TOTP code (when the program gave it one);
    failures lock the name and the address out, as for staff."""
    require_login_csrf(request, form)
    name = form.get("name", "")
    account_key, address_key = throttle_keys("partner:" + name, client_address(request))
    throttled = (account_key, address_key)
    if (locked := locked_out(request, context, now, throttled, staff=False)) is not None:
        return locked
    keys = context.program.keys
    try:
        verified = check_login(
            session, keys, name, form.get("password", ""), form.get("code", ""), now
        )
    except AuthenticationError as exc:
        return refused(
            request,
            context,
            now,
            exc.message,
            staff=False,
            address_key=address_key,
            account_key=account_key,
        )
    entry = query_entry(verified.partner.name, "portal-sign-in", channel=CHANNEL)

    def sign_in(batch: Session, at: datetime) -> tuple[str, list[AuditEntry]]:
        accept_login(batch, verified)
        record_success(batch, account_key)
        raw, _ = open_session(batch, now=at, partner_id=verified.partner_id)
        return raw, [entry]

    try:
        raw = context.audit.submit(sign_in)
    except AuthenticationError as exc:
        return login_page(request, staff=False, error=exc.diagnostics(), status=401)
    return entered(raw, f"{pages.PORTAL_PREFIX}/cases")


@router.post("/logout")
def logout(user: UserDep, form: CheckedForm, context: deps.ContextDep) -> Response:
    """End the session (staff or partner), recorded as a leaf naming the account or partner."""
    if user.staff is not None:
        entries = [logout_entry(user.staff.name)]
    else:
        assert user.partner is not None
        entries = [query_entry(user.partner.name, "portal-sign-out", channel=CHANNEL)]

    def sign_out(batch: Session, at: datetime) -> tuple[None, list[AuditEntry]]:
        end_session(batch, user.raw_id, at)
        return None, entries

    context.audit.submit(sign_out)
    staff = user.staff is not None
    answer = pages.redirect(
        f"{pages.STAFF_PREFIX}/login" if staff else f"{pages.PORTAL_PREFIX}/login"
    )
    answer.delete_cookie(SESSION_COOKIE, path=pages.PORTAL_PREFIX)
    return answer


@router.get("/cases")
def cases(
    user: PartnerDep, session: deps.SessionDep, now: deps.NowDep, context: deps.ContextDep
) -> Response:
    """My cases: when each copy is (or was) available, and what is due."""
    assert user.partner is not None
    name = user.partner.name
    views = partner_cases(session, name, now)
    entry = query_entry(name, "cases", channel=CHANNEL)
    context.audit.submit(lambda _s, _at: (None, [entry]))
    return pages.render(
        "partner_cases.html.j2",
        title="My cases",
        cases=views,
        now=now,
        user=user,
        staff=False,
        nav=NAV,
        here=f"{pages.PORTAL_PREFIX}/cases",
        **_checkpoint(session, context),
    )


@router.get("/cases/{case_id}")
def case(
    case_id: deps.CaseId,
    request: Request,
    user: PartnerDep,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> Response:
    """One of my cases: the embargo instant in UTC and in my own zone, my copy once due."""
    assert user.partner is not None
    name = user.partner.name
    view = partner_case(session, name, case_id, now)
    entry = query_entry(name, "case", channel=CHANNEL, case_id=case_id)
    context.audit.submit(lambda _s, _at: (None, [entry]))
    return pages.render(
        "partner_case.html.j2",
        title=case_id,
        view=view,
        now=now,
        user=user,
        staff=False,
        nav=NAV,
        here=f"{pages.PORTAL_PREFIX}/cases",
        acknowledged=request.query_params.get("acknowledged") == "1",
        **_checkpoint(session, context),
    )


def _checkpoint(session: Session, context: ServiceContext) -> dict[str, Any]:
    """What every partner page shows of the audit log: its newest signed checkpoint (the same
    the REST API and the bundles hand out) and the key that signed it."""
    latest = latest_checkpoint(session)
    return {
        "checkpoint": None if latest is None else checkpoint_json(latest),
        "public_key": public_key_hex(context.program.keys.signing_key.public_key()),
    }


@router.get("/checkpoint.json")
def checkpoint(user: PartnerDep, session: deps.SessionDep) -> Response:
    """Download the newest signed checkpoint, as `forewarn audit prove-rollback` reads it."""
    del user  # any signed-in partner may keep it
    document = newest_checkpoint(session)
    return _download(document, f"checkpoint-{document['size']}.json")


@router.get("/checkpoint/consistency.json")
def consistency(
    user: PartnerDep,
    session: deps.SessionDep,
    context: deps.ContextDep,
    first: Annotated[int, Query(alias="from", ge=1, le=2**62)],
) -> Response:
    """Download a consistency proof from a kept checkpoint's size to the newest one: what
    `forewarn audit prove-rollback KEPT --against PROOF` checks (a program that lost the kept
    state cannot make one)."""
    del user  # any signed-in partner may check the log
    document = prove_consistency(session, first, context.program.keys)
    return _download(document, f"consistency-{first}.json")


def _download(document: object, name: str) -> Response:
    body = json.dumps(document, sort_keys=True, indent=1) + "\n"
    return Response(
        body.encode("utf-8"),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/cases/{case_id}/bundle")
def bundle(
    case_id: deps.CaseId,
    user: PartnerDep,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> Response:
    """Download my sealed bundle, once due (logged before the first byte leaves)."""
    assert user.partner is not None
    user.require(ApiScope.BUNDLES_FETCH)
    return send_bundle(context, session, user.partner.name, case_id, now, channel=CHANNEL)


@router.post("/cases/{case_id}/ack")
def ack(
    case_id: deps.CaseId,
    user: PartnerDep,
    form: CheckedForm,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> Response:
    """Acknowledge my copy; back to the case page."""
    assert user.partner is not None
    user.require(ApiScope.ACKS_WRITE)
    note = form.get("note", "")[:2000]
    acknowledge(context, session, user.partner.name, case_id, now, note=note)
    return pages.redirect(f"{pages.PORTAL_PREFIX}/cases/{case_id}?acknowledged=1")
