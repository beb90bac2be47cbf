"""Releases and fetches at once, on both databases: runs serialise, a fetch waits for its own
partner's release (never for the whole wave) and never aborts the release."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from conftest import FOREWARN_BIN
from forewarn.errors import ConflictError
from forewarn.program import bundle_handover, release
from forewarn.program.witness import PENDING_KEY
from release_world import CASE, NOTICE, populate, sql

AT = NOTICE.isoformat().replace("+00:00", "Z")


def _release_process(program_env, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(FOREWARN_BIN), "wave", "release", CASE, "--now", AT, "--json", *extra],
        env=program_env.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> dict[str, object]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    report: dict[str, object] = json.loads(out)
    return report


def _delivered_once(url: str, partners: int) -> None:
    assert sql(url, "SELECT state, count(*) FROM releases GROUP BY state") == [
        ("complete", partners)
    ]
    assert sql(url, "SELECT count(*) FROM audit_leaves WHERE kind = 'release'") == [(partners,)]
    assert sql(url, "SELECT count(*) FROM bundles") == [(partners,)]


@pytest.mark.slow
def test_two_first_releases_at_once_both_succeed_and_deliver_each_partner_once(
    program_env, cli
) -> None:
    populate(program_env, early=24, standard=0)
    first, second = _release_process(program_env), _release_process(program_env)
    reports = [_finish(first), _finish(second)]
    released = [r for report in reports for r in report["released"]]  # type: ignore[attr-defined]
    assert len(released) == len(set(released)) == 24
    for report in reports:  # what the other run delivered, each counts as released earlier
        assert len(report["released"]) + report["already"] == 24  # type: ignore[arg-type]
    _delivered_once(program_env.settings.database_url, 24)
    assert cli([*program_env.cli_args(), "audit", "verify"]).exit_code == 0


@pytest.mark.slow
def test_a_second_release_during_the_first_reports_already_released(
    program_env, backend, cli
) -> None:
    populate(program_env, early=60, standard=0)
    url = program_env.settings.database_url
    first = _release_process(program_env, "--workers", "1")
    deadline = time.monotonic() + 60
    while sql(url, "SELECT count(*) FROM releases WHERE state = 'complete'") == [(0,)]:
        assert time.monotonic() < deadline and first.poll() is None, "the first run never started"
        time.sleep(0.02)
    second = _release_process(program_env, "--workers", "1")
    assert first.poll() is None, "the first run ended before the second began"
    one, two = _finish(first), _finish(second)
    assert len(one["released"]) + len(two["released"]) == 60  # type: ignore[arg-type]
    assert two["already"] >= 1  # type: ignore[operator]
    if backend == "postgresql":  # the second waited for the whole first run
        assert (len(one["released"]), two["released"], two["already"]) == (60, [], 60)  # type: ignore[arg-type]
    _delivered_once(url, 60)
    assert cli([*program_env.cli_args(), "audit", "verify"]).exit_code == 0


FETCHED_DURING = 5 * release.BATCH_PARTNERS
"""Partners of the release that fetches run against."""


@pytest.mark.slow
def test_fetches_during_a_release_never_abort_it_and_each_is_logged(
    program_env, cli, tmp_path: Path
) -> None:
    # Five delivery batches: a fetch answered once the first has committed finds the release
    # still running (with two, a quick release left no window, and the test could not tell).
    world = populate(program_env, early=FETCHED_DURING, standard=0)
    url = program_env.settings.database_url
    names = sorted(world.identities)
    process = _release_process(program_env, "--workers", "1")

    def fetch(name: str) -> bool:
        result = cli(
            [*program_env.cli_args(), "bundle", "fetch", CASE, "--partner", name]
            + ["--out", str(tmp_path / name), "--now", AT]
        )
        if result.exit_code == 0:
            return True
        # not planned yet, or not delivered yet, are the only refusals
        refusals = ("but not delivered yet", "was released to")
        assert any(r in result.stderr for r in refusals), result.stderr
        return False

    fetched: set[str] = set()
    during = 0
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        waiting = [n for n in names if n not in fetched]
        if waiting and fetch(waiting[0]):
            fetched.add(waiting[0])
            during += process.poll() is None
    report = _finish(process)
    assert len(report["released"]) == FETCHED_DURING  # type: ignore[arg-type]
    assert [o["partner"] for o in report["left_out"]] == ["Keyless Ltd"]  # type: ignore[attr-defined]
    assert during >= 1, "no fetch was answered while the release was running"
    for name in [n for n in names if n not in fetched][:3]:  # and afterwards, as ever
        assert fetch(name), name
        fetched.add(name)
    _delivered_once(url, FETCHED_DURING)
    assert sql(url, "SELECT count(*) FROM fetches") == [(len(fetched),)]
    assert sql(url, "SELECT count(*) FROM audit_leaves WHERE kind = 'fetch'") == [(len(fetched),)]
    assert cli([*program_env.cli_args(), "audit", "verify"]).exit_code == 0


class PausedBatches:
    """A `Sessions` factory over the program's: it can hold a delivery batch open before its
    commit (locks held), or hold the next batch before it starts."""

    def __init__(self, program) -> None:
        self.program = program
        self.batches = 0
        self.hold_end: dict[int, tuple[threading.Event, threading.Event]] = {}
        self.hold_start: dict[int, tuple[threading.Event, threading.Event]] = {}

    def at_end(self, batch: int) -> tuple[threading.Event, threading.Event]:
        self.hold_end[batch] = (threading.Event(), threading.Event())
        return self.hold_end[batch]

    def at_start(self, batch: int) -> tuple[threading.Event, threading.Event]:
        self.hold_start[batch] = (threading.Event(), threading.Event())
        return self.hold_start[batch]

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        waiting = self.hold_start.pop(self.batches + 1, None)
        if waiting is not None:
            waiting[0].set()
            assert waiting[1].wait(30)
        with self.program.session() as session:
            yield session
            if session.info.get(PENDING_KEY):  # a delivery batch: it signed a checkpoint
                self.batches += 1
                held = self.hold_end.get(self.batches)
                if held is not None:
                    held[0].set()
                    assert held[1].wait(30)


def _fetch_in_thread(program, partner: str) -> tuple[threading.Thread, list[object]]:
    out: list[object] = []

    def run() -> None:
        try:
            with program.session() as session:
                out.append(
                    bundle_handover.fetch_bundle(
                        session, program.keys, CASE, partner=partner, now=NOTICE
                    )
                )
        except Exception as exc:
            out.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def test_a_fetch_waits_for_its_own_partners_release_batch_not_for_the_wave(
    program_env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of one partner: a fetch of the partner whose batch is being written waits for
    that commit and gets its bundle while the next partner is still pending."""
    populate(program_env, early=3, standard=0)
    monkeypatch.setattr(release, "BATCH_PARTNERS", 1)  # one partner a transaction
    with program_env.open() as program:
        sessions = PausedBatches(program)
        second_done, second_go = sessions.at_end(2)  # Early 0001 written, not committed
        third_ready, third_go = sessions.at_start(3)  # Early 0002 not started
        wave = threading.Thread(
            target=release.release_due,
            args=(sessions, program.keys, CASE),
            kwargs={"now": NOTICE, "workers": 1},
        )
        wave.start()
        assert second_done.wait(30)
        waiting, got = _fetch_in_thread(program, "Early 0001")
        waiting.join(1.0)
        assert waiting.is_alive(), f"the fetch did not wait for its batch: {got}"
        second_go.set()
        waiting.join(30)
        assert not waiting.is_alive() and len(got) == 1
        fetched = got[0]
        assert isinstance(fetched, bundle_handover.FetchedBundle), fetched
        assert fetched.release.partner == "Early 0001"
        assert third_ready.wait(30)  # the wave is still going: Early 0002 is not released yet
        with program.session() as session, pytest.raises(ConflictError, match="not delivered"):
            bundle_handover.fetch_bundle(
                session, program.keys, CASE, partner="Early 0002", now=NOTICE
            )
        third_go.set()
        wave.join(30)
        assert not wave.is_alive()
    url = program_env.settings.database_url
    _delivered_once(url, 3)
    assert sql(url, "SELECT count(*) FROM fetches") == [(1,)]
