"""Where the finder's disclosure falls against an onset, and what counts as guidance alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forewarn.domain.investigation import Relation
from forewarn.domain.timeline import TimePoint, TimePrecision
from forewarn.investigate.phase import disclosure_relation, guidance_only

pytestmark = pytest.mark.one_database

DAY, INSTANT = TimePrecision.DAY, TimePrecision.INSTANT


def _at(day: int, hour: int, precision: TimePrecision) -> TimePoint:
    return TimePoint(datetime(2025, 7, day, hour, tzinfo=UTC), precision)


@pytest.mark.parametrize(
    ("disclosed", "onset", "expected"),
    [
        (_at(2, 14, INSTANT), _at(4, 0, DAY), Relation.BEFORE),
        (_at(2, 0, DAY), _at(4, 0, DAY), Relation.BEFORE),
        (_at(2, 15, INSTANT), _at(2, 15, INSTANT), Relation.BEFORE),  # the post is the material
        (_at(2, 0, DAY), _at(2, 15, INSTANT), Relation.DURING),
        (_at(2, 9, INSTANT), _at(2, 0, DAY), Relation.DURING),
        (_at(5, 0, DAY), _at(2, 0, DAY), Relation.AFTER),
        (_at(2, 16, INSTANT), _at(2, 15, INSTANT), Relation.AFTER),
    ],
)
def test_disclosure_relation(disclosed: TimePoint, onset: TimePoint, expected: Relation) -> None:
    assert disclosure_relation(disclosed, onset) is expected


KINDS = {"advisory.md": "advisory", "detection.md": "detection", "r.yar": "rules", "poc.py": "poc"}


@pytest.mark.parametrize(
    ("derived", "expected"),
    [
        ({"detection.md"}, True),
        ({"detection.md", "r.yar"}, True),
        ({"detection.md", "poc.py"}, False),
        ({"advisory.md"}, False),
        (set(), False),
        ({"unknown.txt"}, False),
    ],
)
def test_guidance_only(derived: set[str], expected: bool) -> None:
    assert guidance_only(frozenset(derived), KINDS) is expected
