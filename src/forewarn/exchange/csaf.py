"""CSAF 2.0 `csaf_security_advisory` documents out of a case view.

The document carries the case's tracking (status draft/interim/final, integer versions, the
revision history of `tracking.revisions`), TLP and embargo statement, one product, one
vulnerability per CVE with its CVSS v3 score (computed by the `cvss` package from the case's
vector, so score and vector always agree), a vendor fix dated with the planned (or actual) public
date, and the view's texts: advisory sections as document notes, remedy sections as
remediations, detection guidance as detail notes. A partner's view holds the partner's marked
copies, so a leaked document is traced like a leaked advisory. Checked in the tests by the
official validator (`tools/csaf-validate`, BSI's csaf-validator-lib: schema and mandatory tests).
"""

from __future__ import annotations

from typing import Any

from cvss import CVSS3

from forewarn.domain import Case, CaseStatus
from forewarn.exchange.interface import CaseView, ExportedFile, Tlp
from forewarn.exchange.prose import Section, all_sections
from forewarn.exchange.tracking import (
    GENERATOR,
    embargo_text,
    file_stem,
    instant,
    json_bytes,
    revisions,
    start_of,
    status_of,
    tlp_of,
)

CSAF_VERSION = "2.0"
"""The CSAF version written and read."""

PRODUCT_ID = "CSAFPID-0001"
"""The one product of a case."""

TLP_URL = "https://www.first.org/tlp/"
"""Where CSAF 2.0 points for the TLP definitions."""

_LABELS = {Tlp.CLEAR: "WHITE", Tlp.GREEN: "GREEN", Tlp.AMBER: "AMBER", Tlp.RED: "RED"}
"""CSAF 2.0 still uses the TLP 1.0 labels."""


def _tracking(view: CaseView) -> dict[str, Any]:
    history = revisions(view)
    return {
        "current_release_date": instant(history[-1].at),
        "generator": {"date": instant(view.generated), "engine": {"name": GENERATOR}},
        "id": view.case.id,
        "initial_release_date": instant(history[0].at),
        "revision_history": [
            {"date": instant(r.at), "number": str(r.number), "summary": r.summary} for r in history
        ],
        "status": status_of(view).value,
        "version": str(history[-1].number),
    }


def _note(section: Section, *, detection: bool = False) -> dict[str, str]:
    # The title before the text: in document order the heading's words then lead into the
    # section, as in the advisory, and the text marks near the heading keep their context.
    category = "details" if detection else section.note_category
    return {"title": section.title, "text": section.body, "category": category}


def _notes(view: CaseView) -> list[dict[str, str]]:
    notes = [_note(s) for s in all_sections(view.texts("advisory")) if not s.remedy]
    notes += [_note(s, detection=True) for s in all_sections(view.texts("detection"))]
    if not notes:
        notes.append(
            {
                "category": "summary",
                "text": f"{view.case.title} in {view.case.product}.",
                "title": "Summary",
            }
        )
    return notes


def _document(view: CaseView) -> dict[str, Any]:
    case = view.case
    document: dict[str, Any] = {
        "category": "csaf_security_advisory",
        "csaf_version": CSAF_VERSION,
        "distribution": {
            "text": embargo_text(view),
            "tlp": {"label": _LABELS[tlp_of(view)], "url": TLP_URL},
        },
        "lang": "en",
        "notes": _notes(view),
        "publisher": {
            "category": "vendor",
            "name": view.publisher.name,
            "namespace": view.publisher.namespace,
        },
        "title": case.title,
        "tracking": _tracking(view),
    }
    if case.cvss is not None:
        document["aggregate_severity"] = {"text": case.cvss.severity}
    if case.finder and view.partner is None:
        # The finder's name stays with the vendor: partners never learn who reported it.
        document["acknowledgments"] = [
            {"names": [case.finder], "summary": "reported the vulnerability to the vendor"}
        ]
    return document


def _product_tree(view: CaseView) -> dict[str, Any]:
    product = view.case.product
    return {
        "branches": [
            {
                "branches": [
                    {
                        "category": "product_name",
                        "name": product,
                        "product": {"name": product, "product_id": PRODUCT_ID},
                    }
                ],
                "category": "vendor",
                "name": view.publisher.name,
            }
        ]
    }


def _vendor_fix(case: Case) -> dict[str, Any]:
    if case.status is CaseStatus.PUBLISHED:
        day = case.patch_actual or case.patch_planned
        details = f"Install the update released on {day}."
    else:
        day = case.patch_planned
        details = f"An update is planned for public release on {day}; install it then."
    return {
        "category": "vendor_fix",
        "date": instant(start_of(day)),
        "details": details,
        "product_ids": [PRODUCT_ID],
    }


def _remediations(view: CaseView) -> list[dict[str, Any]]:
    found = [_vendor_fix(view.case)]
    for section in all_sections(view.texts("advisory")):
        if section.remedy:
            category = "workaround" if "workaround" in section.title.lower() else "mitigation"
            found.append(
                {"category": category, "details": section.body, "product_ids": [PRODUCT_ID]}
            )
    return found


def cvss_v3(vector: str) -> dict[str, Any]:
    """The CSAF `cvss_v3` object of a v3.x vector, computed (never copied) by `cvss`."""
    return dict(CVSS3(vector).as_json(minimal=True))


def _vulnerability(view: CaseView, cve: str | None) -> dict[str, Any]:
    case = view.case
    what = cve or case.id
    entry: dict[str, Any] = {
        "discovery_date": instant(start_of(case.reported)),
        "notes": [
            {
                "category": "description",
                "text": f"{what}: {case.title}, in {case.product}. The document notes give the "
                "details.",
                "title": "Vulnerability description",
            }
        ],
        "product_status": {"known_affected": [PRODUCT_ID]},
        "remediations": _remediations(view),
        "title": case.title,
    }
    if cve is not None:
        entry["cve"] = cve
    else:
        entry["ids"] = [{"system_name": view.publisher.name, "text": case.id}]
    if case.cvss is not None and case.cvss.vector.startswith("CVSS:3."):
        entry["scores"] = [{"cvss_v3": cvss_v3(case.cvss.vector), "products": [PRODUCT_ID]}]
    elif case.cvss is not None:
        entry["notes"].append(
            {
                "category": "other",
                "text": f"CVSS {case.cvss.version} base score {case.cvss.base_score} "
                f"({case.cvss.severity}): {case.cvss.vector}",
                "title": "CVSS v4.0 score (not expressible in CSAF 2.0)",
            }
        )
    if case.status is CaseStatus.PUBLISHED:
        entry["release_date"] = instant(start_of(case.patch_actual or case.patch_planned))
    return entry


def advisory(view: CaseView) -> dict[str, Any]:
    """The CSAF 2.0 security advisory of a view."""
    cves: list[str | None] = list(view.case.cves) or [None]
    return {
        "document": _document(view),
        "product_tree": _product_tree(view),
        "vulnerabilities": [_vulnerability(view, cve) for cve in cves],
    }


class CsafExporter:
    """`forewarn publish --format csaf`: one `csaf_security_advisory` per case."""

    name = "csaf"
    partner_views = True

    def export(self, view: CaseView) -> tuple[ExportedFile, ...]:
        """One file named as CSAF names them (the tracking id, lower case, `.json`)."""
        return (ExportedFile(f"{file_stem(view)}.json", json_bytes(advisory(view))),)


__all__ = ["CSAF_VERSION", "PRODUCT_ID", "CsafExporter", "advisory", "cvss_v3"]
