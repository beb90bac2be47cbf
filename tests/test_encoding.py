"""`forewarn.encoding`: the shapes of docs/json.md, and the round trips they promise."""

from __future__ import annotations

import base64
import enum
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.domain.timeline import TimePoint, TimePrecision
from forewarn.domain.validation import parse_duration, parse_instant, parse_time_point
from forewarn.encoding import dumps, encode

offsets = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
instants = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2999, 12, 30), timezones=offsets
)


@given(instants)
def test_every_instant_round_trips_in_utc_with_z(at: datetime) -> None:
    text = encode(at)
    assert isinstance(text, str) and text.endswith("Z") and "+00:00" not in text
    assert parse_instant(text) == at
    assert ("." in text) == (at.microsecond != 0)


@given(
    st.sampled_from(TimePrecision),
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2999, 12, 1)),
)
def test_every_time_point_round_trips_with_its_precision(
    precision: TimePrecision, at: datetime
) -> None:
    start = at.replace(tzinfo=UTC)
    if precision is not TimePrecision.INSTANT:
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    if precision is TimePrecision.MONTH:
        start = start.replace(day=1)
    point = TimePoint(start=start, precision=precision)
    encoded = encode(point)
    assert isinstance(encoded, dict) and encoded["precision"] == precision.value
    assert parse_time_point(str(encoded["at"])) == point


@given(st.integers(min_value=0, max_value=10**9))
def test_whole_second_durations_round_trip_in_their_largest_unit(seconds: int) -> None:
    text = encode(timedelta(seconds=seconds))
    assert isinstance(text, str)
    assert parse_duration(text) == timedelta(seconds=seconds)


@given(st.binary())
def test_bytes_are_never_raw(raw: bytes) -> None:
    encoded = encode(raw)
    assert isinstance(encoded, dict) and set(encoded) == {"base64"}
    assert base64.b64decode(str(encoded["base64"])) == raw


class Colour(enum.Enum):
    RED = "red"
    BLUE = 2


@dataclass(frozen=True, slots=True)
class Record:
    """A record of everything the encoder knows, nested."""

    name: str
    """A name."""
    at: datetime
    """An instant."""
    colour: Colour
    """An enum."""
    tags: frozenset[str]
    """A set."""
    child: Record | None = None
    """Itself, nested."""


leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    instants,
    st.dates(),
    st.integers(min_value=-(10**6), max_value=10**9).map(lambda s: timedelta(seconds=s)),
    st.sampled_from(Colour),
    st.binary(max_size=8),
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.frozensets(st.text(max_size=3), max_size=4),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
        st.builds(
            Record, st.text(max_size=5), instants, st.sampled_from(Colour), st.frozensets(st.text())
        ),
    ),
    max_leaves=12,
)


@given(values)
def test_anything_encodable_is_strict_json_and_a_fixed_point(value: object) -> None:
    text = dumps(value)  # allow_nan=False: a NaN or an object left over would raise
    assert json.loads(text) == encode(value)
    assert encode(encode(value)) == encode(value)


def test_the_documented_shapes() -> None:
    record = Record(
        name="n",
        at=datetime(2021, 2, 23, 9, 0, tzinfo=UTC),
        colour=Colour.RED,
        tags=frozenset({"b", "a"}),
        child=Record("c", datetime(2021, 2, 23, 10, 0, 0, 5, tzinfo=UTC), Colour.BLUE, frozenset()),
    )
    assert encode(record) == {
        "name": "n",
        "at": "2021-02-23T09:00:00Z",
        "colour": "red",
        "tags": ["a", "b"],
        "child": {
            "name": "c",
            "at": "2021-02-23T10:00:00.000005Z",
            "colour": 2,
            "tags": [],
            "child": None,
        },
    }
    month = TimePoint(datetime(2020, 12, 1, tzinfo=UTC), TimePrecision.MONTH)
    assert encode(month) == {"at": "2020-12", "precision": "month"}
    assert encode([timedelta(days=1), timedelta(hours=3), timedelta(seconds=90)]) == [
        "1d",
        "3h",
        "90s",
    ]
    assert encode({date(2021, 3, 9): Path("a/b"), Colour.RED: math.inf}) == {
        "2021-03-09": "a/b",
        "red": None,
    }
    assert encode(datetime(2021, 1, 1, 12, 0)) == "2021-01-01T12:00:00Z"  # naive: UTC


@pytest.mark.parametrize("value", [object(), {1j: 1}, {(1, 2): 3}, Record])
def test_unknown_objects_are_refused_not_stringified(value: object) -> None:
    with pytest.raises(TypeError, match="cannot"):
        encode(value)
