"""The picture and the report show what the engine now knows: one lane per exposure group, the
patch at its real instant, the public phase, and each activity's held spans and prior."""

from __future__ import annotations

from inv_records import release
from test_inv_groups import three_waves
from test_inv_public import after_patch
from test_inv_report_reading import png_size

from forewarn.investigate.groups import build_groups
from forewarn.investigate.report import render_html
from forewarn.investigate.timeline_plot import embargo_window, group_lane, lanes, timeline_png


def test_each_exposure_group_has_its_own_lane() -> None:
    result = three_waves()
    assert lanes(result) == (
        "Patch",
        "Case",
        "early-access 06-24 (12)",
        "standard 07-03 (28)",
        "responder 07-07 (60)",
        "Attackers",
        "Found",
    )
    width, height = png_size(timeline_png(result))
    assert height > width * 0.7  # the extra lanes make the picture taller


def test_a_policy_subset_is_named_by_what_it_lacks() -> None:
    releases = [release(p, "2021-02-23T09:00:00") for p in ("Alder Labs", "Basalt Systems")]
    releases.append(release("Cinder Cyber", "2021-02-23T09:00:00", poc=False))
    assert [group_lane(g) for g in build_groups(releases, [])] == [
        "early-access 02-23 (2)",
        "early-access 02-23 w/o poc.py (1)",
    ]


def test_the_public_phase_is_drawn_and_said() -> None:
    result = after_patch()
    window = embargo_window(result)
    assert window is not None and window[1] >= result.as_of
    assert timeline_png(result).startswith(b"\x89PNG")
    html = render_html(result)
    assert "<b>Phase:</b> after the patch went public" in html
    assert "timing no longer supports a partner leak" in html
    assert "<b>Prior:</b>" in html
    assert "had held advisory.md, poc.py" in html
