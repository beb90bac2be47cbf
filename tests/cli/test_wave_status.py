"""`wave status` (released / fetched / acknowledged, the chase list) and `audit log` (filters,
leaf indexes, release ids), from the CLI on both databases after a scheduled release."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from release_world import CASE, populate

WAVE = datetime.fromisoformat("2021-02-23T00:00:00+00:00")


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def test_status_chase_and_audit_log(program_env, cli, tmp_path) -> None:
    populate(program_env, early=3, standard=1)
    args = program_env.cli_args()

    def run(*command: str) -> dict:
        done = cli([*args, *command, "--json"])
        assert done.exit_code == 0, done.stderr
        return json.loads(done.stdout)

    run("scheduler", "--once", "--now", _iso(WAVE - timedelta(minutes=30)))
    before = run("wave", "status", CASE, "--now", _iso(WAVE - timedelta(minutes=10)))
    states = {p["partner"]: p["state"] for p in before["partners"]}
    assert states == {
        "Early 0000": "prepared",
        "Early 0001": "prepared",
        "Early 0002": "prepared",
        "Standard 0000": "planned",
    }
    assert not any(p["fetchable"] for p in before["partners"])
    own = ("wave", "status", CASE, "--partner", "Early 0000")
    mine = run(*own, "--now", _iso(WAVE - timedelta(minutes=10)))
    assert (mine["partner"], mine["state"], mine["fetchable"]) == ("Early 0000", "prepared", False)
    assert mine["available_at"] == _iso(WAVE)
    nothing = cli([*args, "wave", "status", CASE, "--partner", "Keyless Ltd"])
    assert nothing.exit_code == 2 and "nothing of" in nothing.stderr
    both = cli([*args, "wave", "status", CASE, "--partner", "Early 0000", "--chase", "1"])
    assert both.exit_code == 2

    run("scheduler", "--once", "--now", _iso(WAVE))
    fetch_at, ack_at = WAVE + timedelta(hours=1), WAVE + timedelta(hours=2)
    for partner in ("Early 0000", "Early 0001"):
        fetched = cli(
            [*args, "bundle", "fetch", CASE, "--partner", partner]
            + ["--out", str(tmp_path / partner), "--now", _iso(fetch_at)]
        )
        assert fetched.exit_code == 0, fetched.stderr
    acked = cli([*args, "bundle", "ack", CASE, "--partner", "Early 0000", "--now", _iso(ack_at)])
    assert acked.exit_code == 0, acked.stderr

    status = run("wave", "status", CASE, "--chase", "24", "--now", _iso(WAVE + timedelta(days=1)))
    rows = {p["partner"]: p for p in status["partners"]}
    assert rows["Early 0000"]["state"] == "acknowledged"
    assert (rows["Early 0000"]["fetched_at"], rows["Early 0000"]["acknowledged_at"]) == (
        _iso(fetch_at),
        _iso(ack_at),
    )
    assert rows["Early 0001"]["state"] == "fetched" and rows["Early 0002"]["state"] == "released"
    assert rows["Early 0002"]["released_at"] == _iso(WAVE) and rows["Early 0002"]["fetchable"]
    mine = run(*own, "--now", _iso(WAVE + timedelta(days=1)))
    assert (mine["state"], mine["fetchable"]) == ("acknowledged", True)
    shown = cli([*args, *own, "--now", _iso(WAVE + timedelta(days=1))])
    assert "fetchable now" in shown.stdout and "Early 0001" not in shown.stdout
    assert status["counts"]["acknowledged"] == 1 and status["counts"]["planned"] == 1
    chase = {c["partner"]: c["missing"] for c in status["chase"]}
    assert chase == {"Early 0001": ["ack"], "Early 0002": ["fetch", "ack"]}
    early = run("wave", "status", CASE, "--chase", "24", "--now", _iso(WAVE + timedelta(hours=23)))
    assert early["chase"] == []
    table = cli(
        [*args, "wave", "status", CASE, "--chase", "24", "--now", _iso(WAVE + timedelta(days=1))]
    )
    assert "fetch and ack" in table.stdout and "Early 0002" in table.stdout

    suspended = cli(
        [*args, "partner", "suspend", "Standard 0000", "--reason", "NDA lapsed"]
        + ["--now", _iso(WAVE + timedelta(days=2))]
    )
    assert suspended.exit_code == 0, suspended.stderr

    log = run("audit", "log", "--case", CASE, "--limit", "0")
    kinds = [e["kind"] for e in log["entries"]]
    made = ["case-created"] + ["artifact"] * 3  # the case's own leaves come first
    assert kinds == made + ["release"] * 3 + ["fetch", "fetch", "ack", "release-cancelled"]
    b = log["entries"][4]["index"]  # the first release leaf, after genesis, partners and the case
    assert [e["index"] for e in log["entries"]] == [
        b + i for i in (-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 7)
    ]
    release_ids = {rows[n]["release_id"] for n in ("Early 0000", "Early 0001", "Early 0002")}
    assert {e["release_id"] for e in log["entries"][4:7]} == release_ids
    assert log["entries"][-1]["partner"] == "Standard 0000"  # a cancellation names only a release
    assert rows["Early 0000"]["release_leaf"] in {b, b + 1, b + 2}

    mine = run("audit", "log", "--partner", "Early 0000")
    assert [e["kind"] for e in mine["entries"]] == ["partner-added", "release", "fetch", "ack"]
    assert {e["release_id"] for e in mine["entries"][1:]} == {rows["Early 0000"]["release_id"]}
    fetches = run("audit", "log", "--kind", "fetch", "--since", _iso(WAVE), "--limit", "1")
    assert (len(fetches["entries"]), fetches["matched"], fetches["leaves"]) == (1, 2, b + 8)
    assert fetches["entries"][0]["index"] == b + 4
    assert run("audit", "log", "--since", _iso(WAVE + timedelta(days=2)))["matched"] == 2
    bad = cli([*args, "audit", "log", "--kind", "download"])
    assert bad.exit_code == 2 and "unknown entry kind" in bad.stderr
    shown = cli([*args, "audit", "log", "--partner", "Early 0000"])
    assert f"4 of 4 matching entries shown ({b + 8} in the log)" in shown.stdout
