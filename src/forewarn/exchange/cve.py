"""CVE JSON 5 records (the CNA container) out of a case, and back; checked against the schema.

One record per CVE id of the case, as a CNA submits it: title, description (the advisory's
summary, or the title), the affected product, the CVSS v3.1 or v4.0 metric computed by `cvss`,
the finder's credit, public date, timeline, the vendor fix and the advisory's workarounds, and an
`x_forewarn` extension (allowed by the schema's `^x_` rule) carrying what the standard fields
cannot: the case id, report and planned dates, status. Every record written or read is validated
with `jsonschema` against the official CVE JSON 5 schema as the pinned `cvelib` package ships it;
an invalid record is never written. A CVE record is public by nature: there is no partner view.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from cvss import CVSS3, CVSS4
from jsonschema import Draft7Validator

from forewarn.domain import Case, CaseStatus
from forewarn.domain.timeline import TimePoint
from forewarn.errors import ExchangeError
from forewarn.exchange.documents import day_of, field, objects
from forewarn.exchange.interface import CaseView, ExportedFile, ImportedCase
from forewarn.exchange.prose import all_sections
from forewarn.exchange.tracking import instant, json_bytes, start_of

DATA_VERSION = "5.1"
"""CVE JSON version written."""

SCHEMA_PACKAGE = "cvelib"
"""The package whose shipped schemas records are checked against."""

RECORD_SCHEMA = "CVE_JSON_bundled_5.1.1.json"
"""The full record schema (published and rejected records)."""

CNA_SCHEMA = "CVE_JSON_cnaPublishedContainer_5.1.1.json"
"""The schema of a published record's CNA container."""

_MAX_TEXT = 4000
"""Characters kept of a description (the schema allows 4096)."""


@cache
def schema(name: str) -> dict[str, Any]:
    """One of the schemas `cvelib` ships, loaded from the installed package."""
    text = (files(SCHEMA_PACKAGE) / "schemas" / name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def check(document: Mapping[str, Any], name: str = RECORD_SCHEMA) -> None:
    """Raise `ExchangeError` with the first problems unless `document` is valid."""
    validator = Draft7Validator(schema(name))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        shown = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '(record)'}: {e.message[:200]}"
            for e in errors[:3]
        )
        raise ExchangeError(f"not a valid CVE JSON 5 record ({len(errors)} problems): {shown}")


def _metric(case: Case) -> list[dict[str, Any]]:
    if case.cvss is None:
        return []
    if case.cvss.version == "4.0":
        v4 = CVSS4(case.cvss.vector)
        return [
            {
                "cvssV4_0": {
                    "baseScore": float(v4.base_score),
                    "baseSeverity": str(v4.severity).upper(),
                    "vectorString": v4.clean_vector(),
                    "version": "4.0",
                }
            }
        ]
    return [{"cvssV3_1": dict(CVSS3(case.cvss.vector).as_json(minimal=True))}]


def _summary(view: CaseView) -> str:
    found = all_sections(view.texts("advisory"))
    chosen = next((s for s in found if s.note_category == "summary"), None)
    if chosen is None and found:
        chosen = found[0]
    text = chosen.body if chosen is not None else f"{view.case.title} in {view.case.product}."
    return text[:_MAX_TEXT]


def _timeline(case: Case) -> list[dict[str, str]]:
    events: list[tuple[date | TimePoint, str]] = [(case.reported, "Reported to the vendor")]
    if case.status is CaseStatus.PUBLISHED:
        events.append((case.patch_actual or case.patch_planned, "Public release"))
    else:
        events.append((case.patch_planned, "Planned public release"))
    return [{"lang": "en", "time": instant(start_of(day)), "value": what} for day, what in events]


def _cna(view: CaseView, org: str) -> dict[str, Any]:
    case = view.case
    public = case.patch_actual or case.patch_planned
    fix = (
        f"Install the update released on {public}."
        if case.status is CaseStatus.PUBLISHED
        else f"An update is planned for public release on {public}."
    )
    cna: dict[str, Any] = {
        "affected": [
            {"defaultStatus": "affected", "product": case.product, "vendor": view.publisher.name}
        ],
        "datePublic": instant(start_of(public)),
        "descriptions": [{"lang": "en", "value": _summary(view)}],
        "providerMetadata": {"orgId": org},
        "references": [
            {
                "name": f"{view.publisher.name} advisory {case.id}",
                "tags": ["vendor-advisory"],
                "url": view.publisher.namespace,
            }
        ],
        "solutions": [{"lang": "en", "value": fix}],
        "timeline": _timeline(case),
        "title": case.title,
        "x_forewarn": {
            "case": case.id,
            "patchPlanned": case.patch_planned.isoformat(),
            "reported": case.reported.isoformat(),
            "status": case.status.value,
        },
    }
    workarounds = [
        {"lang": "en", "value": s.body[:_MAX_TEXT]}
        for s in all_sections(view.texts("advisory"))
        if s.remedy
    ]
    if workarounds:
        cna["workarounds"] = workarounds
    if metrics := _metric(case):
        cna["metrics"] = metrics
    if case.finder:
        cna["credits"] = [{"lang": "en", "type": "finder", "value": case.finder}]
    return cna


