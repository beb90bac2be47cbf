"""SIGKILL a `forewarn wave release` mid-wave on both databases, rerun, check exactly-once."""

from __future__ import annotations

import json
import signal
import subprocess
import time

import pytest

from conftest import FOREWARN_BIN
from release_world import CASE, NOTICE, populate, sql

PARTNERS = 48
"""Three delivery batches: the kill lands after the first commits, with two still to go."""


@pytest.mark.slow
def test_killed_release_leaves_nothing_partial_and_rerun_completes_once(program_env, cli) -> None:
    populate(program_env, early=PARTNERS, standard=0)
    url = program_env.settings.database_url
    now = NOTICE.isoformat().replace("+00:00", "Z")
    process = subprocess.Popen(
        [str(FOREWARN_BIN), "wave", "release", CASE, "--now", now, "--workers", "1", "--json"],
        env=program_env.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        done = int(sql(url, "SELECT count(*) FROM releases WHERE state = 'complete'")[0][0])
        if done >= 5:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the release finished before it was killed"

    states = dict(sql(url, "SELECT state, count(*) FROM releases GROUP BY state"))
    complete = int(states.get("complete", 0))
    assert 5 <= complete < PARTNERS
    assert states.get("pending", 0) == PARTNERS - complete
    # Nothing partial: bundles, items and audit leaves exist exactly for complete releases.
    assert sql(
        url,
        "SELECT count(*) FROM bundles b JOIN releases r ON r.id = b.release_id "
        "WHERE r.state = 'complete'",
    ) == [(complete,)]
    assert sql(url, "SELECT count(*) FROM bundles") == [(complete,)]
    assert sql(url, "SELECT count(*) FROM release_items") == [(3 * complete,)]
    assert sql(url, "SELECT count(*) FROM audit_leaves WHERE kind = 'release'") == [(complete,)]
    args = program_env.cli_args()
    assert cli([*args, "audit", "verify"]).exit_code == 0

    rerun = cli([*args, "wave", "release", CASE, "--now", now, "--json"])
    assert rerun.exit_code == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert (len(report["released"]), report["already"]) == (PARTNERS - complete, complete)
    assert sql(
        url, "SELECT count(*), count(DISTINCT partner_id) FROM releases WHERE state = 'complete'"
    ) == [(PARTNERS, PARTNERS)]
    assert sql(url, "SELECT count(*) FROM audit_leaves WHERE kind = 'release'") == [(PARTNERS,)]
    again = cli([*args, "wave", "release", CASE, "--now", now, "--json"])
    assert json.loads(again.stdout)["released"] == []
    assert cli([*args, "audit", "verify"]).exit_code == 0
