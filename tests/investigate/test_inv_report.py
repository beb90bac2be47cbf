"""The HTML report and JSON: self-contained, complete, and escaped."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from pathlib import Path

import pytest
from test_inv_engine import exchange_like

from forewarn.errors import InvestigationError
from forewarn.investigate.exposure_table import party_rows
from forewarn.investigate.report import render_html, to_json, write_report


def test_html_is_self_contained_with_every_section() -> None:
    html = render_html(exchange_like())
    assert "<script" not in html and 'src="http' not in html and "<link" not in html
    for heading in ("Timeline", "Activity and explanations", "Accusation", "Recommendations"):
        assert f"<h2>{heading}</h2>" in html
    assert "Exposure" in html and "Method" in html
    picture = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert picture is not None
    assert base64.b64decode(picture.group(1)).startswith(b"\x89PNG")
    assert "1.0e-07" in html  # the accusation's bound, in numbers…
    assert "1 in 10⁷ (1.0e-07) — far below the program" not in html  # no ε: not marked here
    assert "1 in 10⁷ (1.0e-07)" in html  # …and in words
    assert "31.5" in html and "learn-and-match; symmetric 42.0" in html  # combined, who decided
    assert "proven: Chernoff, union over decoders" in html
    assert "forewarn case reschedule FW-2021-0001 --patch-planned 2021-03-02" in html


def test_names_are_escaped() -> None:
    hostile = dataclasses.replace(exchange_like(), headline="<img onerror=x>")
    assert "<img onerror=x>" not in render_html(hostile)


def test_json_carries_the_conclusions() -> None:
    data = json.loads(to_json(exchange_like()))
    assert data["activities"][1]["hypotheses"][0]["subject"] == "Kestrel Systems"
    assert data["activities"][1]["hypotheses"][0]["verdict"] == "leading"
    assert data["activities"][0]["start"]["precision"] == "day"
    assert data["recommendations"][0]["target_date"] == "2021-03-02"


def test_exposure_rows_one_per_party_month_precision_kept() -> None:
    rows = party_rows(exchange_like())
    assert [r.role for r in rows[:2]] == ["finder", "vendor"]
    assert rows[0].since == "2020-12 (discovered)"
    assert len({r.party for r in rows}) == len(rows) == 5


def test_unwritable_report_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvestigationError, match="cannot write the report"):
        write_report(exchange_like(), tmp_path / "missing" / "r.html")
