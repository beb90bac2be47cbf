"""The partner service: FastAPI app behind `forewarn serve`.

Extension points (for the TAXII, portal and staff routers):

- **A router**: a module `forewarn/api/routers/NAME.py` exposing `router = APIRouter(...)`,
  listed in `forewarn.api.app.ROUTERS` (mounted under `/api/v1`) or `ROOT_ROUTERS` (its own
  prefix, e.g. `/taxii2`, `/portal`). Error responses for the OpenAPI document come from
  `forewarn.api.schemas.problem_responses`.
- **Per-request parts** (`forewarn.api.deps`): `SessionDep` (a SQLAlchemy session in its own
  transaction), `CallerDep` (the partner behind `Authorization: Bearer fwp_…`, raising 401/403),
  `NowDep` (the service clock), `ContextDep` (settings, the open program with its keys, the audit
  writer, the rate limiter). A new kind of caller (a staff session) is one more dependency
  beside `current_partner`.
- **Audit leaves**: `ContextDep.audit.submit(work)` runs `work(session, now) -> (result,
  entries)` in the next group-committed batch and returns once it is committed
  (`forewarn.program.audit_batch`).
- **Errors**: raise any `forewarn.errors.Error`; `forewarn.api.problems` maps it to a problem
  document (`application/problem+json`) in one place, or, below a prefix listed in
  `forewarn.api.app.RENDERERS`, to that protocol's own error (TAXII error messages under
  `/taxii2`, the 413 and 429 of the middleware too).
- **Headers**: `forewarn.api.middleware.SecurityHeaders` sets a strict API CSP unless the route
  set its own `Content-Security-Policy` (a portal page), and `Cache-Control: no-store` under
  `NO_STORE_PREFIXES` of `forewarn.api.app`.
- **Tests**: `tests/api/service_world.py` stages a program and runs `forewarn serve` on a free
  loopback port (`serving(...)`); `tests/api/conftest.py` shares one per backend.
"""
