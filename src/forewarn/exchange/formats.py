"""The one table of standards formats: name → exporter, and the importers tried on a document.

Adding a format is one module implementing `interface.Exporter` (and `Importer`, if it reads
back) plus one row here; `forewarn publish --format NAME` and `forewarn case import` find it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from forewarn.errors import ExchangeError
from forewarn.exchange.csaf import CsafExporter
from forewarn.exchange.csaf_read import CsafImporter
from forewarn.exchange.cve import CveExporter, CveImporter
from forewarn.exchange.interface import Exporter, ImportedCase, Importer
from forewarn.exchange.misp import MispExporter
from forewarn.exchange.stix import StixExporter

EXPORTERS: dict[str, Callable[[], Exporter]] = {
    "csaf": CsafExporter,
    "cve": CveExporter,
    "stix": StixExporter,
    "misp": MispExporter,
}
"""Format name on the command line → its exporter."""

IMPORTERS: tuple[Callable[[], Importer], ...] = (CsafImporter, CveImporter)
"""Formats `forewarn case import` reads, tried in order on the document's content."""

MAX_DOCUMENT_BYTES = 16 * 1024**2
"""Largest document read by `read_document` (a CSAF advisory is a few kilobytes)."""


def exporter_for(name: str) -> Exporter:
    """The exporter of format `name`, or `ExchangeError` listing the known ones."""
    factory = EXPORTERS.get(name)
    if factory is None:
        raise ExchangeError(
            f"unknown format {name!r}", hint=f"known formats: {', '.join(EXPORTERS)}"
        )
    return factory()


def parse(content: bytes) -> Mapping[str, Any]:
    """A JSON object from outside, or `ExchangeError` (too large, not UTF-8, not an object)."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ExchangeError(f"document larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ExchangeError(f"not a JSON document: {type(exc).__name__}") from exc
    if not isinstance(document, dict):
        raise ExchangeError("not a JSON object")
    return document


def read_document(content: bytes) -> ImportedCase:
    """The case fields of a CSAF 2.0 advisory or a CVE JSON 5 record, told apart by content."""
    document = parse(content)
    for factory in IMPORTERS:
        importer = factory()
        if importer.recognises(document):
            return importer.read(document)
    raise ExchangeError(
        "neither a CSAF 2.0 advisory nor a CVE JSON 5 record",
        hint="case import reads `document.csaf_version` or `dataType: CVE_RECORD` documents",
    )


__all__ = ["EXPORTERS", "IMPORTERS", "exporter_for", "parse", "read_document"]
