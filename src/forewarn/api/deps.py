"""FastAPI dependencies: the service's parts, a DB session per request, the current partner.

A route declares what it needs by type, and FastAPI supplies it:

```python
from forewarn.api import deps

@router.get("/things")
def things(caller: deps.CallerDep, session: deps.SessionDep, now: deps.NowDep) -> list[str]:
    caller.require(ApiScope.CASES_READ)     # raises AuthorizationError (403) without the scope
    ...
```

- `SessionDep`: a SQLAlchemy `Session` in its own transaction, committed when the request's
  work is done, rolled back on any error. Leaves of the audit log are *not* written through it:
  use `ContextDep.audit.submit(...)` (group commit, see `forewarn.program.audit_batch`).
- `CallerDep`: the authenticated partner (`forewarn.program.api_tokens.Caller`) from the
  `Authorization: Bearer fwp_…` header; a missing, unknown, revoked or expired token raises
  `AuthenticationError` (401), a suspended partner `AuthorizationError` (403).
- `NowDep`: the instant of the request from the service's clock.
- `ContextDep`: the whole `ServiceContext` (settings, program, audit writer).
- `CaseId`: a case id in the path (the REST API, the partner portal and the staff pages alike).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from forewarn.api.context import ServiceContext
from forewarn.errors import AuthenticationError
from forewarn.program.api_tokens import Caller, authenticate

CALLER_STATE = "forewarn_caller"
"""`request.state` attribute holding the authenticated caller (for the rate limiter's key)."""

CaseId = Annotated[str, Path(min_length=1, max_length=64, description="The case id.")]
"""A case id in a route's path; the 64 characters `domain.validation` allows at the most."""

_bearer = HTTPBearer(auto_error=False, description="A partner API token: `Bearer fwp_…`.")


def service(request: Request) -> ServiceContext:
    """The running service's context."""
    context: ServiceContext = request.app.state.forewarn
    return context


ContextDep = Annotated[ServiceContext, Depends(service)]


def db_session(context: ContextDep) -> Iterator[Session]:
    """One transaction per request (committed after the route returns, before the response)."""
    with context.program.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(db_session, scope="function")]


def request_now(context: ContextDep) -> datetime:
    """The instant of this request."""
    return context.clock()


NowDep = Annotated[datetime, Depends(request_now)]


def current_partner(
    request: Request,
    session: SessionDep,
    now: NowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The partner behind the bearer token, or raise (see the module docstring)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("a partner API token is required", hint="send `Bearer fwp_…`")
    caller = authenticate(session, credentials.credentials, now)
    setattr(request.state, CALLER_STATE, caller)
    return caller


CallerDep = Annotated[Caller, Depends(current_partner)]


def end_reads(session: Session) -> None:
    """End the request's (read-only) transaction, returning its connection to the pool.

    Call it before waiting on the audit writer: a request waiting for its batch then holds no
    connection, so the requests behind it can read and join the same batch.
    """
    session.commit()
