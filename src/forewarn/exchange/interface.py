"""What every exporter is given and returns, and the Protocols a standards format implements.

A program use case (`forewarn.program.publish`) gathers a `CaseView`: the case, the publisher,
the texts the view may show (a partner's marked copies, or the vendor's originals) and the facts
that date the document. An `Exporter` turns it into files; an `Importer` reads a document back
into an `ImportedCase`. Nothing here touches a database or the clock: `CaseView.generated` is
the caller's `now`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from forewarn.domain import Case, HttpRequest


class Tlp(enum.StrEnum):
    """Traffic Light Protocol level of a document (TLP 2.0 names; CSAF 2.0 spells `clear` WHITE)."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class TrackingStatus(enum.StrEnum):
    """Where a document stands (CSAF `document.tracking.status`)."""

    DRAFT = "draft"
    """Nothing released yet: the vendor's working copy."""
    INTERIM = "interim"
    """Shared with partners under embargo; it will change at publication."""
    FINAL = "final"
    """The public advisory."""


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who issues the documents."""

    name: str
    """The program's (the vendor's or coordinator's) display name."""
    namespace: str
    """URL of the publisher (CSAF `publisher.namespace`, the CVE record's reference)."""
    cna_org_id: str | None = None
    """The CNA's organisation UUID from the CVE Program, needed for CVE records only."""


@dataclass(frozen=True, slots=True)
class Material:
    """One artifact's text as this view shows it."""

    name: str
    """Artifact name within the case (`advisory.md`)."""
    kind: str
    """Artifact kind value (`advisory`, `detection`, `poc`, …)."""
    text: str
    """The partner's marked copy in a partner view, the original in the vendor's view."""
    audience: tuple[str, ...] = ()
    """Tiers allowed to receive it, most trusted first (MISP sharing groups follow them)."""


@dataclass(frozen=True, slots=True)
class Reschedule:
    """A move of the planned public date after the document was first shared."""

    at: datetime
    """When the move was recorded."""
    before: date
    """Planned date before."""
    after: date
    """Planned date after."""


@dataclass(frozen=True, slots=True)
class CaseView:
    """Everything one document of one case may contain, for one reader."""

    case: Case
    """The case."""
    publisher: Publisher
    """Who issues it."""
    generated: datetime
    """When the document is produced (the caller's `now`, UTC)."""
    partner: str | None = None
    """Whose marked view this is; `None` for the vendor's own view."""
    tier: str | None = None
    """The partner's tier, in a partner view."""
    materials: tuple[Material, ...] = ()
    """Texts the view may show, in artifact-name order."""
    requests: tuple[HttpRequest, ...] = ()
    """What the view's PoC sends (read statically, never run), for indicators."""
    released_at: datetime | None = None
    """When the view's material was first shared (the partner's own release in a partner
    view); `None` before any release."""
    reschedules: tuple[Reschedule, ...] = ()
    """Moves of the planned date after `released_at`."""
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Tier → partners this view may name (only the partner itself in a partner view)."""

    def texts(self, *kinds: str) -> tuple[Material, ...]:
        """The materials of these kinds, in order."""
        return tuple(m for m in self.materials if m.kind in kinds)


@dataclass(frozen=True, slots=True)
class ExportedFile:
    """One file an exporter produced."""

    name: str
    """File name to write under the output folder."""
    content: bytes
    """UTF-8 JSON (or rule text) as written."""


class Exporter(Protocol):
    """Turns a `CaseView` into the files of one standards format."""

    name: str
    """Format name on the command line (`csaf`, `cve`, `stix`, `misp`)."""
    partner_views: bool
    """Whether the format has a partner's marked view (`--partner`)."""

    def export(self, view: CaseView) -> tuple[ExportedFile, ...]:
        """The files of this view; raises `ExchangeError` when the view cannot be expressed."""
        ...


@dataclass(frozen=True, slots=True)
class ImportedCase:
    """The case fields a document carries, checked by the program's rules on import."""

    format: str
    """The format it was read from (`csaf`, `cve`)."""
    case_id: str | None
    """Program case id, when the document names one."""
    title: str
    """One-line summary."""
    product: str
    """Affected product."""
    reported: date | None = None
    """When the finder reported it, when the document says."""
    patch_planned: date | None = None
    """Planned public date, when the document says."""
    patch_actual: date | None = None
    """When it was published, for a final document."""
    cves: tuple[str, ...] = ()
    """CVE ids."""
    cvss: str | None = None
    """CVSS vector, when scored."""
    finder: str = ""
    """Who reported it."""
    published: bool = False
    """Whether the document is the public (final) one."""
    notes: tuple[str, ...] = ()
    """What had to be assumed because the document does not say it."""


class Importer(Protocol):
    """Reads one standards format back into case fields."""

    name: str
    """Format name (`csaf`, `cve`)."""

    def recognises(self, document: Mapping[str, Any]) -> bool:
        """Whether a parsed JSON document is of this format (by content, not file name)."""
        ...

    def read(self, document: Mapping[str, Any]) -> ImportedCase:
        """The case fields, or `ExchangeError` when the document is not valid."""
        ...
