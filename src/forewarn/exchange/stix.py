"""STIX 2.1 bundles of a case view, built with `stix2`: what the TAXII feed serves.

Objects: the publisher's identity; a `report` holding the advisory's text; one `vulnerability`
per CVE; an `attack-pattern` (ATT&CK technique chosen from the CVSS vector); one `indicator`
per PoC request that says enough (`indicators.py`); `course-of-action`s for the vendor fix and
the advisory's remedy sections; a `note` with the detection guidance; `relationship`s
(indicator indicates attack-pattern, attack-pattern targets vulnerability, course of action
mitigates vulnerability); and every object marked with the view's TLP 2.0 marking definition as
OASIS publishes it. Ids are stable for the same case and publisher, so a regenerated bundle
updates the same objects. Checked in the tests by `stix2-validator`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import stix2

from forewarn.domain import Case, CaseStatus
from forewarn.exchange.indicators import request_patterns
from forewarn.exchange.interface import CaseView, ExportedFile, Tlp
from forewarn.exchange.prose import all_sections
from forewarn.exchange.tracking import file_stem, stable_uuid, start_of, tlp_of

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
"""The OASIS extension definition of TLP 2.0 markings."""

TLP2_CREATED = "2022-10-01T00:00:00.000Z"
"""When OASIS created the TLP 2.0 marking definitions."""

TLP2_IDS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
"""The published ids of the TLP 2.0 marking definitions consumers recognise."""

_ATTACK = {
    "T1190": "Exploit Public-Facing Application",
    "T1203": "Exploitation for Client Execution",
    "T1068": "Exploitation for Privilege Escalation",
}


def tlp_marking(level: Tlp) -> stix2.MarkingDefinition:
    """The TLP 2.0 marking definition of `level`, exactly as OASIS publishes it."""
    return stix2.MarkingDefinition(
        id=TLP2_IDS[level],
        created=TLP2_CREATED,
        name=f"TLP:{level.value.upper()}",
        extensions={
            TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level.value}
        },
    )


def technique(case: Case) -> str | None:
    """The ATT&CK technique the CVSS vector points to; `None` without a vector."""
    if case.cvss is None:
        return None
    metrics = dict(part.split(":", 1) for part in case.cvss.vector.split("/")[1:] if ":" in part)
    if metrics.get("AV") in ("L", "P"):
        return "T1068"
    if metrics.get("UI") in ("R", "P", "A"):
        return "T1203"
    return "T1190"


class _Builder:
    """Holds the common properties while the objects of one bundle are made."""

    def __init__(self, view: CaseView) -> None:
        self.view = view
        self.marking = tlp_marking(tlp_of(view))
        self.created: datetime = view.released_at or view.generated
        self.identity = stix2.Identity(
            id=f"identity--{stable_uuid(view, 'identity', per_case=False)}",
            name=view.publisher.name,
            identity_class="organization",
            contact_information=view.publisher.namespace,
            created=self.created,
            modified=view.generated,
            object_marking_refs=[self.marking.id],
        )

    def common(self, role: str, kind: str) -> dict[str, Any]:
        return {
            "id": f"{kind}--{stable_uuid(self.view, kind, role)}",
            "created": self.created,
            "modified": self.view.generated,
            "created_by_ref": self.identity.id,
            "object_marking_refs": [self.marking.id],
        }

    def relate(self, source: Any, kind: str, target: Any) -> stix2.Relationship:
        role = f"{source.id} {kind} {target.id}"
        return stix2.Relationship(
            source_ref=source.id,
            relationship_type=kind,
            target_ref=target.id,
            **self.common(role, "relationship"),
        )


def _vulnerabilities(b: _Builder) -> list[stix2.Vulnerability]:
    case = b.view.case
    found = []
    for cve in case.cves or (None,):
        name = cve or case.id
        refs = [{"source_name": "cve", "external_id": cve}] if cve else []
        found.append(
            stix2.Vulnerability(
                name=name,
                description=f"{name}: {case.title}, in {case.product}.",
                external_references=refs or None,
                **b.common(name, "vulnerability"),
            )
        )
    return found


def _attack_pattern(b: _Builder) -> stix2.AttackPattern:
    case = b.view.case
    code = technique(case)
    if code is None:
        return stix2.AttackPattern(
            name=f"Exploitation of {case.id}",
            description=f"Exploiting {case.title} in {case.product}.",
            **b.common("attack", "attack-pattern"),
        )
    return stix2.AttackPattern(
        name=_ATTACK[code],
        description=f"How {case.title} in {case.product} is exploited.",
        external_references=[
            {
                "source_name": "mitre-attack",
                "external_id": code,
                "url": f"https://attack.mitre.org/techniques/{code}/",
            }
        ],
        **b.common("attack", "attack-pattern"),
    )


def _courses(b: _Builder) -> list[stix2.CourseOfAction]:
    case = b.view.case
    if case.status is CaseStatus.PUBLISHED:
        fix = f"Install the update released on {case.patch_actual or case.patch_planned}."
    else:
        fix = f"An update is planned for public release on {case.patch_planned}; install it then."
    found = [
        stix2.CourseOfAction(
            name="Vendor fix", description=fix, **b.common("fix", "course-of-action")
        )
    ]
    for k, section in enumerate(s for s in all_sections(b.view.texts("advisory")) if s.remedy):
        found.append(
            stix2.CourseOfAction(
                name=section.title,
                description=section.markdown(),
                **b.common(f"remedy {k}", "course-of-action"),
            )
        )
    return found


def stix_objects(view: CaseView) -> list[Any]:
    """Every object of the view's bundle (marking definition and identity first): what the
    TAXII feed serves to this reader."""
    b = _Builder(view)
    vulns = _vulnerabilities(b)
    attack = _attack_pattern(b)
    objects: list[Any] = [b.marking, b.identity, *vulns, attack]
    relations = [b.relate(attack, "targets", v) for v in vulns]
    valid_from = view.released_at or view.generated
    for found in request_patterns(view.requests):
        indicator = stix2.Indicator(
            name=f"PoC request {found.number}: {found.summary}",
            description=f"Request {found.number} of the proof of concept of {view.case.id} "
            f"({found.summary}).",
            pattern=found.pattern,
            pattern_type="stix",
            valid_from=valid_from,
            indicator_types=["malicious-activity"],
            **b.common(found.pattern, "indicator"),
        )
        objects.append(indicator)
        relations.append(b.relate(indicator, "indicates", attack))
    for course in _courses(b):
        objects.append(course)
        relations.extend(b.relate(course, "mitigates", v) for v in vulns)
    detection = "\n\n".join(m.text for m in view.texts("detection"))
    if detection.strip():
        objects.append(
            stix2.Note(
                abstract="Detection guidance",
                content=detection,
                object_refs=[v.id for v in vulns],
                **b.common("detection", "note"),
            )
        )
    objects.extend(relations)
    told = [s.markdown() for s in all_sections(view.texts("advisory")) if not s.remedy]
    objects.append(
        stix2.Report(
            name=f"{view.case.id}: {view.case.title}",
            description="\n\n".join(told) or f"{view.case.title} in {view.case.product}.",
            published=_published(view),
            report_types=["vulnerability"],
            object_refs=[o.id for o in objects[2:]],
            **b.common("report", "report"),
        )
    )
    return objects


def _published(view: CaseView) -> datetime:
    case = view.case
    if case.status is CaseStatus.PUBLISHED:
        return start_of(case.patch_actual or case.patch_planned)
    return view.released_at or view.generated


def bundle(view: CaseView) -> stix2.Bundle:
    """The view's objects as one bundle (its id stable like theirs)."""
    objects: Sequence[Any] = stix_objects(view)
    return stix2.Bundle(*objects, id=f"bundle--{stable_uuid(view, 'bundle', view.partner or '')}")


class StixExporter:
    """`forewarn publish --format stix`: one STIX 2.1 bundle per view."""

    name = "stix"
    partner_views = True

    def export(self, view: CaseView) -> tuple[ExportedFile, ...]:
        """`<case>.stix.json` (with the partner's name in a partner view)."""
        text = bundle(view).serialize(pretty=True, sort_keys=False)
        return (ExportedFile(f"{file_stem(view)}.stix.json", (text + "\n").encode("utf-8")),)


__all__ = ["TLP2_IDS", "StixExporter", "bundle", "stix_objects", "technique", "tlp_marking"]
