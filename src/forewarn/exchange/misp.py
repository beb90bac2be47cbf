"""MISP events of a case view, built with `pymisp` (no MISP server is involved, or needed).

Distribution follows the program's tiers: the event and each attribute go to a sharing group
(distribution 4) whose members are the tiers allowed to hold what it came from; a partner's view
has the one sharing group of its tier, with the vendor and that partner as its only
organisations (no other partner is named). A published case is shared with all communities (3).
Attributes: the CVE ids (`vulnerability`), the CVSS vector (`text`), the advisory and
detection-guidance sections as `text` attributes (a partner's marked copy in a partner view),
and the paths the PoC requests (`uri`, for IDS). Tags: `tlp:…` and the CSAF status. Sharing
group ids are local to the file (1, 2, …); MISP matches sharing groups by their UUID on import.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pymisp import MISPEvent, MISPSharingGroup

from forewarn.domain import CaseStatus
from forewarn.domain.wire import PLACEHOLDER
from forewarn.exchange.interface import CaseView, ExportedFile, Material
from forewarn.exchange.prose import sections
from forewarn.exchange.tracking import (
    embargoed,
    file_stem,
    json_bytes,
    stable_uuid,
    status_of,
    tlp_of,
)

SHARING_GROUP = 4
"""MISP distribution: a sharing group."""
ALL_COMMUNITIES = 3
"""MISP distribution: all communities (public material)."""
THREAT_HIGH, THREAT_MEDIUM, THREAT_LOW = 1, 2, 3
ANALYSIS_ONGOING, ANALYSIS_COMPLETE = 1, 2


class _Groups:
    """The sharing groups of one event, one per distinct audience, numbered as they appear."""

    def __init__(self, view: CaseView) -> None:
        self.view = view
        self.groups: dict[tuple[str, ...], MISPSharingGroup] = {}

    def org(self, name: str) -> dict[str, str]:
        return {"name": name, "uuid": str(stable_uuid(self.view, "org", name, per_case=False))}

    def of(self, audience: Sequence[str]) -> MISPSharingGroup:
        key = tuple(audience)
        if key not in self.groups:
            view = self.view
            members = [view.partner] if view.partner else []
            if not view.partner:
                members = sorted({p for tier in key for p in view.members.get(tier, ())})
            group = MISPSharingGroup()
            group.from_dict(
                id=len(self.groups) + 1,
                uuid=str(
                    stable_uuid(view, "sharing-group", *key, view.partner or "", per_case=False)
                ),
                name=f"{view.publisher.name}: {', '.join(key) or 'vendor'}",
                description=f"Partners of tier {', '.join(key)} of {view.publisher.name}"
                if key
                else f"{view.publisher.name} only",
                releasability=f"tiers {', '.join(key)}" if key else "vendor only",
                roaming=True,
                SharingGroupOrg=[
                    {"extend": True, "Organisation": self.org(view.publisher.name)},
                    *({"extend": False, "Organisation": self.org(p)} for p in members),
                ],
            )
            self.groups[key] = group
        return self.groups[key]


def _audience(view: CaseView, material: Material | None = None) -> tuple[str, ...]:
    if view.tier is not None:
        return (view.tier,)
    if material is not None:
        return material.audience
    tiers: list[str] = []
    for m in view.materials:
        tiers.extend(t for t in m.audience if t not in tiers)
    return tuple(tiers)


def _distribution(view: CaseView, groups: _Groups, audience: tuple[str, ...]) -> dict[str, Any]:
    if not embargoed(view):
        return {"distribution": ALL_COMMUNITIES}
    group = groups.of(audience)
    return {
        "distribution": SHARING_GROUP,
        "sharing_group_id": list(groups.groups).index(tuple(audience)) + 1,
        "SharingGroup": group.to_dict(),
    }


def event(view: CaseView) -> MISPEvent:
    """The MISP event of the view."""
    case = view.case
    groups = _Groups(view)
    made = MISPEvent()
    stamp = int((view.released_at or view.generated).timestamp())
    threat = THREAT_MEDIUM
    if case.cvss is not None:
        threat = THREAT_HIGH if case.cvss.base_score >= 7.0 else THREAT_MEDIUM
        threat = THREAT_LOW if case.cvss.base_score < 4.0 else threat
    common = _distribution(view, groups, _audience(view))
    made.from_dict(
        uuid=str(stable_uuid(view, "misp-event", view.partner or "")),
        info=f"{case.id}: {case.title}",
        date=(view.released_at or view.generated).date().isoformat(),
        threat_level_id=threat,
        analysis=ANALYSIS_COMPLETE if case.status is CaseStatus.PUBLISHED else ANALYSIS_ONGOING,
        published=False,
        timestamp=stamp,
        Orgc=groups.org(view.publisher.name),
        **{k: v for k, v in common.items() if k != "SharingGroup"},
    )
    if "SharingGroup" in common:
        made.SharingGroup = groups.of(_audience(view))
    made.add_tag(f"tlp:{tlp_of(view).value}")
    made.add_tag(f'csaf:status="{status_of(view).value}"')

    def add(
        kind: str,
        value: str,
        role: str,
        *,
        category: str,
        comment: str = "",
        to_ids: bool = False,
        material: Material | None = None,
    ) -> None:
        made.add_attribute(
            kind,
            value,
            category=category,
            comment=comment,
            to_ids=to_ids,
            uuid=str(stable_uuid(view, "misp-attribute", role, view.partner or "")),
            timestamp=stamp,
            **_distribution(view, groups, _audience(view, material)),
        )

    for cve in case.cves:
        add("vulnerability", cve, cve, category="External analysis", comment=case.title)
    if case.cvss is not None:
        add(
            "text",
            case.cvss.vector,
            "cvss",
            category="Other",
            comment=f"CVSS {case.cvss.version} base score {case.cvss.base_score}",
        )
    add(
        "text",
        f"Planned public release: {case.patch_planned}",
        "planned",
        category="Other",
        comment=f"embargoed until {case.patch_planned}" if embargoed(view) else "public",
    )
    for material in view.texts("advisory", "detection"):
        for k, section in enumerate(sections(material)):
            add(
                "text",
                section.markdown(),
                f"{material.name} {k}",
                category="Other",
                comment=f"{material.name}: {section.title}",
                material=material,
            )
    pocs = view.texts("poc")
    for number, request in enumerate(view.requests, start=1):
        source = pocs[0] if pocs else None
        if PLACEHOLDER not in request.path and request.path not in ("", "/"):
            add(
                "uri",
                request.path,
                f"path {number}",
                category="Network activity",
                comment=f"PoC request {number} ({request.method})",
                to_ids=True,
                material=source,
            )
    return made


def document(view: CaseView) -> dict[str, Any]:
    """The event as MISP exports it: `{"Event": {...}}`."""
    plain: dict[str, Any] = json.loads(event(view).to_json())
    return {"Event": plain}


def load(text: str) -> MISPEvent:
    """A MISP event read back with `pymisp` (what a MISP instance would import)."""
    loaded = MISPEvent()
    loaded.load(text)
    return loaded


class MispExporter:
    """`forewarn publish --format misp`: one MISP event per view."""

    name = "misp"
    partner_views = True

    def export(self, view: CaseView) -> tuple[ExportedFile, ...]:
        """`<case>.misp.json` (with the partner's name in a partner view)."""
        return (ExportedFile(f"{file_stem(view)}.misp.json", json_bytes(document(view))),)


__all__ = ["MispExporter", "document", "event", "load"]
