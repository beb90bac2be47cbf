"""SIGKILL a real `forewarn scheduler` process at each step of a wave and start it again.

The scheduler is stopped (`--pause-at`, a hidden option) right at a step: inside the transaction
that holds the prepared bundles before it commits, after it committed, and inside a release
batch's transaction before it commits, one batch being committed already (mid-release). It is
killed there with SIGKILL, so nothing of Python's clean-up runs, then started again. Exactly
one release leaf and one bundle per partner must come out of it, nothing partial ever visible,
and the audit log must verify.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from datetime import datetime, timedelta

import pytest

from conftest import FOREWARN_BIN
from release_world import CASE, populate, sql

PARTNERS = 6
WAVE = datetime.fromisoformat("2021-02-23T00:00:00+00:00")
AHEAD = WAVE - timedelta(minutes=30)


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _kill_at(env, at: datetime, point: str, *extra: str) -> None:
    """Run one pass, wait until it stops at `point`, SIGKILL it."""
    process = subprocess.Popen(
        [str(FOREWARN_BIN), "scheduler", "--once", "--now", _iso(at), "--pause-at", point, *extra],
        env=env.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    guard = threading.Timer(90, process.kill)  # never hang the suite if the point is not reached
    guard.start()
    try:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:
            seen.append(line)
            if line.startswith("paused at "):
                break
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        guard.cancel()
        if process.stderr is not None:
            process.stderr.close()
    expected = point if ":" in point else f"{point}:1"
    assert seen and seen[-1] == f"paused at {expected}\n", "".join(seen)
    assert process.returncode == -signal.SIGKILL


def _counts(url: str) -> dict[str, int]:
    one = {
        "held": "SELECT count(*) FROM held_bundles",
        "complete": "SELECT count(*) FROM releases WHERE state = 'complete'",
        "bundles": "SELECT count(*) FROM bundles",
        "items": "SELECT count(*) FROM release_items",
        "leaves": "SELECT count(*) FROM audit_leaves WHERE kind = 'release'",
    }
    return {name: int(sql(url, query)[0][0]) for name, query in one.items()}


def _verify(cli, env) -> None:
    verified = cli([*env.cli_args(), "audit", "verify"])
    assert verified.exit_code == 0, verified.stderr


@pytest.mark.slow
def test_sigkill_at_every_step_releases_each_partner_exactly_once(program_env, cli) -> None:
    populate(program_env, early=PARTNERS, standard=0)
    url = program_env.settings.database_url
    nothing = {"held": 0, "complete": 0, "bundles": 0, "items": 0, "leaves": 0}

    _kill_at(program_env, AHEAD, "prepare-commit")
    assert _counts(url) == nothing  # the open transaction died with the process
    _verify(cli, program_env)

    _kill_at(program_env, AHEAD, "prepared")
    assert _counts(url) == {**nothing, "held": PARTNERS}
    refused = cli(
        [*program_env.cli_args(), "bundle", "fetch", CASE, "--partner", "Early 0000"]
        + ["--out", str(program_env.dir / "early"), "--now", _iso(WAVE - timedelta(seconds=1))]
    )
    assert refused.exit_code == 2 and "may not have" in refused.stderr
    _verify(cli, program_env)

    # Mid-release, in batches of two: the first batch committed, killed inside the second.
    _kill_at(program_env, WAVE, "release-commit:2", "--release-batch", "2")
    first = {"held": PARTNERS - 2, "complete": 2, "bundles": 2, "items": 6, "leaves": 2}
    assert _counts(url) == first
    _verify(cli, program_env)

    rest = cli([*program_env.cli_args(), "scheduler", "--once", "--now", _iso(WAVE), "--json"])
    assert rest.exit_code == 0, rest.stderr
    report = json.loads(rest.stdout)
    assert (len(report["released"]), report["marked_at_release"]) == (PARTNERS - 2, [])
    full = {"held": 0, "complete": PARTNERS, "bundles": PARTNERS, "items": 18, "leaves": PARTNERS}
    assert _counts(url) == full
    again = cli([*program_env.cli_args(), "scheduler", "--once", "--now", _iso(WAVE), "--json"])
    assert json.loads(again.stdout)["released"] == [] and _counts(url) == full
    per_partner = sql(
        url,
        "SELECT r.partner_id, count(*) FROM audit_leaves l JOIN releases r ON r.id = l.subject "
        "WHERE l.kind = 'release' GROUP BY r.partner_id",
    )
    assert len(per_partner) == PARTNERS and {n for _, n in per_partner} == {1}
    assert sql(url, "SELECT count(DISTINCT release_id) FROM bundles") == [(PARTNERS,)]
    verified = cli([*program_env.cli_args(), "audit", "verify", "--regenerate"])
    assert verified.exit_code == 0, verified.stderr


@pytest.mark.parametrize("backend", ["sqlite"])  # the loop's timing is not the database's
def test_the_loop_sleeps_until_the_instant_and_stops_on_sigterm(program_env) -> None:
    populate(program_env, early=2, standard=0)
    start = WAVE - timedelta(seconds=3)
    with subprocess.Popen(
        [str(FOREWARN_BIN), "scheduler", "--now", _iso(start), "--interval", "60s", "--json"],
        env=program_env.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        guard = threading.Timer(90, process.kill)
        guard.start()
        try:
            assert process.stdout is not None
            lines = []
            for line in process.stdout:
                lines.append(json.loads(line))
                if lines[-1].get("released") or lines[-1].get("marked_at_release"):
                    break
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate()
        finally:
            guard.cancel()
    assert process.returncode == 0, err
    passes = [line for line in lines if "event" not in line]
    events = [line for line in lines if "event" in line]
    # Held ahead (unless the machine took over 3 s to start), released at the instant, never
    # before: each pass before it released nothing.
    assert all(p["released"] == p["marked_at_release"] == [] for p in passes[:-1])
    assert all(_at(p["now"]) < WAVE for p in passes[:-1]) and _at(passes[-1]["now"]) >= WAVE
    assert len(passes[-1]["released"]) + len(passes[-1]["marked_at_release"]) == 2
    assert all(_at(e["at"]) >= WAVE for e in events if e["event"] == "released")


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite lets one writer in at a time anyway
def test_two_schedulers_at_once_release_each_partner_once(program_env, cli) -> None:
    populate(program_env, early=PARTNERS, standard=0)
    url = program_env.settings.database_url
    assert (
        cli([*program_env.cli_args(), "scheduler", "--once", "--now", _iso(AHEAD)]).exit_code == 0
    )
    command = [
        str(FOREWARN_BIN),
        "scheduler",
        "--once",
        "--now",
        _iso(WAVE),
        "--release-batch",
        "1",
    ]
    both = [
        subprocess.Popen(command, env=program_env.env(), stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in both]
    # Each exits 0, or 2 when it lost a race for the log's next leaf (its batch rolled back).
    assert {p.returncode for p in both} <= {0, 2}, outputs
    rest = cli([*program_env.cli_args(), "scheduler", "--once", "--now", _iso(WAVE)])
    assert rest.exit_code == 0, rest.stderr
    full = {"held": 0, "complete": PARTNERS, "bundles": PARTNERS, "items": 18, "leaves": PARTNERS}
    assert _counts(url) == full
    _verify(cli, program_env)
