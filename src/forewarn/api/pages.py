"""How the portal answers a browser: templates, its Content-Security-Policy, forms, error pages.

Pages are Jinja2 templates under `forewarn/api/templates/portal/` (autoescaped, strict), styled
and scripted only by `/portal/static/portal.css` and `portal.js`: the policy allows no inline
script or style, nothing from another origin, and forms posting only to the portal itself.
Every POST form carries its session's CSRF token (`csrf` field); `read_form` parses a small
URL-encoded body (the service's body limit applies before it is read).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from forewarn.domain.validation import format_instant

PORTAL_PREFIX = "/portal"
"""Where the portal's pages are."""

STAFF_PREFIX = f"{PORTAL_PREFIX}/staff"
"""Where the staff pages are."""

PORTAL_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
"""Scripts and styles from the portal's own static files only; no inline code."""

REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"
)
"""An investigation report is one self-contained file (inline styles, a data: image, no
script): shown sandboxed, so nothing in it can act as the signed-in user."""

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
"""What the portal's forms send."""

MAX_FIELDS = 20
"""Most fields a portal form has."""


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("forewarn.api", "templates/portal"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["utc"] = lambda at: format_instant(at) if at else ""
    env.filters["iso"] = lambda at: at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at else ""
    env.filters["human"] = lambda at: (
        at.astimezone(UTC).strftime("%a %d %b %Y, %H:%M UTC") if at else ""
    )
    return env


_ENV = _env()


def render(
    template: str,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page from `template` with the portal's CSP."""
    html = _ENV.get_template(template).render(**context)
    answer = HTMLResponse(html, status_code=status, headers=dict(headers or {}))
    answer.headers["Content-Security-Policy"] = PORTAL_CSP
    return answer


def redirect(path: str) -> RedirectResponse:
    """See other: after a POST, or to the sign-in page."""
    return RedirectResponse(path, status_code=303)


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a URL-encoded form (the first value of each), or none for anything else."""
    if request.headers.get("content-type", "").split(";")[0].strip() != FORM_MEDIA_TYPE:
        return {}
    body = (await request.body()).decode("utf-8", errors="replace")
    fields: dict[str, str] = {}
    for key, value in parse_qsl(body, keep_blank_values=True, max_num_fields=MAX_FIELDS):
        fields.setdefault(key, value)
    return fields


def static_file(name: str) -> tuple[bytes, str] | None:
    """A static asset of the portal and its media type (`None` if there is no such file)."""
    types = {"portal.css": "text/css; charset=utf-8", "portal.js": "text/javascript; charset=utf-8"}
    if name not in types:
        return None
    data = (resources.files("forewarn.api") / "static" / name).read_bytes()
    return data, types[name]


def error_page(request: Request, status: int, slug: str, detail: str, hint: str | None) -> Response:
    """An error on a portal path: the sign-in page for a GET without a session, else a page."""
    staff = request.url.path.startswith(STAFF_PREFIX)
    if status == 401 and request.method == "GET":
        return redirect(f"{STAFF_PREFIX}/login" if staff else f"{PORTAL_PREFIX}/login")
    titles = {401: "Sign in needed", 403: "Not allowed", 404: "Not found", 429: "Slow down"}
    return render(
        "error.html.j2",
        status=status,
        title=titles.get(status, "Something went wrong"),
        status_code=status,
        slug=slug,
        detail=detail,
        hint=hint,
        staff=staff,
        user=None,
    )
