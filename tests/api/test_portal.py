"""The portal over HTTP, from outside: who may open which staff page, sessions, CSRF, throttling,
and what the audit log records of it (the acting account, never a secret).

Every staff page is asked by every role, by a partner's session and by nobody; the table of
who may open what is written here, apart from the code's own. Browser journeys are in
`test_portal_browser.py`; both use the one served program of the `portal` fixture.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pyotp
import pytest

from forewarn.domain import LeafKind, StaffRole

from .portal_world import (
    LOCKED_ACCOUNT,
    PASSWORD,
    ROLE_ACCOUNTS,
    VICTIM_ACCOUNT,
    Portal,
    cookie_header,
    csrf_of,
    set_cookies,
    sign_in_partner,
    sign_in_partner_password,
    sign_in_staff,
)
from .service_world import CONTOSO, FABRIKAM, FUTURE, NORTHWIND, PAST, STAGGERED

A, C, N, U = StaffRole.ADMIN, StaffRole.COORDINATOR, StaffRole.ANALYST, StaffRole.AUDITOR
EVERYONE = frozenset(StaffRole)

STAFF_PAGES = {
    "/portal/staff/": EVERYONE,
    "/portal/staff/partners": {A, C, U},
    "/portal/staff/cases": EVERYONE,
    f"/portal/staff/cases/{STAGGERED}/plan": {A, C, N},
    f"/portal/staff/cases/{STAGGERED}/status": {A, C, U},
    "/portal/staff/audit": {A, U},
    "/portal/staff/reports": {A, C, N},
    f"/portal/staff/reports/{PAST}": {A, C, N},
    "/portal/staff/accounts": {A},
}
"""Each staff page and the roles that may open it."""

SPENT: dict[str, str] = {}
"""The code each role's account signed in with."""

PARTNER_PAGES = (
    "/portal/cases",
    f"/portal/cases/{PAST}",
    f"/portal/cases/{PAST}/bundle",
    "/portal/checkpoint.json",
    "/portal/checkpoint/consistency.json?from=1",
)


@pytest.fixture(scope="module")
def client(portal: Portal) -> Iterator[httpx.Client]:
    with portal.client() as opened:
        yield opened


@pytest.fixture(scope="module")
def staff_cookies(portal: Portal, client: httpx.Client) -> dict[StaffRole, dict[str, str]]:
    """One signed-in session per role (each account's code is spent once)."""
    cookies = {}
    for role, name in ROLE_ACCOUNTS.items():
        code = pyotp.TOTP(portal.totp[name]).now()
        SPENT[name] = code
        answer = sign_in_staff(client, name, PASSWORD, code)
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/portal/staff/"
        cookies[role] = {"fw_session": set_cookies(answer)["fw_session"]}
    return cookies


@pytest.fixture(scope="module")
def partner_cookie(portal: Portal, client: httpx.Client) -> dict[str, str]:
    answer = sign_in_partner(client, portal.tokens["northwind"])
    assert answer.status_code == 303, answer.text
    return {"fw_session": set_cookies(answer)["fw_session"]}


@pytest.mark.parametrize("path", list(STAFF_PAGES))
@pytest.mark.parametrize("role", list(StaffRole))
def test_every_staff_page_for_every_role(
    client: httpx.Client,
    staff_cookies: dict[StaffRole, dict[str, str]],
    path: str,
    role: StaffRole,
) -> None:
    answer = client.get(path, headers=cookie_header(staff_cookies[role]))
    if role in STAFF_PAGES[path]:
        assert answer.status_code == 200, answer.text[:400]
    else:
        assert answer.status_code == 403
        assert f"you are {role.value}" in answer.text


@pytest.mark.parametrize("path", list(STAFF_PAGES))
def test_staff_pages_refuse_anonymous_and_partners(
    client: httpx.Client, partner_cookie: dict[str, str], path: str
) -> None:
    anonymous = client.get(path)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/portal/staff/login"
    as_partner = client.get(path, headers=cookie_header(partner_cookie))
    assert as_partner.status_code == 403
    assert "staff pages are for staff accounts" in as_partner.text


