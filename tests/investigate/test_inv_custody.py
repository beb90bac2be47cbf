"""Registered evidence dates an investigation, not file modification times (both databases).

The leaked copy is real (released, fetched and decrypted through the CLI); it is written to disk
today, as a tool copied out of a ticket would be, so its modification time says nothing of when
it was seen. Registered with `forewarn evidence add --seen`, it is dated by that; given with
`--evidence` under another name, it is matched by SHA-256; unregistered, it falls back to its
modification day with a warning in the output and the report.
"""

from __future__ import annotations

import io
import json
import os
import random
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from forewarn.demo import weblog
from release_world import CASE
from trace_world import LEAKER, Released, release_and_fetch

AS_OF = "2021-03-01T12:00:00Z"
SEEN = "2021-02-28T14:10:00Z"


def _investigate(cli, released: Released, *extra: str) -> dict:
    run = cli([*released.args, "investigate", CASE, "--now", AS_OF, *extra, "--json"])
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def _findings(data: dict) -> list[dict]:
    return [f for a in data["activities"] for f in a["findings"]]


def _register(cli, released: Released, path: Path, seen: str, source: str) -> None:
    added = cli(
        [*released.args, "evidence", "add", CASE, str(path), "--seen", seen]
        + ["--source", source, "--collector", "R. Okafor", "--now", AS_OF]
    )
    assert added.exit_code == 0, added.stderr


def _leak(program_env, cli, tmp_path: Path) -> tuple[Released, Path]:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    tool = tmp_path / "ticket" / "exch_chain.py"
    tool.parent.mkdir()
    tool.write_bytes(released.copies[LEAKER]["poc.py"])  # modification time: today
    return released, tool


def test_evidence_add_then_investigate_uses_the_registered_seen_time(
    program_env, cli, tmp_path: Path
) -> None:
    released, tool = _leak(program_env, cli, tmp_path)
    _register(cli, released, tool, SEEN, "ticket INC-4411")
    data = _investigate(cli, released)  # no --evidence: the case's registered evidence
    (finding,) = _findings(data)
    assert finding["seen"] == {"at": SEEN, "precision": "instant"}
    assert finding["dating"]["basis"] == "registered"
    assert finding["dating"]["custody"]["source"] == "ticket INC-4411"
    assert finding["dating"]["sha256"] == finding["dating"]["custody"]["sha256"]
    wave = data["activities"][0]
    assert 5 < wave["timing"]["delta_days"] < 6  # Feb 23 09:00 → Feb 28 14:10, not years
    assert wave["hypotheses"][0]["subject"] == LEAKER
    assert data["warnings"] == []

    text = cli([*released.args, "investigate", CASE, "--now", AS_OF])
    assert text.exit_code == 0, text.stderr
    assert "registered" in text.stdout and "E1: seen 2021-02-28T14:10:00Z" in text.stdout
    assert "warning:" not in text.stdout


def test_a_file_given_with_evidence_is_matched_by_sha256(program_env, cli, tmp_path: Path) -> None:
    released, tool = _leak(program_env, cli, tmp_path)
    _register(cli, released, tool, SEEN, "ticket INC-4411")
    elsewhere = tmp_path / "analyst" / "renamed_tool.py"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(tool.read_bytes())
    data = _investigate(cli, released, "--evidence", str(elsewhere))
    (finding,) = _findings(data)  # the registered item is not traced twice
    assert finding["label"] == "renamed_tool.py"
    assert finding["seen"]["at"] == SEEN and finding["dating"]["basis"] == "registered"
    assert finding["dating"]["custody"]["name"] == "exch_chain.py"

    archive = tmp_path / "analyst" / "samples.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("deep/tool.py", tool.read_bytes())
    archive.write_bytes(buffer.getvalue())
    (member,) = _findings(_investigate(cli, released, "--evidence", str(archive)))
    assert member["dating"]["basis"] == "registered" and member["seen"]["at"] == SEEN


