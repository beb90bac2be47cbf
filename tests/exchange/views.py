"""Case views for the exchange tests: the shipped advisory, detection guidance and PoC."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from forewarn.domain import Case, CaseStatus
from forewarn.domain.validation import parse_cvss
from forewarn.exchange import CaseView, Material, Publisher, Reschedule
from forewarn.marks.wire import evaluate_requests
from standards_world import SCENARIO

PUBLISHER = Publisher(
    "Harbor PSIRT", "https://psirt.harbor.example", "5f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
)
ADVISORY = (SCENARIO / "advisory.md").read_text()
DETECTION = (SCENARIO / "detection.md").read_text()
POC = (SCENARIO / "poc.py").read_text()
CASE = Case(
    id="FW-2021-0001",
    title="Pre-authentication request chain in Harbor Mail Server",
    product="Harbor Mail Server 2019",
    reported=date(2021, 1, 5),
    patch_planned=date(2021, 3, 9),
    cves=("CVE-2021-26855", "CVE-2021-27065"),
    cvss=parse_cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
    finder="Ines Vale",
)
RELEASED = datetime(2021, 2, 23, 9, tzinfo=UTC)
MATERIALS = (
    Material("advisory.md", "advisory", ADVISORY, ("early-access", "standard", "responder")),
    Material("detection.md", "detection", DETECTION, ("early-access", "standard")),
    Material("poc.py", "poc", POC, ("early-access",)),
)
MEMBERS = {"early-access": ("Early 0000", "Early 0001"), "standard": ("Standard 0000",)}


def draft() -> CaseView:
    """Nothing released yet."""
    return CaseView(CASE, PUBLISHER, datetime(2021, 2, 1, tzinfo=UTC), materials=MATERIALS)


def interim(partner: str | None = None) -> CaseView:
    """Shared under embargo, the date moved once after the notice."""
    return CaseView(
        CASE,
        PUBLISHER,
        datetime(2021, 2, 25, tzinfo=UTC),
        partner=partner,
        tier="early-access" if partner else None,
        materials=MATERIALS,
        requests=evaluate_requests(POC),
        released_at=RELEASED,
        reschedules=(
            Reschedule(datetime(2021, 2, 10, tzinfo=UTC), date(2021, 3, 16), date(2021, 3, 12)),
            Reschedule(datetime(2021, 2, 24, tzinfo=UTC), date(2021, 3, 12), date(2021, 3, 9)),
        ),
        members={"early-access": (partner,)} if partner else MEMBERS,
    )


def final(
    vector: str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
) -> CaseView:
    """Published on Mar 2, a week early."""
    case = dataclasses.replace(
        CASE, status=CaseStatus.PUBLISHED, patch_actual=date(2021, 3, 2), cvss=parse_cvss(vector)
    )
    return dataclasses.replace(interim(), case=case, generated=datetime(2021, 3, 3, tzinfo=UTC))


def bare() -> CaseView:
    """No CVE, no score, no text: what a case holds the day it is opened."""
    case = dataclasses.replace(CASE, cves=(), cvss=None, finder="")
    return CaseView(case, PUBLISHER, datetime(2021, 1, 6, tzinfo=UTC))


VIEWS = {
    "draft": draft,
    "interim": interim,
    "partner": lambda: interim("Early 0000"),
    "final": final,
    "bare": bare,
}