@pytest.mark.parametrize("path", PARTNER_PAGES)
def test_partner_pages_refuse_anonymous_and_staff(
    client: httpx.Client, staff_cookies: dict[StaffRole, dict[str, str]], path: str
) -> None:
    anonymous = client.get(path)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/portal/login"
    for cookies in staff_cookies.values():
        assert client.get(path, headers=cookie_header(cookies)).status_code == 403


def test_session_cookie_is_strict_and_only_its_hash_is_stored(portal: Portal) -> None:
    with portal.client() as client:
        answer = sign_in_partner(client, portal.tokens["contoso"])
    header = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("fw_session="))
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    assert {"secure", "httponly", "samesite=strict", "path=/portal"} <= flags
    raw = set_cookies(answer)["fw_session"]
    database = portal.settings.database_url.removeprefix("sqlite:///")
    with open(database, "rb") as db:
        assert raw.encode() not in db.read()


def test_partner_pages_name_no_other_partner(
    client: httpx.Client, partner_cookie: dict[str, str]
) -> None:
    for path in ("/portal/cases", f"/portal/cases/{PAST}", f"/portal/cases/{FUTURE}"):
        page = client.get(path, headers=cookie_header(partner_cookie))
        assert page.status_code == 200
        assert NORTHWIND in page.text
        assert CONTOSO not in page.text
        assert FABRIKAM not in page.text


def test_a_post_without_the_csrf_token_is_refused(
    portal: Portal,
    client: httpx.Client,
    partner_cookie: dict[str, str],
    staff_cookies: dict[StaffRole, dict[str, str]],
) -> None:
    acks = len(portal.leaves(LeafKind.ACK))
    headers = cookie_header(partner_cookie)
    for data in ({"note": "no token"}, {"note": "wrong", "csrf": "x" * 43}):
        refused = client.post(f"/portal/cases/{PAST}/ack", data=data, headers=headers)
        assert refused.status_code == 403
        assert "stale or was not sent from the portal" in refused.text
    assert len(portal.leaves(LeafKind.ACK)) == acks
    admin = cookie_header(staff_cookies[A])
    refused = client.post(
        "/portal/staff/accounts/disable", data={"name": VICTIM_ACCOUNT}, headers=admin
    )
    assert refused.status_code == 403
    # the sign-in forms too: without the form's own cookie, the token in the form is not enough
    form = client.get("/portal/login")
    refused = client.post(
        "/portal/login", data={"csrf": csrf_of(form), "token": portal.tokens["northwind"]}
    )
    assert refused.status_code == 403
    # and with it, a signed-in ack goes through and is logged
    page = client.get(f"/portal/cases/{PAST}", headers=headers)
    done = client.post(
        f"/portal/cases/{PAST}/ack", data={"csrf": csrf_of(page), "note": "ok"}, headers=headers
    )
    assert done.status_code == 303
    assert portal.leaves(LeafKind.ACK)[-1]["partner"] == NORTHWIND


def test_bad_passwords_lock_the_account_out(portal: Portal, client: httpx.Client) -> None:
    code = pyotp.TOTP(portal.totp[LOCKED_ACCOUNT])
    for _ in range(5):
        wrong = sign_in_staff(client, LOCKED_ACCOUNT, "not the passphrase", code.now())
        assert wrong.status_code == 401
        assert "wrong name, password or code" in wrong.text
    # the sixth failure locks the name out: now even the right password and code are refused
    assert sign_in_staff(client, LOCKED_ACCOUNT, "still wrong", code.now()).status_code == 401
    locked = sign_in_staff(client, LOCKED_ACCOUNT, PASSWORD, code.now())
    assert locked.status_code == 429
    assert "too many failed sign-ins" in locked.text
    assert "fw_session" not in set_cookies(locked)


def test_a_totp_code_works_once_and_mfa_is_required(
    portal: Portal, client: httpx.Client, staff_cookies: dict[StaffRole, dict[str, str]]
) -> None:
    name = ROLE_ACCOUNTS[A]
    replayed = sign_in_staff(client, name, PASSWORD, SPENT[name])
    assert replayed.status_code == 401
    assert "fw_session" not in set_cookies(replayed)
    assert sign_in_staff(client, name, PASSWORD, "").status_code == 401


