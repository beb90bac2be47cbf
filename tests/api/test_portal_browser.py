"""The portal in headless Chromium against the real `forewarn serve`, as partners and staff use it.

A partner in Tokyo signs in with its API token, sees its cases with each embargo instant in UTC
and in its own zone with a live countdown, downloads its bundle (the same bytes the REST API
hands out) and acknowledges it; a coordinator signs in with a password and a code from its
authenticator (pyotp makes it), opens a wave plan and the audit log's verification. Every page
must load with no console error (a CSP violation is one), nothing from another origin, and no
sideways scrolling. `FOREWARN_UPDATE_SCREENSHOTS=1` also writes the screenshots to
docs/portal-*.png. The browser is the system Chromium; without it these skip, saying so.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from browser_world import chromium
from forewarn.domain import LeafKind

from .portal_world import BROWSER_ACCOUNT, PASSWORD, Portal
from .service_world import CONTOSO, FUTURE, NORTHWIND, PAST, STAGGERED

pytestmark = pytest.mark.slow  # end-to-end journeys in a browser: `make test`, not `make check`

DOCS = Path(__file__).parents[2] / "docs"
NO_SIDEWAYS_SCROLL = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


class Watched:
    """A browser context whose console errors and outside requests are collected."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        self.context = context
        self.errors: list[str] = []
        self.outside: list[str] = []
        context.route(re.compile(r".*"), self._route)
        self.page = context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.base = base

    def _route(self, route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        if request.url.startswith(self.base):
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.outside.append(request.url)
            route.abort()  # type: ignore[attr-defined]

    def check(self, name: str, tmp_path: Path) -> None:
        """No console error, nothing fetched from outside, no sideways scrolling; screenshot."""
        assert self.errors == []
        assert self.outside == []
        width, viewport = self.page.evaluate(NO_SIDEWAYS_SCROLL)
        assert width <= viewport, f"{name} scrolls sideways ({width} > {viewport})"
        shot = tmp_path / f"portal-{name}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        if os.environ.get("FOREWARN_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(shot, DOCS / shot.name)


def _watched(browser: Browser, portal: Portal, **options: object) -> Watched:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, **options)  # type: ignore[arg-type]
    return Watched(context, portal.url)


