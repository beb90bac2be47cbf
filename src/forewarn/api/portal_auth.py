"""Who is signed in to the portal: dependencies for partner pages, staff pages and their forms.

```python
@router.get("/staff/partners")
def partners(user: Annotated[PortalUser, Depends(staff_guard(StaffRole.ADMIN))]) -> Response:
    ...

@router.post("/cases/{case_id}/ack")
def ack(user: portal_auth.PartnerDep, form: portal_auth.CheckedForm) -> Response: ...
```

- a page without a session raises `AuthenticationError` (a GET is sent to the sign-in page);
- a staff page asked by a partner's session, a partner page by a staff session, or a staff
  page by a role not allowed on it raises `AuthorizationError` (403);
- `CheckedForm` parses the POST body and raises `AuthorizationError` unless it carries the
  session's CSRF token. The sign-in forms, before any session, use a double-submit token
  instead (`LOGIN_COOKIE`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Response

from forewarn.api import deps, pages
from forewarn.api.context import ServiceContext
from forewarn.domain import ApiScope, Partner, StaffAccount, StaffRole
from forewarn.errors import AuthenticationError, AuthorizationError
from forewarn.program.portal_sessions import (
    ABSOLUTE,
    SignedIn,
    StoredSession,
    record_failure,
    require_csrf,
    require_not_locked,
    signed_in,
)
from forewarn.program.staff import require_role

SESSION_COOKIE = "fw_session"
"""The session cookie: Secure, HttpOnly, SameSite=Strict, path `/portal`."""

LOGIN_COOKIE = "fw_login"
"""The sign-in forms' double-submit CSRF token, before there is a session."""


@dataclass(frozen=True, slots=True)
class PortalUser:
    """A signed-in browser."""

    raw_id: str
    """The session id from the cookie (never stored)."""
    session: StoredSession
    """The session, resumed."""
    staff: StaffAccount | None = None
    """The staff account, for a staff session."""
    signed_in: SignedIn | None = None
    """Who the session is for, with a partner session's scopes."""

    @property
    def partner(self) -> Partner | None:
        """The partner, for a partner session."""
        return None if self.signed_in is None else self.signed_in.partner

    def require(self, scope: ApiScope) -> None:
        """Raise `AuthorizationError` unless this partner session may use `scope`."""
        assert self.signed_in is not None
        self.signed_in.require(scope)

    @property
    def csrf(self) -> str:
        """The token every form of this session carries."""
        return self.session.csrf_token

    @property
    def label(self) -> str:
        """Who is signed in, for the page header."""
        if self.staff is not None:
            return f"{self.staff.name} · {self.staff.role.value}"
        assert self.partner is not None
        return self.partner.name


def current_user(request: Request, context: deps.ContextDep, now: deps.NowDep) -> PortalUser:
    """The browser's open session, or `AuthenticationError`.

    Resumed in a short transaction of its own, committed at once: the request's own session
    stays read-only, so the audit writer is never kept waiting on its locks.
    """
    raw = request.cookies.get(SESSION_COOKIE, "")
    with context.program.session() as session:
        found = signed_in(session, raw, now)
    return PortalUser(raw, found.session, staff=found.staff, signed_in=found)


UserDep = Annotated[PortalUser, Depends(current_user)]


def partner_user(user: UserDep) -> PortalUser:
    """A partner's session, or `AuthorizationError` (a staff session)."""
    if user.partner is None:
        raise AuthorizationError("partner pages are for partners; staff use /portal/staff/")
    return user


PartnerDep = Annotated[PortalUser, Depends(partner_user)]


def staff_guard(*roles: StaffRole) -> Callable[[PortalUser], PortalUser]:
    """A dependency: the staff member of this session if its role is one of `roles`."""
    allowed = frozenset(roles)

    def staff_user(user: UserDep) -> PortalUser:
        if user.staff is None:
            raise AuthorizationError("staff pages are for staff accounts")
        require_role(user.staff, allowed)
        return user

    return staff_user


async def _form(request: Request) -> dict[str, str]:
    return await pages.read_form(request)


FormDep = Annotated[dict[str, str], Depends(_form)]


def checked_form(user: UserDep, form: FormDep) -> dict[str, str]:
    """The POSTed form, once its CSRF token matched the session's."""
    require_csrf(user.csrf, form.get("csrf"))
    return form


CheckedForm = Annotated[dict[str, str], Depends(checked_form)]


def login_token(request: Request) -> str:
    """The double-submit token of a sign-in form: the cookie's, or a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)


def require_login_csrf(request: Request, form: dict[str, str]) -> None:
    """Raise `AuthorizationError` unless a sign-in form sent back its cookie's token; a client
    that sent the form but not the cookie is told why (a `Secure` cookie over plain HTTP)."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie and form.get("csrf") and request.url.scheme != "https":
        raise AuthorizationError(
            f"the sign-in form came back without its {LOGIN_COOKIE} cookie: the portal's cookies "
            "are Secure, and a client that is not a browser keeps them off plain HTTP",
            hint="in a browser, reload the sign-in page; a script sends the cookie back itself "
            "or uses the REST API; or serve over TLS (--tls-cert, --tls-key)",
        )
    require_csrf(cookie, form.get("csrf"))


def set_cookie(response: Response, name: str, value: str, *, path: str) -> None:
    """A cookie as the portal sets them: Secure, HttpOnly, SameSite=Strict."""
    response.set_cookie(
        name,
        value,
        max_age=int(ABSOLUTE.total_seconds()),
        path=path,
        secure=True,
        httponly=True,
        samesite="strict",
    )


def login_page(
    request: Request, *, staff: bool, error: str | None = None, status: int = 200
) -> Response:
    """The partner or the staff sign-in form, with a fresh double-submit CSRF cookie (there is
    no session yet to hold the token)."""
    token = login_token(request)
    answer = pages.render(
        "staff_login.html.j2" if staff else "partner_login.html.j2",
        status=status,
        title="Staff sign-in" if staff else "Partner sign-in",
        csrf=token,
        error=error,
        user=None,
        staff=staff,
    )
    set_cookie(answer, LOGIN_COOKIE, token, path=pages.PORTAL_PREFIX)
    return answer


def locked_out(
    request: Request, context: ServiceContext, now: datetime, keys: tuple[str, ...], *, staff: bool
) -> Response | None:
    """The sign-in form again (429) while any of `keys` is locked out; `None` to go on."""
    try:
        with context.program.session() as own:
            require_not_locked(own, keys, now)
    except AuthenticationError as exc:
        return login_page(request, staff=staff, error=exc.diagnostics(), status=429)
    return None


def refused(
    request: Request,
    context: ServiceContext,
    now: datetime,
    error: str,
    *,
    staff: bool,
    address_key: str,
    account_key: str | None = None,
) -> Response:
    """Count a failed sign-in against its address (and account) and show the form again (401);
    counted in its own transaction, so the request's own rollback cannot undo it."""
    with context.program.session() as own:
        record_failure(own, now, address_key=address_key, account_key=account_key)
    return login_page(request, staff=staff, error=error, status=401)


def entered(raw_session: str, target: str) -> Response:
    """The redirect after a sign-in: it sets the session cookie and drops the login CSRF one."""
    answer = pages.redirect(target)
    set_cookie(answer, SESSION_COOKIE, raw_session, path=pages.PORTAL_PREFIX)
    answer.delete_cookie(LOGIN_COOKIE, path=pages.PORTAL_PREFIX)
    return answer


def client_address(request: Request) -> str:
    """The peer's address, the key sign-in failures are counted under (uvicorn's own view)."""
    return request.client.host if request.client else "unknown"
