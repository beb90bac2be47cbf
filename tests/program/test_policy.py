"""Policy: tiers, rules and the waves they give, with every exclusion explained."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.domain import (
    ArtifactKind,
    Partner,
    PartnerStatus,
    Release,
    ReleasedArtifact,
    StatusChange,
    Tier,
)
from forewarn.domain.validation import parse_duration
from forewarn.errors import ReleaseError, ValidationError
from forewarn.program.policy import embargo_end, parse_rules, plan_waves
from policy_world import ALL_KINDS, CASE, KEY, artifact

MAPP = (
    Tier("early-access", 3, timedelta(days=5), ALL_KINDS),
    Tier(
        "standard",
        2,
        timedelta(hours=24),
        frozenset({ArtifactKind.ADVISORY, ArtifactKind.DETECTION}),
    ),
)
EXCHANGE = (Tier("standard", 1, timedelta(days=14), ALL_KINDS),)
ARTIFACTS = (
    artifact("advisory.md", ArtifactKind.ADVISORY, "standard", "0"),
    artifact("detection.md", ArtifactKind.DETECTION, "standard", "1"),
    artifact("poc.py", ArtifactKind.POC, "early-access", "2"),
)
JOINED = StatusChange(datetime(2019, 1, 1, tzinfo=UTC), PartnerStatus.ACTIVE, "joined")


def partner(name: str, tier: str = "standard", country: str = "US", **kw: object) -> Partner:
    fields: dict[str, object] = {"age_recipient": KEY, "history": (JOINED,)} | kw
    return Partner(name, country, tier, **fields)  # type: ignore[arg-type]


def test_mapp_shape_vetted_subset_days_before_everyone_a_day_before() -> None:
    partners = [partner("Northwind Labs", "early-access"), partner("Contoso Shield")]
    waves = plan_waves(CASE, MAPP, partners, ARTIFACTS, ())
    assert [(w.tier, w.at, w.partners) for w in waves] == [
        ("early-access", datetime(2021, 3, 4, tzinfo=UTC), ("Northwind Labs",)),
        ("standard", datetime(2021, 3, 8, tzinfo=UTC), ("Contoso Shield",)),
    ]
    assert waves[0].artifacts["Northwind Labs"] == ("advisory.md", "detection.md", "poc.py")
    assert waves[1].artifacts["Contoso Shield"] == ("advisory.md", "detection.md")


def test_exchange_2021_notice_goes_fourteen_days_before() -> None:
    waves = plan_waves(CASE, EXCHANGE, [partner("Northwind Labs")], ARTIFACTS[:2], ())
    assert waves[0].at == datetime(2021, 2, 23, tzinfo=UTC)
    assert embargo_end(CASE) == datetime(2021, 3, 9, tzinfo=UTC)


def test_every_exclusion_is_explained() -> None:
    suspended = StatusChange(
        datetime(2021, 1, 10, tzinfo=UTC), PartnerStatus.SUSPENDED, "NDA breach"
    )
    removed = StatusChange(datetime(2020, 6, 1, tzinfo=UTC), PartnerStatus.REMOVED, "leaked PoC")
    partners = [
        partner("Alpha", status=PartnerStatus.SUSPENDED, history=(JOINED, suspended)),
        partner("Bravo", status=PartnerStatus.REMOVED, history=(JOINED, removed)),
        partner("Charlie", age_recipient=None),
        partner("Delta", age_recipient="age1notakey"),
        partner("Echo", country="XC"),
        partner("Foxtrot"),
    ]
    rules = parse_rules([{"name": "embargoed-country", "countries": ["xc"], "exclude": True}])
    (wave,) = plan_waves(CASE, MAPP, partners, ARTIFACTS, rules)
    assert wave.partners == ("Foxtrot",)
    assert {e.partner: e.reason for e in wave.excluded} == {
        "Alpha": "suspended since 2021-01-10: NDA breach",
        "Bravo": "removed since 2020-06-01: leaked PoC",
        "Charlie": "no age recipient key",
        "Delta": "age recipient key is not valid",
        "Echo": "excluded by embargoed-country",
    }


def test_rules_withhold_poc_and_delay_by_country_and_history() -> None:
    old_trouble = StatusChange(
        datetime(2019, 6, 1, tzinfo=UTC), PartnerStatus.SUSPENDED, "late ack"
    )
    back = StatusChange(datetime(2019, 7, 1, tzinfo=UTC), PartnerStatus.ACTIVE, "cleared")
    rules = parse_rules(
        [
            {"name": "no-poc-xa", "countries": ["XA"], "withhold": ["poc"]},
            {"name": "recent-trouble", "suspended_within": "3y", "delay": "48h"},
        ]
    )
    partners = [
        partner("Northwind Labs", "early-access", "XA"),
        partner("Tailspin", "early-access", history=(JOINED, old_trouble, back)),
        partner("Woodgrove", "early-access"),
    ]
    waves = plan_waves(CASE, MAPP, partners, ARTIFACTS, rules)
    first, later = waves
    assert first.at == datetime(2021, 3, 4, tzinfo=UTC)
    assert first.partners == ("Northwind Labs", "Woodgrove")
    assert first.artifacts["Northwind Labs"] == ("advisory.md", "detection.md")
    assert first.adjusted[0].reason == "poc withheld by no-poc-xa"
    assert later.at == datetime(2021, 3, 6, tzinfo=UTC)
    assert later.partners == ("Tailspin",)
    assert later.adjusted[0].reason == "notice delayed 2d by recent-trouble"


def test_a_delay_past_the_embargo_leaves_the_partner_out() -> None:
    rules = parse_rules([{"countries": ["US"], "delay": "2d"}])
    (wave,) = plan_waves(CASE, MAPP, [partner("Contoso Shield")], ARTIFACTS, rules)
    assert wave.partners == ()
    assert "no lead time" in wave.excluded[0].reason


def test_released_partners_keep_what_they_were_given() -> None:
    given = Release(
        "r1",
        CASE.id,
        "Northwind Labs",
        datetime(2021, 2, 23, 9, tzinfo=UTC),
        embargo_end(CASE),
        (ReleasedArtifact("advisory.md", "advisory", "3" * 64),),
    )
    partners = [partner("Northwind Labs", "early-access", status=PartnerStatus.SUSPENDED)]
    (wave,) = plan_waves(CASE, MAPP, partners, ARTIFACTS, (), released=[given])
    assert wave.at == given.available_at
    assert wave.artifacts == {"Northwind Labs": ("advisory.md",)}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([{"countries": ["US"]}], "has no effect"),
        ([{"withhold": ["poc"]}], "names no condition"),
        ([{"countries": ["US"], "withhold": ["binary"]}], "binary"),
        ([{"countries": ["US"], "delay": "soon"}], "not a duration"),
        ([{"countries": "US", "exclude": True}], "list of strings"),
        ([{"countries": ["US"], "exclude": True, "colour": "red"}], "unknown keys"),
    ],
)
def test_bad_rules_are_validation_errors(raw: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_rules(raw)


def test_unknown_tiers_are_release_errors() -> None:
    with pytest.raises(ReleaseError):
        plan_waves(CASE, MAPP, [partner("X", "gold")], ARTIFACTS, ())


def test_durations() -> None:
    assert parse_duration("12h") == timedelta(hours=12)
    assert parse_duration("14d") == timedelta(days=14)
    assert parse_duration("3y") == timedelta(days=3 * 365)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["early-access", "standard"]),
            st.sampled_from(["US", "XA", "XB"]),
            st.sampled_from(list(PartnerStatus)),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_every_partner_lands_in_exactly_one_place(
    specs: list[tuple[str, str, PartnerStatus, bool]],
) -> None:
    partners = [
        partner(f"P{i}", tier, country, status=status, age_recipient=KEY if keyed else None)
        for i, (tier, country, status, keyed) in enumerate(specs)
    ]
    rules = parse_rules(
        [{"countries": ["XA"], "withhold": ["poc"]}, {"countries": ["XB"], "exclude": True}]
    )
    waves = plan_waves(CASE, MAPP, partners, ARTIFACTS, rules)
    placed = [p for w in waves for p in w.partners] + [e.partner for w in waves for e in w.excluded]
    assert sorted(placed) == sorted(p.name for p in partners)
    for w in waves:
        for p in w.partners:
            source = next(x for x in partners if x.name == p)
            assert source.status is PartnerStatus.ACTIVE and source.country != "XB"
            assert source.country != "XA" or "poc.py" not in w.artifacts[p]