def test_an_admin_disables_an_account_audited_under_the_admins_name(
    portal: Portal, client: httpx.Client, staff_cookies: dict[StaffRole, dict[str, str]]
) -> None:
    for role in (C, N, U):
        headers = cookie_header(staff_cookies[role])
        page = client.get("/portal/staff/", headers=headers)
        refused = client.post(
            "/portal/staff/accounts/disable",
            data={"csrf": csrf_of(page), "name": VICTIM_ACCOUNT},
            headers=headers,
        )
        assert refused.status_code == 403
    admin = cookie_header(staff_cookies[A])
    page = client.get("/portal/staff/accounts", headers=admin)
    done = client.post(
        "/portal/staff/accounts/disable",
        data={"csrf": csrf_of(page), "name": VICTIM_ACCOUNT, "reason": "left the program"},
        headers=admin,
    )
    assert done.status_code == 200
    assert f"{VICTIM_ACCOUNT} is disabled" in done.text
    leaf = portal.leaves(LeafKind.STAFF)[-1]
    assert leaf == {
        "action": "disable",
        "account": VICTIM_ACCOUNT,
        "actor": ROLE_ACCOUNTS[A],
        "reason": "left the program",
    }
    code = pyotp.TOTP(portal.totp[VICTIM_ACCOUNT]).now()
    assert sign_in_staff(client, VICTIM_ACCOUNT, PASSWORD, code).status_code == 401


def test_staff_leaves_name_accounts_and_never_a_secret(
    portal: Portal, staff_cookies: dict[StaffRole, dict[str, str]]
) -> None:
    leaves = portal.leaves(LeafKind.STAFF)
    signed_in = {leaf["account"] for leaf in leaves if leaf["action"] == "login"}
    assert set(ROLE_ACCOUNTS.values()) <= signed_in
    added = {leaf["account"]: leaf["role"] for leaf in leaves if leaf["action"] == "add"}
    assert added[ROLE_ACCOUNTS[A]] == "admin"
    text = repr(leaves)
    assert PASSWORD not in text
    assert not any(secret in text for secret in portal.totp.values())
    served = portal.log.read_text()
    assert PASSWORD not in served
    assert not any(token in served for token in portal.tokens.values())


def test_portal_pages_carry_their_policy_and_are_never_cached(
    client: httpx.Client, partner_cookie: dict[str, str]
) -> None:
    for path in ("/portal/login", "/portal/staff/login", "/portal/cases"):
        page = client.get(path, headers=cookie_header(partner_cookie))
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
        assert page.headers["cache-control"] == "no-store"
        assert "<script>" not in page.text and " style=" not in page.text
    missing = client.get("/portal/cases/FW-2000-0404", headers=cookie_header(partner_cookie))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")


def test_a_suspended_partner_cannot_sign_in_and_a_revoked_token_ends_its_session(
    portal: Portal, client: httpx.Client
) -> None:
    refused = sign_in_partner(client, portal.tokens["suspended"])
    assert refused.status_code == 401
    assert "fw_session" not in set_cookies(refused)
    issued = _cli(portal, "partner", "api-token", "issue", CONTOSO, "--label", "portal test")
    signed_in = sign_in_partner(client, str(issued["secret"]))
    cookies = cookie_header({"fw_session": set_cookies(signed_in)["fw_session"]})
    assert client.get("/portal/cases", headers=cookies).status_code == 200
    token = issued["token"]
    assert isinstance(token, dict)
    _cli(portal, "partner", "api-token", "revoke", str(token["id"]), "--reason", "portal test")
    after = client.get("/portal/cases", headers=cookies)
    assert after.status_code == 303
    assert after.headers["location"] == "/portal/login"


