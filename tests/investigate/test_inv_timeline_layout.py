"""The timeline picture: fetches at their instants, the public phase apart from the embargo,
every mark in the legend."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from inv_records import at, day, event, fetch, release
from test_inv_engine import exchange_like

from forewarn.domain.timeline import EventKind, TimePoint, TimePrecision
from forewarn.investigate.groups import build_groups
from forewarn.investigate.timeline_plot import (
    group_lane,
    legend_entries,
    patch_released,
    phases,
    timeline_png,
)


def test_fetches_are_kept_per_wave_at_their_instants() -> None:
    early = [release(p, "2021-02-23T09:00:00") for p in ("A", "B")]
    late = [release("C", "2021-03-06T09:00:00")]
    fetches = (
        fetch(early[0], "2021-02-23T10:15:00"),
        fetch(early[1], "2021-02-24T08:00:00"),
        fetch(late[0], "2021-03-06T11:00:00"),
    )
    groups = build_groups([*early, *late], fetches)
    assert [[f.at for f in g.fetches] for g in groups] == [
        [at("2021-02-23T10:15:00"), at("2021-02-24T08:00:00")],
        [at("2021-03-06T11:00:00")],
    ]
    result = dataclasses.replace(
        exchange_like(), releases=(*early, *late), fetches=fetches, groups=groups
    )
    assert timeline_png(result).startswith(b"\x89PNG")


def test_a_delivery_later_than_the_wave_time_is_when_exposure_starts() -> None:
    wave = release("A", "2021-02-23T00:00:00")
    late = dataclasses.replace(wave, released_at=at("2021-02-23T09:00:00"))
    assert wave.exposed_from == at("2021-02-23T00:00:00")
    assert late.exposed_from == at("2021-02-23T09:00:00")
    (group,) = build_groups([late], [])
    assert group.released_at == at("2021-02-23T09:00:00")  # the group is exposed from delivery
    assert group.wave_at == at("2021-02-23T00:00:00")  # and named by its wave
    assert group_lane(group) == "early-access 02-23 (1)"


def test_the_public_phase_is_shaded_apart_from_the_embargo() -> None:
    embargoed = exchange_like()
    end = datetime(2021, 3, 12, tzinfo=UTC)
    assert [name for name, *_ in phases(embargoed, end)] == ["embargo"]
    assert "public (after the patch)" not in legend_entries(embargoed)
    published = dataclasses.replace(
        embargoed,
        case=dataclasses.replace(
            embargoed.case, patch_actual=TimePoint(at("2021-03-02T00:00:00"), TimePrecision.INSTANT)
        ),
    )
    (embargo, public) = phases(published, end)
    assert embargo == ("embargo", at("2021-02-23T00:00:00"), at("2021-03-02T00:00:00"))
    assert public == ("public", at("2021-03-02T00:00:00"), end)
    assert {"patch actual", "public (after the patch)"} <= set(legend_entries(published))
    assert timeline_png(published).startswith(b"\x89PNG")


def test_a_patch_released_event_counts_as_the_patch() -> None:
    result = exchange_like()
    released = dataclasses.replace(
        result, events=(*result.events, event(EventKind.PATCH_RELEASED, day("2021-03-02")))
    )
    assert patch_released(result) is None
    assert patch_released(released) == at("2021-03-02T00:00:00")
    assert timeline_png(released).startswith(b"\x89PNG")


def test_the_legend_names_every_mark_and_shade() -> None:
    names = legend_entries(exchange_like())
    for expected in (
        "scanning",
        "exploitation",
        "material found",
        "case event",
        "partner release",
        "fetch",
        "patch planned",
        "patch recommended",
        "attacker activity",
        "embargo",
    ):
        assert expected in names