def test_partner_signs_in_sees_local_time_downloads_and_acknowledges(
    browser: Browser, portal: Portal, tmp_path: Path
) -> None:
    tab = _watched(browser, portal, timezone_id="Asia/Tokyo", locale="en-GB", accept_downloads=True)
    page = tab.page
    page.goto(f"{portal.url}/portal/")
    expect(page.get_by_role("heading", name="Partner sign-in")).to_be_visible()
    tab.check("partner-sign-in", tmp_path)
    page.get_by_label("API token").fill(portal.tokens["northwind"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    assert NORTHWIND in page.inner_text("header")
    assert CONTOSO not in page.content()
    future = page.locator(f'tr[data-case="{FUTURE}"]')
    expect(future.locator(".badge")).to_have_text("not yet available")
    expect(future.locator(".countdown").first).to_have_text(re.compile(r"^in \d+ d \d+ h \d+ min"))
    expect(future.locator(".local").first).to_contain_text("(Asia/Tokyo)")
    expect(future.locator(".utc").first).to_contain_text("UTC")
    tab.check("partner-cases", tmp_path)
    page.set_viewport_size({"width": 390, "height": 844})
    tab.check("partner-cases-phone", tmp_path)
    page.set_viewport_size({"width": 1280, "height": 860})

    page.locator(f'tr[data-case="{STAGGERED}"]').get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", name=re.compile(STAGGERED))).to_be_visible()
    ends = page.locator(".card", has_text="Embargo ends")
    expect(ends.locator(".countdown")).to_have_text(re.compile(r"^in \d+ d"))
    expect(ends.locator(".local")).to_contain_text("Your time:")
    tab.check("partner-case", tmp_path)

    fetches = len(portal.leaves(LeafKind.FETCH))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download bundle").click()
    downloaded = Path(download_info.value.path()).read_bytes()
    assert download_info.value.suggested_filename == f"{STAGGERED}.bundle.age"
    with portal.client() as client:
        rest = client.get(
            f"/api/v1/cases/{STAGGERED}/bundle",
            headers={"Authorization": f"Bearer {portal.tokens['northwind']}"},
        )
    assert rest.status_code == 200
    assert downloaded == rest.content
    logged = portal.leaves(LeafKind.FETCH)[fetches:]
    assert [(leaf["partner"], leaf["case"], leaf["channel"]) for leaf in logged] == [
        (NORTHWIND, STAGGERED, "portal"),
        (NORTHWIND, STAGGERED, "api"),
    ]
    assert logged[0]["release_id"] == logged[1]["release_id"]

    page.get_by_label("Note with your acknowledgement").fill("Signatures ship on patch day.")
    page.get_by_role("button", name="Acknowledge receipt").click()
    expect(page.get_by_role("status")).to_contain_text("acknowledgement is recorded")
    ack = portal.leaves(LeafKind.ACK)[-1]
    assert (ack["partner"], ack["case"], ack["note"]) == (
        NORTHWIND,
        STAGGERED,
        "Signatures ship on patch day.",
    )
    tab.context.close()


def test_staff_signs_in_with_totp_and_checks_the_plan_and_the_log(
    browser: Browser, portal: Portal, tmp_path: Path
) -> None:
    tab = _watched(browser, portal, timezone_id="America/New_York")
    page = tab.page
    page.goto(f"{portal.url}/portal/staff/")
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    page.get_by_label("Name").fill(BROWSER_ACCOUNT)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(portal.totp[BROWSER_ACCOUNT]).now())
    tab.check("staff-sign-in", tmp_path)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Program staff")).to_be_visible()
    expect(page.locator("header .user")).to_have_text(f"{BROWSER_ACCOUNT} · admin")
    nav = ["Partners", "Cases", "Audit log", "Reports", "Staff accounts"]
    assert page.locator("header nav a").all_inner_texts() == nav
    tab.check("staff-home", tmp_path)

    page.get_by_role("link", name="Cases").first.click()
    page.locator("tr", has_text=STAGGERED).get_by_role("link", name="Wave plan").click()
    expect(page.get_by_role("heading", name=f"{STAGGERED} · wave plan")).to_be_visible()
    waves = page.locator("section.wave h2").all_inner_texts()
    assert [w.split(" ·")[0] for w in waves] == ["Wave 1", "Wave 2"]
    assert "tier early-access" in waves[0] and "tier standard" in waves[1]
    standard = page.locator("section.wave").nth(1)
    expect(standard.locator("tr", has_text=CONTOSO)).to_have_text(
        re.compile(r"advisory.md, detection.md\s*$")
    )
    left_out = page.locator("table", has_text="Why").locator("tr", has_text=CONTOSO)
    expect(left_out).to_contain_text("not yet due until")
    expect(page.locator(".local").first).to_contain_text("(America/New_York)")
    tab.check("staff-wave-plan", tmp_path)

    page.go_back()
    page.locator("tr", has_text=STAGGERED).get_by_role("link", name="Release status").click()
    expect(page.locator("tr", has_text=NORTHWIND)).to_contain_text("released")
    expect(page.locator("tr", has_text=CONTOSO)).to_contain_text("pending: waits for its wave")
    tab.check("staff-release-status", tmp_path)

    page.locator("header nav").get_by_role("link", name="Audit log").click()
    expect(page.locator(".verdict")).to_have_text("✓ The audit log verifies")
    shown = int(page.locator("#leaves").inner_text())
    assert shown == sum(len(portal.leaves(kind)) for kind in LeafKind)
    tab.check("staff-audit", tmp_path)

    page.locator("header nav").get_by_role("link", name="Reports").click()
    page.locator("tr", has_text=PAST).get_by_role("link", name="View report").click()
    expect(page).to_have_title(f"{PAST} investigation · forewarn")
    expect(page.locator("header.top h1")).to_be_visible()
    assert tab.errors == []
    tab.context.close()
