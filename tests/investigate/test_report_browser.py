"""The demo's investigation report opened in headless Chromium, as a PSIRT lead would open it.

`forewarn demo` runs once for the module (the installed entry point, in a subprocess); the
report is loaded from disk with every request routed: anything but `file:` or `data:` is refused
and fails the test, since the report must work on an air-gapped laptop. It is read at desktop
(1400 px) and phone (390 px) widths without scrolling sideways, and printed. The browser is the
system Chromium (`make system-deps` installs it, so CI runs these); without it they skip, saying
so. `FOREWARN_UPDATE_SCREENSHOTS=1` also writes the screenshots to docs/ (report-desktop.png,
report-phone.png), which a test checks are there at those widths.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from browser_world import chromium
from conftest import FOREWARN_BIN
from forewarn.demo.scenario import load_attack, scenario_dir

pytestmark = pytest.mark.slow  # an end-to-end journey: `make test`, not `make check`

VIEWPORT = {"width": 1280, "height": 900}
WIDTHS = {"desktop": 1400, "phone": 390}
"""The widths the report must read at without scrolling sideways."""
DOCS = Path(__file__).parents[2] / "docs"
NO_SIDEWAYS_SCROLL = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"

SECTION_TABLES = """() => {
  const sections = {};
  for (const h2 of document.querySelectorAll('main h2')) {
    const rows = [];
    const recs = [];
    for (let el = h2.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) {
      for (const table of el.matches('table') ? [el] : el.querySelectorAll('table')) {
        rows.push(table.querySelectorAll('tr:has(td)').length);
      }
      if (el.matches('.rec')) recs.push(el.querySelector('pre')?.innerText ?? '');
    }
    sections[h2.innerText.trim()] = {tables: rows, recommendations: recs};
  }
  return sections;
}"""
"""Per `<h2>` section: the body-row count of each table under it, and each recommendation's
command."""


@dataclass
class Opened:
    """The report as the browser showed it."""

    page: Page
    """The loaded page, still open."""
    folder: Path
    """Where the demo wrote its files; the screenshot goes here too."""
    console_errors: list[str] = field(default_factory=list)
    """Console errors and uncaught page errors, in order."""
    outside_requests: list[str] = field(default_factory=list)
    """Requests for anything but `file:` or `data:` (each one refused)."""


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`forewarn demo --out DIR`, once for the module."""
    out = tmp_path_factory.mktemp("demo")
    done = subprocess.run(
        [str(FOREWARN_BIN), "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert (out / "report.html").is_file(), done.stdout
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system Chromium, headless; without it the browser tests skip with the fix named."""
    with chromium() as launched:
        yield launched


def _watch(page: Page, folder: Path) -> Opened:
    """Record console errors and refuse (and record) every request leaving the machine."""
    seen = Opened(page=page, folder=folder)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.console_errors.append(message.text)

    def on_route(route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
            return
        seen.outside_requests.append(url)
        route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.console_errors.append(f"page error: {error}"))
    page.route("**/*", on_route)
    return seen


@pytest.fixture(scope="module")
def opened(browser: Browser, demo_folder: Path) -> Iterator[Opened]:
    """The report loaded from disk, watched."""
    page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
    seen = _watch(page, demo_folder)
    page.goto((demo_folder / "report.html").as_uri(), wait_until="load")
    try:
        yield seen
    finally:
        page.close()


def test_the_watch_catches_a_page_that_reaches_out(browser: Browser, tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.html"
    leaky.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.example.com/a.css">'
        "</head><body><script>console.error('boom')</script></body></html>"
    )
    page = browser.new_page()
    try:
        seen = _watch(page, tmp_path)
        page.goto(leaky.as_uri(), wait_until="load")
    finally:
        page.close()
    assert seen.outside_requests == ["https://cdn.example.com/a.css"]
    assert "boom" in seen.console_errors


def test_report_is_self_contained_and_error_free(opened: Opened) -> None:
    assert opened.console_errors == []
    assert opened.outside_requests == []
    assert opened.page.title().startswith("FW-2021-0001 investigation")


def test_headline_names_the_leaker_and_is_visible(opened: Opened) -> None:
    headline = opened.page.locator(".headline")
    assert headline.is_visible()
    text = headline.inner_text()
    assert text == json.loads((opened.folder / "report.json").read_text())["headline"]
    with scenario_dir() as folder:
        leaker = load_attack(folder / "attack.yaml").leak.partner
    assert leaker in text
    accused_card = opened.page.locator(".card .accused")
    assert accused_card.is_visible() and accused_card.inner_text() == leaker


def test_timeline_picture_is_loaded_and_fits_the_page(opened: Opened) -> None:
    picture = opened.page.locator("figure img")
    assert picture.count() == 1 and picture.is_visible()
    natural = picture.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert natural[0] is True and natural[1] > 0 and natural[2] > 0
    box = picture.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 200
    assert box["x"] + box["width"] <= VIEWPORT["width"]
    overflow = opened.page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= VIEWPORT["width"], "the report scrolls sideways"


def test_every_section_has_its_rows(opened: Opened) -> None:
    sections = opened.page.evaluate(SECTION_TABLES)
    hypotheses = sections["Activity and explanations"]["tables"]
    assert len(hypotheses) == 2 and all(rows >= 3 for rows in hypotheses)  # one per wave
    assert any(rows >= 1 for rows in sections["Accusation"]["tables"])
    groups, parties, every = sections["Exposure"]["tables"]
    assert groups == 1  # the 16 early-access partners are one group, not 16 identical rows
    assert parties == 3 and every == 16  # the accused, the finder, the vendor; then everyone
    assert sections["Evidence"]["tables"] == [3]  # the tool and two logs, each with its custody
    commands = sections["Recommendations"]["recommendations"]
    assert commands and all(c.startswith("forewarn ") for c in commands)
    assert any(c.startswith("forewarn case reschedule FW-2021-0001") for c in commands)
    accused = opened.page.locator("td .accused")  # the tool and the web log of its runs
    assert accused.count() >= 1 and accused.first.is_visible()
    with scenario_dir() as folder:
        leaker = load_attack(folder / "attack.yaml").leak.partner
    rows = opened.page.locator("tr.accused-row:has(td[data-label=Decision]) td[data-label=Partner]")
    assert set(rows.all_inner_texts()) == {leaker}


def test_full_page_screenshot_is_saved(opened: Opened) -> None:
    shot = opened.folder / "report.png"
    opened.page.screenshot(path=str(shot), full_page=True)
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width == VIEWPORT["width"] and height > VIEWPORT["height"]


def test_the_first_screen_says_what_we_know_dont_and_do(opened: Opened) -> None:
    page = opened.page
    headings = page.locator(".summary .kdd h2").all_inner_texts()
    assert headings == ["What we know", "What we don't know", "What we do"]
    commands = page.locator(".summary .kdd .do code").all_inner_texts()
    headline = page.locator(".headline").inner_text()
    titles = page.locator(".rec h3").all_inner_texts()
    assert len(commands) == len(titles) >= 3
    for title in titles:  # every recommended action is in the headline
        action = title.split(". ", 1)[1]
        assert action[:1].lower() + action[1:] in headline
    bound = page.locator(".summary .bound .odds").inner_text()
    assert (
        bound.startswith("less than 1 in 10") and "the program's 1 in 1,000 (ε = 1.0e-03)" in bound
    )
    box = page.locator(".summary .kdd").bounding_box()
    assert box is not None and box["y"] < 1200  # on the first screenful of a laptop


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_the_report_reads_at_desktop_and_phone_width_without_sideways_scroll(
    browser: Browser, demo_folder: Path, name: str
) -> None:
    width = WIDTHS[name]
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        seen = _watch(page, demo_folder)
        page.goto((demo_folder / "report.html").as_uri(), wait_until="load")
        scroll_width, inner = page.evaluate(NO_SIDEWAYS_SCROLL)
        assert scroll_width <= inner == width, f"{name}: the page scrolls sideways"
        assert page.locator('meta[name="viewport"]').count() == 1
        assert page.locator(".headline").is_visible()
        shot = demo_folder / f"report-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert struct.unpack(">II", shot.read_bytes()[16:24])[0] == width
        assert seen.outside_requests == [] and seen.console_errors == []
        if os.environ.get("FOREWARN_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(shot, DOCS / shot.name)
    finally:
        page.close()


def test_the_checked_in_screenshots_are_at_both_widths() -> None:
    for name, width in WIDTHS.items():
        png = (DOCS / f"report-{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">II", png[16:24])[0] == width


def test_printing_puts_the_executive_summary_alone_on_the_first_page(
    opened: Opened, tmp_path: Path
) -> None:
    page = opened.page
    page.emulate_media(media="print")
    try:
        assert (
            page.evaluate("() => getComputedStyle(document.querySelector('.summary')).breakAfter")
            == "page"
        )
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(255, 255, 255)"
        pdf = page.pdf(format="A4", print_background=True)
        pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
        assert pdf.startswith(b"%PDF") and len(pages) >= 3  # the summary, then the rest
    finally:
        page.emulate_media(media="screen")
