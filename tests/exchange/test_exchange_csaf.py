"""CSAF 2.0: every kind of view passes the official validator, and reads back as its case."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from views import CASE, VIEWS, bare, final, interim

from forewarn.domain import CaseStatus
from forewarn.domain.validation import parse_cvss
from forewarn.exchange import exporter_for, read_document
from forewarn.exchange.csaf import advisory
from forewarn.exchange.interface import CaseView
from standards_world import csaf_validate


def test_every_view_passes_the_schema_and_every_mandatory_test(tmp_path: Path) -> None:
    paths = []
    for name, make in VIEWS.items():
        (file,) = exporter_for("csaf").export(make())
        path = tmp_path / f"{name}-{file.name}"
        path.write_bytes(file.content)
        paths.append(path)
    reports = csaf_validate(*paths)
    assert [r["errors"] for r in reports] == [[] for _ in paths]
    assert all(r["isValid"] for r in reports)


def test_a_broken_document_is_caught_by_the_validator(tmp_path: Path) -> None:
    document = advisory(interim())
    document["document"]["tracking"]["version"] = "7"  # not its last revision
    document["vulnerabilities"][0]["scores"][0]["cvss_v3"]["baseScore"] = 5.0  # not the vector's
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    (report,) = csaf_validate(path)
    failed = {e["test"] for e in report["errors"]}
    assert not report["isValid"]
    assert {"mandatoryTest_6_1_16", "mandatoryTest_6_1_9"} <= failed


def test_tracking_follows_the_case() -> None:
    head = {name: advisory(make())["document"] for name, make in VIEWS.items()}
    assert head["draft"]["tracking"]["status"] == "draft"
    assert head["draft"]["tracking"]["version"] == "0"
    interim_tracking = head["interim"]["tracking"]
    assert interim_tracking["status"] == "interim"
    # Shared on Feb 23 (planned Mar 12), moved to Mar 9 on Feb 24; the Feb 10 move came first.
    assert [r["summary"] for r in interim_tracking["revision_history"]] == [
        "Shared with partners under embargo; planned public release 2021-03-12",
        "Planned public release moved from 2021-03-12 to 2021-03-09",
    ]
    assert interim_tracking["version"] == "2"
    assert head["interim"]["distribution"]["tlp"]["label"] == "RED"
    assert head["partner"]["distribution"]["tlp"]["label"] == "AMBER"
    assert "Early 0000" in head["partner"]["distribution"]["text"]
    assert "acknowledgments" not in head["partner"]  # the finder stays with the vendor
    assert head["final"]["tracking"]["status"] == "final"
    assert head["final"]["distribution"]["tlp"]["label"] == "WHITE"
    assert head["final"]["tracking"]["revision_history"][-1]["summary"] == "Public release"


def test_a_v4_score_is_kept_as_a_note_and_a_bare_case_still_has_its_parts() -> None:
    vulns = advisory(final())["vulnerabilities"]
    assert all("scores" not in v for v in vulns)
    assert any("CVSS:4.0/" in n["text"] for n in vulns[0]["notes"])
    (vuln,) = advisory(bare())["vulnerabilities"]
    assert "cve" not in vuln and vuln["ids"] == [{"system_name": "Harbor PSIRT", "text": CASE.id}]


def _round_trip(view: CaseView) -> None:
    (file,) = exporter_for("csaf").export(view)
    back = read_document(file.content)
    case = view.case
    assert (back.case_id, back.title, back.product) == (case.id, case.title, case.product)
    assert (back.reported, back.cves, back.published) == (
        case.reported,
        case.cves,
        case.status is CaseStatus.PUBLISHED,
    )
    assert back.cvss == (case.cvss.vector if case.cvss and case.cvss.version == "3.1" else None)
    if case.status is CaseStatus.PUBLISHED:
        assert back.patch_actual == case.patch_actual
    else:
        assert back.patch_planned == case.patch_planned


_cve = st.integers(1999, 2030).flatmap(
    lambda y: st.integers(1000, 9_999_999).map(lambda n: f"CVE-{y}-{n:04d}")
)
_vector = st.sampled_from(
    [
        None,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:N",
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    title=st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60
    ).filter(str.strip),
    cves=st.lists(_cve, max_size=3, unique=True),
    vector=_vector,
    lead=st.integers(1, 400),
    published=st.booleans(),
)
def test_any_case_round_trips(
    title: str, cves: list[str], vector: str | None, lead: int, published: bool
) -> None:
    planned = CASE.reported + timedelta(days=lead)
    case = dataclasses.replace(
        CASE,
        title=title.strip(),
        cves=tuple(cves),
        cvss=parse_cvss(vector) if vector else None,
        patch_planned=planned,
        status=CaseStatus.PUBLISHED if published else CaseStatus.EMBARGOED,
        patch_actual=planned - timedelta(days=1)
        if published and lead > 1
        else (planned if published else None),
    )
    _round_trip(dataclasses.replace(interim(), case=case))
