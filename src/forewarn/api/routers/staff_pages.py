"""The staff side of the web portal: sign in (password + TOTP), partners, cases, wave plans,
release status, audit verification, investigation reports and staff accounts.

Each page names the roles allowed on it (`portal_auth.StaffFor`, which raises
`AuthorizationError` for any other) and calls the use case the CLI calls: `program.waves`
for the plan, `program.audit_verify.verify_program_log` for the check (the witnesses included),
`investigate.run_investigation` and its report writer for a report. The only change a page
makes is to staff accounts (an admin disabling one), written with its audit leaf naming the
acting account.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from forewarn.api import deps, pages
from forewarn.api.portal_auth import (
    CheckedForm,
    FormDep,
    PortalUser,
    client_address,
    entered,
    locked_out,
    login_page,
    refused,
    require_login_csrf,
    staff_guard,
)
from forewarn.domain import ReleaseState, StaffAccount, StaffRole
from forewarn.errors import AuthenticationError, IntegrityError
from forewarn.investigate.report import render_html
from forewarn.investigate.service import acknowledgements_of, fetches_of, run_investigation
from forewarn.program.audit import AuditEntry
from forewarn.program.audit_verify import verify_program_log
from forewarn.program.cases import get_case, list_cases
from forewarn.program.partners import list_partners
from forewarn.program.portal_sessions import (
    open_session,
    record_success,
    throttle_keys,
)
from forewarn.program.staff import accept_sign_in, check_credentials, disable_staff, list_staff
from forewarn.program.waves import case_releases, left_out, plan_case

A, C, N, U = StaffRole.ADMIN, StaffRole.COORDINATOR, StaffRole.ANALYST, StaffRole.AUDITOR

ROLES: dict[str, tuple[StaffRole, ...]] = {
    "home": (A, C, N, U),
    "partners": (A, C, U),
    "cases": (A, C, N, U),
    "plan": (A, C, N),
    "status": (A, C, U),
    "audit": (A, U),
    "reports": (A, C, N),
    "accounts": (A,),
}
"""Which roles may open which page: the one table the guards and the navigation read."""

AnyStaff = Annotated[PortalUser, Depends(staff_guard(*ROLES["home"]))]
PartnersStaff = Annotated[PortalUser, Depends(staff_guard(*ROLES["partners"]))]
CasesStaff = Annotated[PortalUser, Depends(staff_guard(*ROLES["cases"]))]
PlanStaff = Annotated[PortalUser, Depends(staff_guard(*ROLES["plan"]))]
StatusStaff = Annotated[PortalUser, Depends(staff_guard(*ROLES["status"]))]
AuditStaff = Annotated[PortalUser, Depends(staff_guard(*ROLES["audit"]))]
ReportStaff = Annotated[PortalUser, Depends(staff_guard(*ROLES["reports"]))]
AdminStaff = Annotated[PortalUser, Depends(staff_guard(*ROLES["accounts"]))]

_SECTIONS = (
    ("partners", "Partners", "/partners", "Every partner: tier, status, key on file."),
    ("cases", "Cases", "/cases", "Cases, their wave plans, release status and reports."),
    ("audit", "Audit log", "/audit", "Recompute and verify the whole tamper-evident log."),
    ("reports", "Reports", "/reports", "Investigation reports: who leaked, with what odds."),
    ("accounts", "Staff accounts", "/accounts", "Who may sign in here, with which role."),
)
_CASE_LINKS = (
    ("plan", "Wave plan", "cases/{}/plan"),
    ("status", "Release status", "cases/{}/status"),
    ("reports", "Report", "reports/{}"),
)


def _page(template: str, user: PortalUser, *, title: str, here: str, **context: Any) -> Response:
    """A staff page with the navigation this role may use."""
    assert user.staff is not None
    role = user.staff.role
    sections = [s for s in _SECTIONS if role in ROLES[s[0]]]
    return pages.render(
        template,
        title=title,
        user=user,
        staff=True,
        here=f"{pages.STAFF_PREFIX}{here}",
        nav=[(label, f"{pages.STAFF_PREFIX}{path}") for _, label, path, _ in sections],
        pages_for_role=[
            (label, f"{pages.STAFF_PREFIX}{path}", what) for _, label, path, what in sections
        ],
        case_links=[(label, path) for key, label, path in _CASE_LINKS if role in ROLES[key]],
        **context,
    )


router = APIRouter(prefix=pages.STAFF_PREFIX, include_in_schema=False)


@router.get("/login")
def login_form(request: Request) -> Response:
    """The staff sign-in page: name, password and the authenticator app's code."""
    return login_page(request, staff=True)


