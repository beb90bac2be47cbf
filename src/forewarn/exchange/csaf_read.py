"""CSAF 2.0 advisories read back into case fields (`forewarn case import advisory.json`).

What a case needs is taken from where `csaf.py` writes it, which is also where other CSAF
producers put it: the tracking id and title, the first product of the product tree, the CVEs
and CVSS v3 vectors of the vulnerabilities, the discovery date (the report), the vendor fix's
date (planned or actual public date), the release date of a final document and the first
acknowledged name (the finder).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from forewarn.errors import ExchangeError
from forewarn.exchange.csaf import CSAF_VERSION
from forewarn.exchange.documents import day_of, field, objects, strings
from forewarn.exchange.interface import ImportedCase


def _product_names(node: Mapping[str, Any], path: str) -> Iterator[str]:
    """Product names of a product tree node, depth first (branches, then full names)."""
    product = node.get("product")
    if isinstance(product, Mapping) and isinstance(product.get("name"), str):
        yield product["name"]
    for k, branch in enumerate(objects(node.get("branches"), f"{path}.branches")):
        yield from _product_names(branch, f"{path}.branches[{k}]")
    for item in objects(node.get("full_product_names"), f"{path}.full_product_names"):
        if isinstance(item.get("name"), str):
            yield item["name"]


def _leaf_product(tree: Mapping[str, Any]) -> str:
    """The most specific product named first (the product itself, not its vendor branch)."""
    for name in _product_names(tree, "product_tree"):
        return name
    raise ExchangeError("the product tree names no product")


def _earliest(days: list[date]) -> date | None:
    return min(days) if days else None


class CsafImporter:
    """Recognises a CSAF 2.0 document by its `document.csaf_version`."""

    name = "csaf"

    def recognises(self, document: Mapping[str, Any]) -> bool:
        """`document.csaf_version` is present."""
        head = document.get("document")
        return isinstance(head, Mapping) and "csaf_version" in head

    def read(self, document: Mapping[str, Any]) -> ImportedCase:
        """The case fields of a CSAF 2.0 document."""
        version = field(document, "document.csaf_version", str)
        if version != CSAF_VERSION:
            raise ExchangeError(f"CSAF {version} is not read here", hint="export it as CSAF 2.0")
        tree = field(document, "product_tree", Mapping)
        vulnerabilities = objects(field(document, "vulnerabilities", list), "vulnerabilities")
        cves: list[str] = []
        vectors: list[str] = []
        found: list[date] = []
        fixes: list[date] = []
        releases: list[date] = []
        for k, vuln in enumerate(vulnerabilities):
            where = f"vulnerabilities[{k}]"
            if isinstance(vuln.get("cve"), str):
                cves.append(vuln["cve"])
            for score in objects(vuln.get("scores"), f"{where}.scores"):
                v3 = score.get("cvss_v3")
                if isinstance(v3, Mapping) and isinstance(v3.get("vectorString"), str):
                    vectors.append(v3["vectorString"])
            if "discovery_date" in vuln:
                found.append(day_of(vuln["discovery_date"], f"{where}.discovery_date"))
            if "release_date" in vuln:
                releases.append(day_of(vuln["release_date"], f"{where}.release_date"))
            fixes.extend(
                day_of(fix["date"], f"{where}.remediations.date")
                for fix in objects(vuln.get("remediations"), f"{where}.remediations")
                if fix.get("category") == "vendor_fix" and "date" in fix
            )
        status = field(document, "document.tracking.status", str)
        initial = day_of(
            field(document, "document.tracking.initial_release_date", str),
            "document.tracking.initial_release_date",
        )
        final = status == "final"
        actual = _earliest(releases)
        if final and actual is None:
            actual = day_of(
                field(document, "document.tracking.current_release_date", str),
                "document.tracking.current_release_date",
            )
        notes = []
        reported = _earliest(found)
        if reported is None:
            reported = initial
            notes.append("no discovery date: the report date is the initial release date")
        planned = _earliest(fixes) or actual
        if planned is None:
            planned = initial
            notes.append("no vendor fix date: the planned date is the initial release date")
        finder = ""
        for thanks in objects(
            field(document, "document.acknowledgments", list, required=False),
            "document.acknowledgments",
        ):
            names = strings(thanks.get("names"), "document.acknowledgments.names")
            if names:
                finder = names[0]
                break
        return ImportedCase(
            format=self.name,
            case_id=field(document, "document.tracking.id", str),
            title=field(document, "document.title", str),
            product=_leaf_product(tree),
            reported=reported,
            patch_planned=planned,
            patch_actual=actual if final else None,
            cves=tuple(dict.fromkeys(cves)),
            cvss=vectors[0] if vectors else None,
            finder=finder,
            published=final,
            notes=tuple(notes),
        )


__all__ = ["CsafImporter"]