def test_an_unregistered_file_falls_back_to_its_modification_day_with_a_warning(
    program_env, cli, tmp_path: Path
) -> None:
    released, tool = _leak(program_env, cli, tmp_path)
    when = datetime(2021, 2, 28, 15, 0, tzinfo=UTC).timestamp()
    os.utime(tool, (when, when))
    report = tmp_path / "report.html"
    data = _investigate(cli, released, "--evidence", str(tool), "--html", str(report))
    (finding,) = _findings(data)
    assert finding["seen"] == {"at": "2021-02-28", "precision": "day"}
    assert finding["dating"]["basis"] == "modification time"
    assert finding["dating"]["custody"] is None
    (warning,) = data["warnings"]
    assert "exch_chain.py (2021-02-28)" in warning and "forewarn evidence add" in warning
    html = report.read_text(encoding="utf-8")
    assert "<b>Warning:</b>" in html and "modification time (a guess)" in html

    text = cli([*released.args, "investigate", CASE, "--now", AS_OF, "--evidence", str(tool)])
    assert (
        text.exit_code == 0 and "warning: 1 item(s) dated only by file modification" in text.stdout
    )


def test_a_copy_made_today_is_not_dated_today_once_registered(
    program_env, cli, tmp_path: Path
) -> None:
    released, tool = _leak(program_env, cli, tmp_path)
    unregistered = _investigate(cli, released, "--evidence", str(tool))
    assert _findings(unregistered) == []  # dated today: after the moment investigated…
    assert "exch_chain.py" in unregistered["warnings"][0]  # …and said so
    _register(cli, released, tool, "2021-02-28", "ticket INC-4411")
    (finding,) = _findings(_investigate(cli, released, "--evidence", str(tool)))
    assert finding["seen"] == {"at": "2021-02-28", "precision": "day"}


def test_a_registered_web_log_is_dated_by_its_lines(program_env, cli, tmp_path: Path) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    day = datetime(2021, 2, 27, tzinfo=UTC)
    rng = random.Random(7)
    log = tmp_path / "u_ex210227.log"
    log.write_text(weblog.w3c_log(day, weblog.scanning(day, rng, 3)), encoding="utf-8")
    _register(cli, released, log, "2021-03-01T09:00:00Z", "IIS logs sent by the customer")
    (finding,) = _findings(_investigate(cli, released))
    assert finding["seen"] == {"at": "2021-02-27", "precision": "day"}
    assert finding["dating"]["basis"] == "log lines"
    assert "registered as seen 2021-03-01T09:00:00Z" in finding["dating"]["detail"]
    assert finding["dating"]["custody"]["source"] == "IIS logs sent by the customer"


def test_no_registered_leaves_the_registered_evidence_out(program_env, cli, tmp_path: Path) -> None:
    released, tool = _leak(program_env, cli, tmp_path)
    _register(cli, released, tool, SEEN, "ticket INC-4411")
    data = _investigate(cli, released, "--no-registered")
    assert _findings(data) == [] and LEAKER not in data["headline"]


def test_a_registered_archive_dates_its_members_read_from_store_or_disk(
    program_env, cli, tmp_path: Path
) -> None:
    released, tool = _leak(program_env, cli, tmp_path)
    archive = tmp_path / "ticket" / "samples.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("tools/tool.py", tool.read_bytes())
        zipped.writestr("notes.txt", b"collected from the customer\n")
    archive.write_bytes(buffer.getvalue())
    _register(cli, released, archive, SEEN, "ticket INC-4411 attachment")
    for extra in ((), ("--evidence", str(archive))):  # from the store, then matched on disk
        found = _findings(_investigate(cli, released, *extra))
        assert len(found) == 2, extra
        assert {f["dating"]["basis"] for f in found} == {"registered"}
        assert {f["dating"]["custody"]["name"] for f in found} == {"samples.zip"}
        assert {f["seen"]["at"] for f in found} == {SEEN}
