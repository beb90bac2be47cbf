"""The free text of a view: its advisory cut into sections, and which section says what.

Standards documents hold prose in many small fields (CSAF notes and remediations, STIX
descriptions, MISP attribute values). The view's texts are cut at their Markdown headings and each
section goes to one field, once: a partner's copy keeps its marks (wording, dates, list bullets)
in the section bodies, and `forewarn trace` reads them back from the document's strings.
Headings inside code fences are not headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from forewarn.exchange.interface import Material

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_REMEDY = re.compile(r"mitigat|workaround|remediat|solution|\bfix|\bpatch|\bupdate", re.IGNORECASE)
_NOTE_KINDS = (
    (re.compile(r"summary|overview", re.IGNORECASE), "summary"),
    (re.compile(r"detail|technical|description|detect", re.IGNORECASE), "details"),
    (re.compile(r"faq|question", re.IGNORECASE), "faq"),
)


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the text under it, as one field of a document will hold them."""

    title: str
    """The heading's words (the material's name when the text starts without one)."""
    body: str
    """The lines under it, blank lines at either end removed."""
    source: str
    """The material it was cut from."""
    heading: str = ""
    """The heading as written (`## Summary`, or a line and its underline); empty before the
    first heading."""

    def markdown(self) -> str:
        """Heading and body as the material wrote them, so that layout marks stay readable."""
        return f"{self.heading}\n\n{self.body}" if self.heading else self.body

    @property
    def remedy(self) -> bool:
        """Whether it says how to fix or work around the flaw (CSAF remediations, STIX
        courses of action)."""
        return bool(_REMEDY.search(self.title))

    @property
    def note_category(self) -> str:
        """The CSAF note category its heading suggests."""
        for pattern, category in _NOTE_KINDS:
            if pattern.search(self.title):
                return category
        return "general"


def _heading(lines: list[str], k: int) -> str | None:
    """The heading text of line `k` (ATX, or setext underlined by the next line), or `None`."""
    found = _ATX.match(lines[k])
    if found:
        return found.group(2)
    if lines[k].strip() and k + 1 < len(lines) and _SETEXT.match(lines[k + 1]):
        return lines[k].strip()
    return None


def _close(title: str, body: list[str], source: str, heading: str) -> Section | None:
    text = "\n".join(body).strip("\n")
    return Section(title, text, source, heading) if text.strip() else None


def sections(material: Material) -> tuple[Section, ...]:
    """The material cut at its headings; a heading with nothing under it is dropped."""
    lines = material.text.splitlines()
    found: list[Section] = []
    title, body, raw = material.name, [], ""
    fenced = False
    k = 0
    while k < len(lines):
        line = lines[k]
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _heading(lines, k)
        if heading is None:
            body.append(line)
            k += 1
            continue
        closed = _close(title, body, material.name, raw)
        if closed is not None:
            found.append(closed)
        step = 1 if _ATX.match(line) else 2
        title, body, raw = heading, [], "\n".join(lines[k : k + step])
        k += step
    closed = _close(title, body, material.name, raw)
    if closed is not None:
        found.append(closed)
    return tuple(found)


def all_sections(materials: Iterable[Material]) -> tuple[Section, ...]:
    """Every section of every material, in order."""
    return tuple(s for m in materials for s in sections(m))


def first_paragraph(materials: Iterable[Material], default: str) -> str:
    """The first paragraph of the first section, or `default` when there is no text."""
    for section in all_sections(materials):
        paragraph = section.body.split("\n\n", 1)[0].strip()
        if paragraph:
            return paragraph
    return default


__all__ = ["Section", "all_sections", "first_paragraph", "sections"]
