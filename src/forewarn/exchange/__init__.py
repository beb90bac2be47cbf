"""Standards in and out: CSAF 2.0, CVE JSON 5, STIX 2.1, MISP and detection rules (YARA,
Suricata in `rules/`), pure (no database, no clock).

```python
view = CaseView(case, Publisher("Harbor PSIRT", "https://psirt.example"), generated=now)
for file in exporter_for("csaf").export(view):       # ExportedFile(name, content)
    ...
imported = read_document(Path("advisory.json").read_bytes())   # ImportedCase
objects = stix_objects(view)                          # what the TAXII feed serves
```

`forewarn.program.publish` builds the view (a partner's marked copies, or the originals);
`formats.py` is the one table of formats.
"""

from forewarn.exchange.formats import EXPORTERS, exporter_for, read_document
from forewarn.exchange.interface import (
    CaseView,
    ExportedFile,
    Exporter,
    ImportedCase,
    Importer,
    Material,
    Publisher,
    Reschedule,
    Tlp,
    TrackingStatus,
)
from forewarn.exchange.stix import stix_objects
from forewarn.exchange.tracking import embargoed

__all__ = [
    "EXPORTERS",
    "CaseView",
    "ExportedFile",
    "Exporter",
    "ImportedCase",
    "Importer",
    "Material",
    "Publisher",
    "Reschedule",
    "Tlp",
    "TrackingStatus",
    "embargoed",
    "exporter_for",
    "read_document",
    "stix_objects",
]
