"""The report reads well: the embargo window zoomed in, the accused first, words not formulas."""

from __future__ import annotations

import re
import struct
from datetime import UTC, datetime

from test_inv_engine import exchange_like

from forewarn.investigate.report import plural, render_html
from forewarn.investigate.timeline_plot import MARGIN, embargo_window, timeline_png


def png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_timeline_zooms_on_the_embargo_window_under_the_overview() -> None:
    result = exchange_like()
    window = embargo_window(result)
    assert window == (
        datetime(2021, 2, 23, tzinfo=UTC) - MARGIN,  # the first notice…
        datetime(2021, 3, 9, tzinfo=UTC) + MARGIN,  # …to the planned patch
    )
    width, height = png_size(timeline_png(result))
    assert height > width * 0.6  # two panels, not one strip


def test_exposure_is_one_row_per_group_and_the_accused_leads_its_own_table() -> None:
    html = render_html(exchange_like())
    exposure = html.split("<h2>Exposure</h2>", 1)[1]
    groups, parties = exposure.split("</table>")[:2]
    group_rows = re.findall(r"<tr[^>]*>", groups)[1:]
    assert group_rows == ['<tr class="accused-row">']  # three partners, one release: one row
    assert "incl. accused Kestrel Systems" in groups and "3 of 3" in groups
    party_rows = re.findall(r"<tr[^>]*>", parties)[1:]
    assert party_rows[0] == '<tr class="accused-row">' and len(party_rows) == 3  # + finder, vendor
    assert "Bluefin Analytics" not in parties


def test_counts_agree_and_empty_evidence_reads_none() -> None:
    html = render_html(exchange_like())
    assert "1 finding traced" in html and "1 findings" not in html
    assert "1 fetches" not in html and "1 timeline events" not in html
    assert '<li class="small">—</li>' not in html
    assert '<span class="small">none</span>' in html
    fetches = [plural(1, "fetch", "fetches"), plural(3, "fetch", "fetches")]
    assert fetches == ["1 fetch", "3 fetches"]


def test_recommendation_reasons_are_sentences_not_formulas() -> None:
    move = exchange_like().recommendations[0]
    assert not any("max(" in r or "=" in r for r in move.reasons)
    assert any("leak by partner Kestrel Systems is the leading" in r for r in move.reasons)
    assert any("is the earliest the patch can ship" in r for r in move.reasons)
