"""Domain rules on user input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyrage import x25519

from forewarn.domain import ArtifactKind, Tier, TimePrecision
from forewarn.domain import validation as v
from forewarn.errors import ValidationError


@pytest.mark.parametrize(("given_code", "expected"), [("US", "US"), ("de", "DE"), (" fr ", "FR")])
def test_country_codes_are_canonical(given_code: str, expected: str) -> None:
    assert v.validate_country(given_code) == expected


@pytest.mark.parametrize("bad", ["ZZ", "USA", "", "U1", "XK1"])
def test_unknown_countries_are_rejected(bad: str) -> None:
    with pytest.raises(ValidationError, match="unknown country"):
        v.validate_country(bad)


@pytest.mark.parametrize("good", ["CVE-2021-26855", "cve-2021-0001", "CVE-1999-1234567"])
def test_cve_ids(good: str) -> None:
    assert v.validate_cve(good) == good.upper()


@pytest.mark.parametrize("bad", ["CVE-21-26855", "CVE-2021-123", "2021-26855", "CVE-2021-ABCD"])
def test_bad_cve_ids(bad: str) -> None:
    with pytest.raises(ValidationError, match="bad CVE id"):
        v.validate_cve(bad)


def test_duplicate_cves_are_rejected() -> None:
    with pytest.raises(ValidationError, match="twice"):
        v.validate_cves(["CVE-2021-26855", "cve-2021-26855"])


@pytest.mark.parametrize(
    ("vector", "version", "score", "severity"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3.1", 9.8, "Critical"),
        ("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", "3.1", 1.8, "Low"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "4.0", 9.3, "Critical"),
    ],
)
def test_cvss_is_parsed_and_scored(vector: str, version: str, score: float, severity: str) -> None:
    cvss = v.parse_cvss(vector)
    assert (cvss.vector, cvss.version, cvss.base_score, cvss.severity) == (
        vector,
        version,
        score,
        severity,
    )


@pytest.mark.parametrize(
    "bad",
    [
        "CVSS:3.1/AV:N",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q",
        "CVSS:2.0/AV:N",
        "AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "CVSS:4.0/AV:N",
    ],
)
def test_bad_cvss_is_rejected(bad: str) -> None:
    with pytest.raises(ValidationError, match="bad CVSS vector"):
        v.parse_cvss(bad)


def test_age_recipient() -> None:
    key = str(x25519.Identity.generate().to_public())
    assert v.validate_age_recipient(key) == key
    with pytest.raises(ValidationError, match="bad age recipient"):
        v.validate_age_recipient("age1notakey")


def test_patch_date_before_report_is_rejected() -> None:
    v.validate_case_dates(date(2021, 1, 5), date(2021, 1, 5))
    with pytest.raises(ValidationError, match="before the report date"):
        v.validate_case_dates(date(2021, 1, 5), date(2021, 1, 4))
    with pytest.raises(ValidationError, match="actual patch date"):
        v.validate_case_dates(date(2021, 1, 5), date(2021, 3, 9), date(2020, 12, 1))


@pytest.mark.parametrize(
    ("text", "precision", "start"),
    [
        ("2020-12", TimePrecision.MONTH, datetime(2020, 12, 1, tzinfo=UTC)),
        ("2021-02-27", TimePrecision.DAY, datetime(2021, 2, 27, tzinfo=UTC)),
        ("2021-02-23T09:00:00Z", TimePrecision.INSTANT, datetime(2021, 2, 23, 9, tzinfo=UTC)),
        ("2021-02-23T10:00:00+01:00", TimePrecision.INSTANT, datetime(2021, 2, 23, 9, tzinfo=UTC)),
    ],
)
def test_time_points_keep_their_precision(
    text: str, precision: TimePrecision, start: datetime
) -> None:
    point = v.parse_time_point(text)
    assert (point.precision, point.start) == (precision, start)


@pytest.mark.parametrize("bad", ["2021-13", "2021-02-30", "2021-02-23T09:00:00", "yesterday"])
def test_bad_times_are_rejected(bad: str) -> None:
    with pytest.raises(ValidationError):
        v.parse_time_point(bad)


@given(
    st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC)
    )
)
def test_instants_round_trip(moment: datetime) -> None:
    point = v.parse_time_point(v.format_instant(moment))
    assert point.start == moment
    assert v.format_time_point(point) == v.format_instant(moment)


@given(st.integers(min_value=0, max_value=10**8))
def test_durations_round_trip(seconds: int) -> None:
    value = timedelta(seconds=seconds)
    assert v.parse_duration(v.format_duration(value)) == value


def test_tiers_must_be_unique() -> None:
    tier = Tier(name="standard", rank=1, artifact_kinds=frozenset({ArtifactKind.ADVISORY}))
    with pytest.raises(ValidationError, match="same name"):
        v.validate_tiers([tier, Tier(name="standard", rank=2)])
    with pytest.raises(ValidationError, match="same rank"):
        v.validate_tiers([tier, Tier(name="other", rank=1)])
    with pytest.raises(ValidationError, match="at least one"):
        v.validate_tiers([])
    with pytest.raises(ValidationError, match="bad tier name"):
        v.validate_tiers([Tier(name="Early Access", rank=1)])


@pytest.mark.parametrize("bad", ["../x", "a/b", ".hidden", "", "x" * 300])
def test_artifact_names_are_plain_file_names(bad: str) -> None:
    with pytest.raises(ValidationError):
        v.validate_artifact_name(bad)


@pytest.mark.parametrize("bad", ["", "   ", "tab\tname", "x" * 201])
def test_names_must_be_single_line_and_not_empty(bad: str) -> None:
    with pytest.raises(ValidationError):
        v.require_name(bad)
