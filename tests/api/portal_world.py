"""The portal's world: the staged partner program of `service_world`, staff accounts of every
role added with `forewarn staff add`, one `forewarn serve`, and a way to sign in over HTTP.

Cookies are carried by hand (`Cookie:` headers): the portal's are `Secure`, which a cookie jar
rightly keeps off plain HTTP, while the test server is plain HTTP on loopback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyotp
from typer.testing import CliRunner

from forewarn.cli.app import app
from forewarn.domain import StaffRole
from forewarn.program.audit import recorded_payload
from forewarn.program.service import open_program
from forewarn.settings import Settings
from forewarn.store.audit_repo import AuditRepository

from .service_world import serving, stage

PASSWORD = "a long staff passphrase"
ROLE_ACCOUNTS = {role: f"{role.value}@program.example" for role in StaffRole}
"""One account per role, signed in once for the whole session (a TOTP code works once)."""
BROWSER_ACCOUNT = "browser-admin@program.example"
LOCKED_ACCOUNT = "locked@program.example"
VICTIM_ACCOUNT = "leaver@program.example"
OTHER_ACCOUNTS = {
    BROWSER_ACCOUNT: StaffRole.ADMIN,
    LOCKED_ACCOUNT: StaffRole.ANALYST,
    VICTIM_ACCOUNT: StaffRole.ANALYST,
}

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass(frozen=True)
class Portal:
    """A running portal and what the tests need to use it."""

    url: str
    settings: Settings
    tokens: dict[str, str]
    """Partner caller label → API token (see `service_world.stage`)."""
    totp: dict[str, str]
    """Staff account → its TOTP secret (as `staff add` printed it once)."""
    log: Path
    """The server's output."""

    def client(self) -> httpx.Client:
        """A client that follows no redirects and keeps no cookies."""
        return httpx.Client(base_url=self.url, timeout=60, follow_redirects=False)

    def leaves(self, kind: str) -> list[dict[str, object]]:
        """Payloads of the audit log's leaves of one kind, in order."""
        program = open_program(self.settings)
        with program, program.session() as session:
            return [
                recorded_payload(leaf)  # as the use case wrote it
                for leaf in AuditRepository(session).leaves()
                if leaf.kind == kind
            ]


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """The cookies a response sets (name → value), and the full header of each."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        name, _, value = header.split(";")[0].partition("=")
        found[name] = value
    return found


def cookie_header(cookies: Mapping[str, str]) -> dict[str, str]:
    """A `Cookie:` header carrying `cookies`."""
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(page.text)
    assert found is not None, page.text[:500]
    return found.group(1)


def sign_in_partner(client: httpx.Client, token: str) -> httpx.Response:
    """POST the partner sign-in form as a browser would (its cookie and token first)."""
    form = client.get("/portal/login")
    return client.post(
        "/portal/login",
        data={"csrf": csrf_of(form), "token": token},
        headers=cookie_header(set_cookies(form)),
    )


def sign_in_partner_password(
    client: httpx.Client, name: str, password: str, code: str
) -> httpx.Response:
    """POST the partner password sign-in form as a browser would."""
    form = client.get("/portal/login")
    return client.post(
        "/portal/login/password",
        data={"csrf": csrf_of(form), "name": name, "password": password, "code": code},
        headers=cookie_header(set_cookies(form)),
    )


def sign_in_staff(client: httpx.Client, name: str, password: str, code: str) -> httpx.Response:
    """POST the staff sign-in form as a browser would."""
    form = client.get("/portal/staff/login")
    return client.post(
        "/portal/staff/login",
        data={"csrf": csrf_of(form), "name": name, "password": password, "code": code},
        headers=cookie_header(set_cookies(form)),
    )


def add_staff(settings: Settings, name: str, role: StaffRole) -> str:
    """`forewarn staff add NAME --role ROLE`, the password on stdin; its TOTP secret."""
    where = ["--db", settings.database_url, "--key-file", str(settings.key_file), "--json"]
    args = ["staff", "add", name, "--role", role.value, "--password-stdin"]
    result = CliRunner().invoke(app, [*where, *args], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    secret: str = json.loads(result.stdout)["totp_secret"]
    assert (
        pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="forewarn")
        == json.loads(result.stdout)["otpauth_uri"]
    )
    return secret


@contextmanager
def portal(folder: Path, settings: Settings) -> Iterator[Portal]:
    """Stage the program and its staff, and serve it."""
    tokens, _ = stage(settings)
    accounts = {**{n: r for r, n in ROLE_ACCOUNTS.items()}, **OTHER_ACCOUNTS}
    totp = {name: add_staff(settings, name, role) for name, role in accounts.items()}
    log = folder / "serve.log"
    with serving(settings, log) as url:
        yield Portal(url, settings, tokens, totp, log)
