"""CVE JSON 5, STIX 2.1 and MISP: each checked by the field's own validator or library."""

from __future__ import annotations

import dataclasses
import json

import pytest
from jsonschema import Draft7Validator
from views import CASE, PUBLISHER, VIEWS, bare, final, interim

from forewarn.domain import HttpRequest, WireFeature
from forewarn.domain.wire import PLACEHOLDER
from forewarn.errors import ExchangeError
from forewarn.exchange import exporter_for, read_document, stix_objects
from forewarn.exchange.cve import CNA_SCHEMA, RECORD_SCHEMA, record, schema
from forewarn.exchange.indicators import quote, request_pattern, request_patterns
from forewarn.exchange.interface import Tlp
from forewarn.exchange.misp import document, load
from forewarn.exchange.stix import TLP2_IDS, technique
from standards_world import stix_errors


@pytest.mark.parametrize("name", ["draft", "interim", "final"])
def test_cve_records_pass_the_official_schemas(name: str) -> None:
    files = exporter_for("cve").export(VIEWS[name]())
    assert [f.name for f in files] == [f"{c}.json" for c in CASE.cves]
    for file in files:
        made = json.loads(file.content)
        assert list(Draft7Validator(schema(RECORD_SCHEMA)).iter_errors(made)) == []
        cna = made["containers"]["cna"]
        assert list(Draft7Validator(schema(CNA_SCHEMA)).iter_errors(cna)) == []
        back = read_document(file.content)
        assert (back.case_id, back.cves, back.reported) == (
            CASE.id,
            (made["cveMetadata"]["cveId"],),
            CASE.reported,
        )
    metric = json.loads(files[0].content)["containers"]["cna"]["metrics"][0]
    assert ("cvssV4_0" if name == "final" else "cvssV3_1") in metric


def test_cve_needs_an_id_and_an_org_and_refuses_a_bad_record() -> None:
    with pytest.raises(ExchangeError, match="no CVE id"):
        exporter_for("cve").export(bare())
    with pytest.raises(ExchangeError, match="organisation id"):
        record(
            dataclasses.replace(
                interim(), publisher=dataclasses.replace(PUBLISHER, cna_org_id=None)
            ),
            CASE.cves[0],
        )
    with pytest.raises(ExchangeError, match="not a valid CVE JSON 5 record"):
        read_document(b'{"dataType": "CVE_RECORD", "dataVersion": "5.1", "cveMetadata": {}}')


def test_a_third_party_cve_record_imports_with_what_it_says() -> None:
    made = json.loads(exporter_for("cve").export(interim())[0].content)
    del made["containers"]["cna"]["x_forewarn"]
    back = read_document(json.dumps(made).encode())
    assert back.case_id is None and back.published
    assert back.reported == CASE.reported and back.patch_planned == CASE.patch_planned
    assert back.notes


@pytest.mark.parametrize("name", list(VIEWS))
def test_stix_bundles_pass_the_oasis_validator(name: str) -> None:
    (file,) = exporter_for("stix").export(VIEWS[name]())
    assert stix_errors(file.content.decode()) == []
    bundle = json.loads(file.content)
    kinds = {o["type"] for o in bundle["objects"]}
    assert {
        "vulnerability",
        "attack-pattern",
        "relationship",
        "marking-definition",
        "report",
    } <= kinds
    marking = next(o for o in bundle["objects"] if o["type"] == "marking-definition")
    assert all(o.get("object_marking_refs") == [marking["id"]] for o in bundle["objects"][1:])


def test_stix_markings_indicators_and_ids() -> None:
    tlp = {n: stix_objects(VIEWS[n]())[0]["id"] for n in ("interim", "partner", "final")}
    assert tlp == {
        "interim": TLP2_IDS[Tlp.RED],
        "partner": TLP2_IDS[Tlp.AMBER],
        "final": TLP2_IDS[Tlp.CLEAR],
    }
    objects = stix_objects(interim())
    patterns = [o["pattern"] for o in objects if o["type"] == "indicator"]
    assert len(patterns) == 4 and all(PLACEHOLDER not in p for p in patterns)
    assert "X-BEResource=" in patterns[0]
    assert [o["id"] for o in stix_objects(interim())] == [o["id"] for o in objects]  # stable
    assert not any(o["type"] == "indicator" for o in stix_objects(bare()))
    partner_text = json.dumps([o.serialize() for o in stix_objects(interim("Early 0000"))])
    assert "Early 0001" not in partner_text and "Standard 0000" not in partner_text


@pytest.mark.parametrize(
    ("vector", "expected"),
    [
        (None, None),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "T1190"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", "T1203"),
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "T1068"),
    ],
)
def test_attack_technique_from_the_vector(vector: str | None, expected: str | None) -> None:
    from forewarn.domain.validation import parse_cvss

    case = dataclasses.replace(CASE, cvss=parse_cvss(vector) if vector else None)
    assert technique(case) == expected


def test_a_request_that_says_too_little_gives_no_pattern() -> None:
    unknown = HttpRequest("GET", f"/{PLACEHOLDER}", shows=frozenset({WireFeature.METHOD}))
    assert request_pattern(unknown, 1) is None
    known = HttpRequest("POST", "/a'b%c", headers=(("Cookie", "s=1"),))
    found = request_pattern(known, 2)
    assert found is not None and "'/a\\'b_c%'" in found.pattern and "%s=%" in found.pattern
    assert len(request_patterns([known, known])) == 1
    assert quote("a\\b") == "'a\\\\b'"


@pytest.mark.parametrize("name", list(VIEWS))
def test_misp_events_round_trip_through_pymisp(name: str) -> None:
    (file,) = exporter_for("misp").export(VIEWS[name]())
    text = file.content.decode()
    assert json.loads(load(text).to_json()) == json.loads(text)["Event"]


def test_misp_distribution_follows_the_tiers() -> None:
    vendor = document(interim())["Event"]
    groups = {a["SharingGroup"]["name"] for a in vendor["Attribute"]}
    assert "Harbor PSIRT: early-access" in groups  # PoC paths go to early access only
    assert "Harbor PSIRT: early-access, standard, responder" in groups
    poc = [a for a in vendor["Attribute"] if a["type"] == "uri"]
    assert poc and all(a["SharingGroup"]["name"] == "Harbor PSIRT: early-access" for a in poc)
    assert all(a["to_ids"] for a in poc)
    partner = document(interim("Early 0000"))["Event"]
    members = {
        o["Organisation"]["name"]
        for a in partner["Attribute"]
        for o in a["SharingGroup"]["SharingGroupOrg"]
    }
    assert members == {"Harbor PSIRT", "Early 0000"}
    assert {t["name"] for t in partner["Tag"]} >= {"tlp:amber"}
    public = document(final())["Event"]
    assert public["distribution"] == "3" and "SharingGroup" not in public
    assert all(a["distribution"] == "3" for a in public["Attribute"])
