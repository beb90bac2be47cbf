"""`forewarn scheduler` on both databases: sealed and held ahead, fetchable only at the instant,
released once; a suspension, a reschedule or a publication before the instant discards what it
held (a rescheduled wave is prepared again); a scheduler started late marks at the instant."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from forewarn.program.bundles import unseal
from release_world import ADVISORY, CASE, NOTICE, open_bundle, populate, sql

WAVE = datetime.fromisoformat("2021-02-23T00:00:00+00:00")
"""The early-access wave's instant (patch 2021-03-09 minus 14 days)."""
STANDARD = datetime.fromisoformat("2021-03-06T00:00:00+00:00")
"""The standard wave's instant."""


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def _pass(cli, env, at: datetime, *extra: str) -> dict:
    done = cli([*env.cli_args(), "scheduler", "--once", "--now", _iso(at), "--json", *extra])
    assert done.exit_code == 0, done.stderr
    return json.loads(done.stdout)


def _fetch(cli, env, partner: str, at: datetime, out: Path):
    return cli(
        [*env.cli_args(), "bundle", "fetch", CASE, "--partner", partner, "--out", str(out)]
        + ["--now", _iso(at)]
    )


def test_held_ahead_released_at_the_instant_exactly_once(program_env, cli, tmp_path) -> None:
    world = populate(program_env, early=3, standard=1)
    url = program_env.settings.database_url

    early = _pass(cli, program_env, WAVE - timedelta(hours=2))
    assert (early["prepared"], early["released"]) == ([], [])
    assert early["next_wake"] == "2021-02-22T23:00:00Z"

    ahead = _pass(cli, program_env, WAVE - timedelta(minutes=30))
    assert len(ahead["prepared"]) == 3 and ahead["released"] == []
    assert ahead["next_wake"] == "2021-02-23T00:00:00Z"
    held = sql(url, "SELECT sealed FROM held_bundles")
    assert len(held) == 3
    for (sealed,) in held:  # age-encrypted to the partner: nothing readable at rest
        assert bytes(sealed).startswith(b"age-encryption.org/v1") and ADVISORY[:40] not in sealed
    assert sql(url, "SELECT count(*) FROM bundles") == [(0,)]
    refused = _fetch(cli, program_env, "Early 0000", WAVE - timedelta(seconds=1), tmp_path / "a")
    assert refused.exit_code == 2 and "may not have" in refused.stderr
    assert _pass(cli, program_env, WAVE - timedelta(minutes=10))["prepared"] == []

    at = _pass(cli, program_env, WAVE)
    assert sorted(at["released"]) == sorted(ahead["prepared"])
    assert at["marked_at_release"] == [] and at["next_wake"] == "2021-03-05T23:00:00Z"
    assert sql(url, "SELECT count(*) FROM held_bundles") == [(0,)]
    assert sql(url, "SELECT count(*) FROM audit_leaves WHERE kind = 'release'") == [(3,)]
    again = _pass(cli, program_env, WAVE + timedelta(minutes=1))
    assert (again["released"], again["marked_at_release"], again["prepared"]) == ([], [], [])
    assert sql(url, "SELECT count(*) FROM audit_leaves WHERE kind = 'release'") == [(3,)]

    fetched = _fetch(cli, program_env, "Early 0001", WAVE, tmp_path / "b")
    assert fetched.exit_code == 0, fetched.stderr
    sealed = (tmp_path / "b" / f"{CASE}.bundle.age").read_bytes()
    copy = open_bundle(unseal(sealed, world.identities["Early 0001"]))
    assert copy.release.available_at == WAVE and sorted(copy.contents) == [
        "advisory.md",
        "detection.md",
        "poc.py",
    ]
    verified = cli([*program_env.cli_args(), "audit", "verify", "--regenerate"])
    assert verified.exit_code == 0, verified.stderr


