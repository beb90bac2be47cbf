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


def test_the_accused_partner_leads_the_exposure_table_highlighted() -> None:
    html = render_html(exchange_like())
    table = html.split("<h2>Exposure</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>", table)[1:]
    assert rows[0] == '<tr class="accused-row">' and len(rows) > 1
    assert table.index("Kestrel Systems") < table.index("Bluefin Analytics")


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
