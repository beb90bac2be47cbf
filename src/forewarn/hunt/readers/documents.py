"""Threat-intelligence documents (CSAF, STIX, MISP, CVE JSON) opened into the prose they hold.

Such a document keeps its text in JSON strings, escaped (`\\n`, `\\"`), split over fields (CSAF
notes, STIX descriptions, MISP attribute values). Read as it is, the text marks of a leaked copy
would be lost in the escaping. This reader treats the document as a container of one member:
its prose, every string that reads as text (several words, or several lines), unescaped, once
each, in document order, a blank line between strings. The member is then classified and
traced like any text (token scan, similarity, the text channel's marks).

Only documents announcing one of these standards near their start are opened; other JSON
(HAR captures, Suricata logs) is left to the capture readers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from forewarn.hunt.readers.interface import Budget, Member

PROSE_MEMBER = "prose.txt"
"""Name of the one member a document opens into."""

MIN_WORDS = 2
"""A string of fewer words (ids, dates, vectors, categories) is not prose; two-word headings are."""

_SIGNS = re.compile(
    rb'"csaf_version"\s*:|"type"\s*:\s*"bundle"|"Event"\s*:\s*\{|"dataType"\s*:\s*"CVE_RECORD"'
)
_SNIFF = 4096


def _strings(document: Any) -> Iterator[str]:
    """Every string value, depth first in document order, without recursion."""
    stack: list[Any] = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))


def prose(document: Any) -> str:
    """The text-like strings of a parsed document, each once, a blank line between them."""
    kept: dict[str, None] = {}
    for text in _strings(document):
        if "\n" in text.strip() or len(text.split()) >= MIN_WORDS:
            kept.setdefault(text.strip("\n"), None)
    return "\n\n".join(kept) + "\n" if kept else ""


class DocumentReader:
    """CSAF, STIX, MISP and CVE JSON documents, as a container of their prose."""

    name = "json document"

    def sniff(self, head: bytes, tail: bytes = b"") -> bool:
        """A JSON object whose start names one of the standards."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return start.startswith(b"{") and _SIGNS.search(start[:_SNIFF]) is not None

    def members(self, data: bytes, budget: Budget) -> Iterator[Member]:
        """One member, the prose; a document that does not parse raises (one refused item)."""
        budget.members += 1
        if budget.members > budget.limits.max_members:
            yield Member(
                PROSE_MEMBER, error=f"refused: more than {budget.limits.max_members} members"
            )
            return
        document = json.loads(data.decode("utf-8-sig"))
        text = prose(document).encode("utf-8")
        budget.total += len(text)
        yield Member(PROSE_MEMBER, text)


__all__ = ["MIN_WORDS", "PROSE_MEMBER", "DocumentReader", "prose"]