def test_signing_out_ends_the_session(portal: Portal, client: httpx.Client) -> None:
    signed_in = sign_in_partner(client, portal.tokens["contoso"])
    cookies = cookie_header({"fw_session": set_cookies(signed_in)["fw_session"]})
    page = client.get("/portal/cases", headers=cookies)
    out = client.post("/portal/logout", data={"csrf": csrf_of(page)}, headers=cookies)
    assert out.status_code == 303
    assert portal.leaves(LeafKind.QUERY)[-1] == {
        "partner": CONTOSO,
        "what": "portal-sign-out",
        "case": "",
        "channel": "portal",
    }
    assert client.get("/portal/cases", headers=cookies).status_code == 303


def _cli(portal: Portal, *args: str) -> dict[str, object]:
    from typer.testing import CliRunner

    from forewarn.cli.app import app

    where = ["--db", portal.settings.database_url, "--key-file", str(portal.settings.key_file)]
    result = CliRunner().invoke(app, [*where, "--json", *args])
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def test_the_portal_home_sends_each_visitor_to_its_pages(
    client: httpx.Client,
    partner_cookie: dict[str, str],
    staff_cookies: dict[StaffRole, dict[str, str]],
) -> None:
    for cookies, target in (
        ({}, "/portal/login"),
        (partner_cookie, "/portal/cases"),
        (staff_cookies[U], "/portal/staff/"),
        ({"fw_session": "forged"}, "/portal/login"),
    ):
        answer = client.get("/portal/", headers=cookie_header(cookies) if cookies else {})
        assert (answer.status_code, answer.headers["location"]) == (303, target)


def test_a_partner_signs_in_with_its_portal_password_and_a_code(
    portal: Portal, client: httpx.Client, tmp_path_factory: pytest.TempPathFactory
) -> None:
    secret_file = tmp_path_factory.mktemp("login") / "pw.txt"
    secret_file.write_text(PASSWORD + "\n")
    enrolled = _cli(
        portal, "partner", "portal-login", "set", CONTOSO, "--password-file", str(secret_file)
    )
    totp = pyotp.TOTP(str(enrolled["totp_secret"]))
    assert (
        sign_in_partner_password(client, CONTOSO, "wrong passphrase!", totp.now()).status_code
        == 401
    )
    code = totp.now()
    answer = sign_in_partner_password(client, CONTOSO, PASSWORD, code)
    assert (answer.status_code, answer.headers["location"]) == (303, "/portal/cases")
    cookies = cookie_header({"fw_session": set_cookies(answer)["fw_session"]})
    page = client.get("/portal/cases", headers=cookies)
    assert page.status_code == 200
    assert CONTOSO in page.text and NORTHWIND not in page.text
    assert sign_in_partner_password(client, CONTOSO, PASSWORD, code).status_code == 401  # spent
    assert client.get("/portal/staff/", headers=cookies).status_code == 403
    _cli(portal, "partner", "portal-login", "remove", CONTOSO)
    assert client.get("/portal/cases", headers=cookies).status_code == 303
    leaves = [leaf for leaf in portal.leaves(LeafKind.API_TOKEN) if "credential" in leaf]
    assert [(leaf["action"], leaf["partner"]) for leaf in leaves] == [
        ("set", CONTOSO),
        ("remove", CONTOSO),
    ]
    assert PASSWORD not in repr(leaves) and str(enrolled["totp_secret"]) not in repr(leaves)
    refused = sign_in_partner_password(client, FABRIKAM, PASSWORD, totp.now())
    assert refused.status_code == 401  # no login (and suspended): refused alike


def test_static_files_are_the_listed_two_and_nothing_beside_them(client: httpx.Client) -> None:
    """Public (the sign-in page needs its style), so it must serve only its own two files."""
    for name, kind in (("portal.css", "text/css"), ("portal.js", "javascript")):
        answer = client.get(f"/portal/static/{name}")
        assert answer.status_code == 200 and kind in answer.headers["content-type"]
    for probe in ("..%2Fpages.py", "..%2F..%2Fsettings.py", "portal.css%00", "pages.py", "x" * 41):
        assert client.get(f"/portal/static/{probe}").status_code in (404, 422), probe