@router.post("/login")
def login(
    request: Request,
    form: FormDep,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> Response:
    """Check the password and the TOTP code; failures lock the name and the address out."""
    require_login_csrf(request, form)
    address = client_address(request)
    account_key, address_key = throttle_keys(form.get("name", ""), address)
    throttled = (account_key, address_key)
    if (locked := locked_out(request, context, now, throttled, staff=True)) is not None:
        return locked
    try:
        verified = check_credentials(
            session,
            context.program.keys,
            form.get("name", ""),
            form.get("password", ""),
            form.get("code", ""),
            now,
        )
    except AuthenticationError as exc:
        return refused(
            request,
            context,
            now,
            exc.message,
            staff=True,
            address_key=address_key,
            account_key=account_key,
        )

    def sign_in(batch: Session, at: datetime) -> tuple[str, list[AuditEntry]]:
        entry = accept_sign_in(batch, verified, at)
        record_success(batch, account_key)
        raw, _ = open_session(batch, now=at, staff_id=verified.staff_id)
        return raw, [entry]

    try:
        raw = context.audit.submit(sign_in)
    except AuthenticationError as exc:
        return login_page(request, staff=True, error=exc.diagnostics(), status=401)
    return entered(raw, f"{pages.STAFF_PREFIX}/")


@router.get("/")
def dashboard(user: AnyStaff, session: deps.SessionDep) -> Response:
    """What this role may open, with the program's cases."""
    return _page("staff_home.html.j2", user, title="Staff", here="/", cases=list_cases(session))


@router.get("/partners")
def partners(user: PartnersStaff, session: deps.SessionDep) -> Response:
    """Every partner: tier, country, status, key on file."""
    return _page(
        "staff_partners.html.j2",
        user,
        title="Partners",
        here="/partners",
        partners=list_partners(session),
    )


@router.get("/cases")
def cases(user: CasesStaff, session: deps.SessionDep) -> Response:
    """Every case with its planned patch date and status."""
    return _page(
        "staff_cases.html.j2", user, title="Cases", here="/cases", cases=list_cases(session)
    )


@router.get("/cases/{case_id}/plan")
def plan(
    case_id: deps.CaseId, user: PlanStaff, session: deps.SessionDep, now: deps.NowDep
) -> Response:
    """The wave plan: per wave, who gets which artifacts when, who is left out and why."""
    case = get_case(session, case_id)
    waves = plan_case(session, case_id)
    releases = case_releases(session, case_id)
    return _page(
        "staff_plan.html.j2",
        user,
        title=f"{case_id} wave plan",
        here="/cases",
        case=case,
        waves=waves,
        left_out=left_out(waves, releases, now),
        now=now,
    )


@router.get("/cases/{case_id}/status")
def status(
    case_id: deps.CaseId, user: StatusStaff, session: deps.SessionDep, now: deps.NowDep
) -> Response:
    """Release status per wave: per partner, released, fetched and acknowledged, with times."""
    case = get_case(session, case_id)
    fetched: dict[str, datetime] = {}
    for fetch in fetches_of(session, case_id):
        fetched.setdefault(fetch.release_id, fetch.at)
    acked: dict[str, datetime] = {}
    for ack in acknowledgements_of(session, case_id):
        acked.setdefault(ack.release_id, ack.at)
    waves: dict[tuple[datetime, str], list[dict[str, object]]] = defaultdict(list)
    for release in case_releases(session, case_id):
        if release.state is ReleaseState.CANCELLED:
            continue
        waves[(release.available_at, release.tier)].append(
            {
                "partner": release.partner,
                "release": release.id,
                "state": release.state.value,
                "due": release.available_at <= now,
                "fetched": fetched.get(release.id),
                "acked": acked.get(release.id),
            }
        )
    return _page(
        "staff_status.html.j2",
        user,
        title=f"{case_id} release status",
        here="/cases",
        case=case,
        waves=sorted(waves.items()),
        now=now,
    )


@router.get("/audit")
def audit(user: AuditStaff, session: deps.SessionDep, context: deps.ContextDep) -> Response:
    """Recompute the whole audit log and check it against every witness that can be read back,
    with the check `forewarn audit verify` runs, and show the result."""
    program = context.program
    key = program.keys.signing_key.public_key()
    try:
        report = verify_program_log(session, key, program.witness, context.settings.program)
        failure = None
    except IntegrityError as exc:
        report, failure = None, exc.diagnostics()
    return _page(
        "staff_audit.html.j2",
        user,
        title="Audit log",
        here="/audit",
        report=report,
        failure=failure,
    )


@router.get("/reports")
def reports(user: ReportStaff, session: deps.SessionDep) -> Response:
    """The cases whose investigation report can be opened."""
    return _page(
        "staff_reports.html.j2",
        user,
        title="Investigation reports",
        here="/reports",
        cases=list_cases(session),
    )


@router.get("/reports/{case_id}")
def report(
    case_id: deps.CaseId,
    user: ReportStaff,
    session: deps.SessionDep,
    now: deps.NowDep,
    context: deps.ContextDep,
) -> Response:
    """A case's investigation report as of now (the `forewarn investigate --html` page),
    sandboxed: it runs nothing."""
    result = run_investigation(session, context.program.keys, case_id, as_of=now)
    answer = HTMLResponse(render_html(result))
    answer.headers["Content-Security-Policy"] = pages.REPORT_CSP
    return answer


def _accounts_page(user: PortalUser, session: Session, *, notice: str | None = None) -> Response:
    accounts: list[StaffAccount] = list_staff(session)
    return _page(
        "staff_accounts.html.j2",
        user,
        title="Staff accounts",
        here="/accounts",
        accounts=accounts,
        notice=notice,
    )


@router.get("/accounts")
def accounts(user: AdminStaff, session: deps.SessionDep) -> Response:
    """Every staff account (admins only)."""
    return _accounts_page(user, session)


@router.post("/accounts/disable")
def disable(
    user: AdminStaff, form: CheckedForm, session: deps.SessionDep, context: deps.ContextDep
) -> Response:
    """Disable an account; the leaf names it and the admin who did it."""
    assert user.staff is not None
    actor = user.staff.name
    name, reason = form.get("name", ""), form.get("reason", "") or "disabled in the portal"

    def change(batch: Session, at: datetime) -> tuple[StaffAccount, list[AuditEntry]]:
        account, entry = disable_staff(batch, name, now=at, actor=actor, reason=reason)
        return account, [entry]

    disabled = context.audit.submit(change)
    return _accounts_page(user, session, notice=f"{disabled.name} is disabled")