def record(view: CaseView, cve: str) -> dict[str, Any]:
    """The CVE JSON 5 record of one CVE id of the case, validated."""
    org = view.publisher.cna_org_id
    if not org:
        raise ExchangeError(
            "a CVE record needs the CNA's organisation id",
            hint="pass --cna-org-id UUID or set FOREWARN_CNA_ORG_ID",
        )
    metadata: dict[str, Any] = {
        "assignerOrgId": org,
        "cveId": cve,
        "dateUpdated": instant(view.generated),
        "state": "PUBLISHED",
    }
    if view.case.status is CaseStatus.PUBLISHED:
        metadata["datePublished"] = instant(
            start_of(view.case.patch_actual or view.case.patch_planned)
        )
    document = {
        "containers": {"cna": _cna(view, org)},
        "cveMetadata": metadata,
        "dataType": "CVE_RECORD",
        "dataVersion": DATA_VERSION,
    }
    check(document)
    return document


class CveExporter:
    """`forewarn publish --format cve`: one record per CVE id of the case."""

    name = "cve"
    partner_views = False

    def export(self, view: CaseView) -> tuple[ExportedFile, ...]:
        """`CVE-YYYY-NNNN.json` per CVE id; a case without one has no record."""
        if not view.case.cves:
            raise ExchangeError(
                f"case {view.case.id} has no CVE id", hint="a CVE record needs one assigned"
            )
        return tuple(
            ExportedFile(f"{cve}.json", json_bytes(record(view, cve))) for cve in view.case.cves
        )


def _vector(cna: Mapping[str, Any]) -> str | None:
    for metric in objects(cna.get("metrics"), "containers.cna.metrics"):
        for key in ("cvssV3_1", "cvssV4_0"):
            found = metric.get(key)
            if isinstance(found, Mapping) and isinstance(found.get("vectorString"), str):
                return str(found["vectorString"])
    return None


class CveImporter:
    """Recognises a CVE JSON 5 record by its `dataType`."""

    name = "cve"

    def recognises(self, document: Mapping[str, Any]) -> bool:
        """`dataType` is `CVE_RECORD`."""
        return document.get("dataType") == "CVE_RECORD"

    def read(self, document: Mapping[str, Any]) -> ImportedCase:
        """The case fields of a published record, validated against the schema first."""
        check(document)
        cna = field(document, "containers.cna", Mapping)
        ours = cna.get("x_forewarn") if isinstance(cna.get("x_forewarn"), Mapping) else {}
        descriptions = objects(cna.get("descriptions"), "containers.cna.descriptions")
        title = cna.get("title") or str(descriptions[0].get("value", "")).split("\n")[0][:200]
        affected = objects(cna.get("affected"), "containers.cna.affected")
        product = next((str(a["product"]) for a in affected if "product" in a), "")
        public = day_of(cna["datePublic"], "datePublic") if "datePublic" in cna else None
        notes: list[str] = []
        reported = day_of(ours["reported"], "x_forewarn.reported") if "reported" in ours else None
        if reported is None:
            times = [
                day_of(t["time"], "timeline.time") for t in objects(cna.get("timeline"), "timeline")
            ]
            reported = min(times) if times else public
            notes.append("no x_forewarn.reported: the report date is the earliest date given")
        planned = (
            day_of(ours["patchPlanned"], "x_forewarn.patchPlanned")
            if "patchPlanned" in ours
            else public
        )
        published = ours.get("status", CaseStatus.PUBLISHED.value) == CaseStatus.PUBLISHED.value
        credits = objects(cna.get("credits"), "containers.cna.credits")
        finder = next((str(c["value"]) for c in credits if c.get("type", "finder") == "finder"), "")
        case_id = ours.get("case") if isinstance(ours.get("case"), str) else None
        return ImportedCase(
            format=self.name,
            case_id=case_id,
            title=str(title),
            product=product,
            reported=reported,
            patch_planned=planned,
            patch_actual=public if published else None,
            cves=(field(document, "cveMetadata.cveId", str),),
            cvss=_vector(cna),
            finder=finder,
            published=published,
            notes=tuple(notes),
        )


__all__ = ["CNA_SCHEMA", "RECORD_SCHEMA", "CveExporter", "CveImporter", "check", "record", "schema"]