def test_suspension_and_reschedule_discard_held_bundles(program_env, cli) -> None:
    populate(program_env, early=3, standard=1)
    url, args = program_env.settings.database_url, program_env.cli_args()
    assert len(_pass(cli, program_env, WAVE - timedelta(minutes=30))["prepared"]) == 3
    suspended = cli(
        [*args, "partner", "suspend", "Early 0002", "--reason", "leak inquiry"]
        + ["--now", _iso(WAVE - timedelta(minutes=20))]
    )
    assert suspended.exit_code == 0, suspended.stderr
    assert sql(url, "SELECT count(*) FROM held_bundles") == [(2,)]

    at = _pass(cli, program_env, WAVE)
    assert len(at["released"]) == 2 and at["marked_at_release"] == []
    released = sql(
        url,
        "SELECT p.name FROM releases r JOIN partners p ON p.id = r.partner_id "
        "WHERE r.state = 'complete' ORDER BY p.name",
    )
    assert released == [("Early 0000",), ("Early 0001",)]

    # The standard wave is held, then the patch moves by three days before its instant.
    assert len(_pass(cli, program_env, STANDARD - timedelta(minutes=30))["prepared"]) == 1
    moved = cli(
        [*args, "case", "reschedule", CASE, "--patch-planned", "2021-03-12"]
        + ["--reason", "vendor needs more time", "--now", _iso(STANDARD - timedelta(minutes=5))]
    )
    assert moved.exit_code == 0, moved.stderr
    assert sql(url, "SELECT count(*) FROM held_bundles") == [(0,)]
    nothing = _pass(cli, program_env, STANDARD)
    assert (nothing["released"], nothing["marked_at_release"]) == ([], [])
    later = STANDARD + timedelta(days=3)
    assert len(_pass(cli, program_env, later - timedelta(minutes=30))["prepared"]) == 1
    assert str(sql(url, "SELECT available_at FROM held_bundles")[0][0]).startswith("2021-03-09")
    assert len(_pass(cli, program_env, later)["released"]) == 1
    leaves = sql(url, "SELECT payload FROM audit_leaves WHERE kind = 'release'")
    assert sorted(json.loads(p)["available_at"] for (p,) in leaves)[-1].startswith("2021-03-09T")
    assert cli([*args, "audit", "verify", "--regenerate"]).exit_code == 0


def test_a_late_start_marks_at_the_instant_and_publication_discards(program_env, cli) -> None:
    populate(program_env, early=2, standard=1)
    url, args = program_env.settings.database_url, program_env.cli_args()
    late = _pass(cli, program_env, NOTICE, "--prepare-ahead", "0s")
    assert late["released"] == [] and len(late["marked_at_release"]) == 2
    assert sql(url, "SELECT count(*) FROM audit_leaves WHERE kind = 'release'") == [(2,)]

    assert len(_pass(cli, program_env, STANDARD - timedelta(hours=1))["prepared"]) == 1
    published = cli(
        [*args, "case", "publish", CASE, "--at", "2021-03-05"]
        + ["--now", _iso(STANDARD - timedelta(minutes=30))]
    )
    assert published.exit_code == 0, published.stderr
    after = _pass(cli, program_env, STANDARD)
    assert len(after["discarded"]) == 1 and after["released"] == []
    assert sql(url, "SELECT count(*) FROM held_bundles") == [(0,)]
    assert after["next_wake"] is None
    assert cli([*args, "audit", "verify"]).exit_code == 0


def test_preparing_is_spread_over_short_passes(program_env, cli) -> None:
    populate(program_env, early=3, standard=0)
    ahead = WAVE - timedelta(minutes=30)
    first = _pass(cli, program_env, ahead, "--prepare-limit", "2")
    assert len(first["prepared"]) == 2 and first["next_wake"] == _iso(ahead)  # more to do now
    second = _pass(cli, program_env, ahead, "--prepare-limit", "2")
    assert len(second["prepared"]) == 1 and second["next_wake"] == _iso(WAVE)
    assert not set(first["prepared"]) & set(second["prepared"])


def test_scheduler_refuses_bad_durations(cli) -> None:
    bad = cli(["scheduler", "--once", "--prepare-ahead", "soon"])
    assert bad.exit_code == 2 and "not a duration" in bad.stderr
    zero = cli(["scheduler", "--interval", "0s"])
    assert zero.exit_code == 2 and "--interval" in zero.stderr
