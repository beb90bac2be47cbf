"""A partner's CSAF, STIX and MISP documents carry its advisory marks, read back without error.

The copies are marked by the case's one marker (`Marker.for_case`); the documents are opened as
the hunt opens them (`hunt.readers.documents.prose`); every symbol read must be the partner's.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from views import ADVISORY, DETECTION, interim

from forewarn.domain import ArtifactKind
from forewarn.exchange import Material, exporter_for
from forewarn.hunt.readers.documents import prose
from forewarn.marks.channels.text.channel import TextChannel, usable
from forewarn.marks.channels.text.points import PointKind
from forewarn.marks.engine import Marker
from forewarn.marks.schemes import default_registry, new_params

PARTNERS = ("Early 0000", "Early 0001", "Standard 0000", "Alder Networks")
MARKER = Marker.for_case(b"\x07" * 32, "FW-2021-0001", new_params(64))


def _partner_view(partner: str):
    copies = tuple(
        Material(
            name,
            kind.value,
            MARKER.mark(name, kind, text.encode(), partner).content.decode(),
            ("early-access",),
        )
        for name, kind, text in (
            ("advisory.md", ArtifactKind.ADVISORY, ADVISORY),
            ("detection.md", ArtifactKind.DETECTION, DETECTION),
        )
    )
    return dataclasses.replace(interim(partner), materials=copies, requests=())


@pytest.mark.parametrize("fmt", ["csaf", "stix", "misp"])
@pytest.mark.parametrize("partner", PARTNERS[:2])
def test_every_mark_read_from_a_document_is_the_partners(fmt: str, partner: str) -> None:
    (file,) = exporter_for(fmt).export(_partner_view(partner))
    text = prose(json.loads(file.content)).encode()
    word = MARKER.codeword(partner)
    read = 0
    observations = []
    for name, kind, original in (
        ("advisory.md", ArtifactKind.ADVISORY, ADVISORY),
        ("detection.md", ArtifactKind.DETECTION, DETECTION),
    ):
        found = MARKER.extract(name, kind, original.encode(), text)
        assert all(o.symbol == word[o.position] for o in found), (fmt, name)
        read += len(found)
        observations.extend(found)
        (channel,) = default_registry().for_kind(kind)
        assert isinstance(channel, TextChannel)
        choices = usable(original, channel.safe_headings, channel.version)
        # CSAF holds headings as titles, so heading-style symbols are erased there (never wrong).
        expected = [c for c in choices if fmt != "csaf" or c.point.kind is not PointKind.HEADING]
        assert len(found) >= len(expected) * 0.7, (fmt, name, len(found), len(expected))
    # The document carries both texts: their symbols accuse together (scheme 5's advisory alone
    # carries too few natural symbols once CSAF erases its headings).
    verdict = MARKER.accuse(observations, PARTNERS)
    assert verdict.accused == (partner,)
    assert read >= 20  # scheme 5: 22 + 14 natural text symbols, headings erased in CSAF


@pytest.mark.parametrize("fmt", ["csaf", "stix", "misp"])
def test_the_vendors_document_accuses_nobody(fmt: str) -> None:
    (file,) = exporter_for(fmt).export(interim())
    text = prose(json.loads(file.content)).encode()
    verdict = MARKER.trace("advisory.md", ArtifactKind.ADVISORY, ADVISORY.encode(), text, PARTNERS)
    assert not [s for s in verdict.suspects if s.accused]
