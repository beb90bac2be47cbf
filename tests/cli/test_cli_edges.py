"""What a newcomer hits first: showing a partner, a database or key file that is not right,
upgrading the schema, tracing many files at once, and bundle commands given the wrong place."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyrage

from conftest import CliRun, ProgramEnv
from forewarn.settings import sqlite_url
from release_world import CASE, NOTICE
from trace_world import LEAKER, Released, iso, release_and_fetch


def _refused(result: object, *words: str) -> None:
    """Exit 2, one line on stderr naming what is wrong, no traceback."""
    code, stderr = result.exit_code, result.stderr  # type: ignore[attr-defined]
    assert code == 2, stderr
    assert stderr.startswith("error: ") and stderr.count("\n") == 1, stderr
    assert all(word in stderr for word in words), stderr


def test_partner_show_prints_the_record_and_its_history(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    g = program_env.cli_args()
    added = cli(
        [*g, "partner", "add", "Northwind Labs", "--country", "US", "--tier", "early-access"]
        + ["--email", "psirt@northwind.example", "--now", "2021-01-04T10:00Z"]
    )
    assert added.exit_code == 0, added.stderr
    suspended = cli(
        [*g, "partner", "suspend", "Northwind Labs", "--reason", "NDA review"]
        + ["--now", "2021-02-01T10:00Z"]
    )
    assert suspended.exit_code == 0, suspended.stderr
    shown = cli([*g, "partner", "show", "Northwind Labs"])
    assert shown.exit_code == 0, shown.stderr
    for text in ("Northwind Labs", "psirt@northwind.example", "suspended", "NDA review", "(none)"):
        assert text in shown.stdout
    record = json.loads(cli([*g, "--json", "partner", "show", "Northwind Labs"]).stdout)
    assert [h["status"] for h in record["history"]] == ["active", "suspended"]


def test_a_database_without_a_program_says_run_init(cli: CliRun, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    g = ["--db", sqlite_url(empty), "--key-file", str(tmp_path / "k.key")]
    _refused(cli([*g, "partner", "list"]), "no forewarn database", "forewarn init")
    sqlite3.connect(empty).close()  # a database file with no schema in it
    _refused(cli([*g, "partner", "list"]), "forewarn")
    migrated = cli([*g, "program", "migrate"])
    assert migrated.exit_code == 0, migrated.stderr
    assert migrated.stdout.startswith("database at schema revision ")
    _refused(cli([*g, "partner", "list"]), "holds no program", "forewarn init")


def test_program_migrate_on_a_current_program_changes_nothing(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    g = program_env.cli_args()
    first = cli([*g, "program", "migrate"])
    assert first.exit_code == 0, first.stderr
    assert cli([*g, "program", "migrate"]).stdout == first.stdout
    assert cli([*g, "--json", "partner", "list"]).stdout.strip() == "[]"


def test_a_key_file_that_cannot_be_read_or_written(cli: CliRun, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    db = ["--db", sqlite_url(tmp_path / "p.db")]
    _refused(
        cli([*db, "--key-file", str(blocker / "k.key"), "init", "--now", "2021-01-04T09:00Z"]),
        "cannot create key file",
    )
    good = cli([*db, "--key-file", str(tmp_path / "k.key"), "init", "--now", "2021-01-04T09:00Z"])
    assert good.exit_code == 0, good.stderr
    _refused(cli([*db, "--key-file", str(blocker / "k.key"), "partner", "list"]), "key file")


def test_tracing_many_files_gives_what_tracing_each_gives(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    released: Released = release_and_fetch(program_env, cli, tmp_path / "bundles", (LEAKER,))
    found = tmp_path / "found"
    found.mkdir()
    files = [found / f"note-{n}.txt" for n in range(9)]  # more than the progress bar's threshold
    for n, path in enumerate(files):
        path.write_text(f"meeting notes {n}: nothing to see here\n")
    leaked = found / "tool.py"
    leaked.write_bytes(released.copies[LEAKER]["poc.py"])
    every = cli([*released.args, "--json", "trace", *map(str, [*files, leaked])])
    assert every.exit_code == 0, every.stderr
    results = {Path(r["path"]).name: r for r in json.loads(every.stdout)}
    assert len(results) == 10
    alone = json.loads(cli([*released.args, "--json", "trace", str(leaked)]).stdout)
    assert results["tool.py"]["suspects"] == alone[0]["suspects"]
    assert [s["partner"] for s in alone[0]["suspects"] if s["accused"]] == [LEAKER]
    assert all(not results[p.name]["matches"] for p in files)


def test_bundle_commands_refuse_the_wrong_place_or_a_missing_identity(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    released = release_and_fetch(program_env, cli, tmp_path / "bundles", (LEAKER,))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    fetch = [*released.args, "bundle", "fetch", CASE, "--partner", LEAKER, "--now", iso(NOTICE)]
    leaves = json.loads(cli([*released.args, "audit", "verify", "--json"]).stdout)["leaves"]
    _refused(cli([*fetch, "--out", str(blocker / "out")]), "cannot write into")
    after = json.loads(cli([*released.args, "audit", "verify", "--json"]).stdout)["leaves"]
    assert after == leaves  # a fetch whose file could not be written is not recorded
    sealed = tmp_path / "bundles" / LEAKER.replace(" ", "_") / f"{CASE}.bundle.age"
    _refused(cli([*released.args, "bundle", "verify", str(sealed)]), "is encrypted", "--identity")


def test_a_web_log_is_dated_by_its_first_line_not_its_file_time(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    released = release_and_fetch(program_env, cli, tmp_path / "bundles", (LEAKER,))
    log = tmp_path / "access.log"
    log.write_text(
        '10.1.2.3 - - [28/Feb/2021:10:00:02 +0000] "POST /owa/auth.owa HTTP/1.1" 302 0 "-" "M"\n'
        '10.1.2.3 - - [31/Feb/2021:10:00:00 +0000] "GET /owa/ HTTP/1.1" 200 512 "-" "M"\n'
        '10.1.2.3 - - [27/Feb/2021:10:00:01 +0000] "GET /owa/ HTTP/1.1" 200 512 "-" "M"\n'
    )  # the malformed 31 February is skipped, never a crash
    argv = ["investigate", CASE, "--evidence", str(log), "--now", "2021-03-01T10:00Z"]
    result = cli([*released.args, "--json", *argv])
    assert result.exit_code == 0, result.stderr
    (activity,) = json.loads(result.stdout)["activities"]
    assert [f["seen"] for f in activity["findings"]] == [{"at": "2021-02-27", "precision": "day"}]
    html = tmp_path / "report.html"
    table = cli([*released.args, *argv, "--html", str(html)])
    assert table.exit_code == 0, table.stderr
    assert f"report: {html}" in table.stdout and html.read_text().startswith("<!DOCTYPE html>")


def test_verify_proof_refuses_json_that_is_not_a_proof(cli: CliRun, tmp_path: Path) -> None:
    """Offline, with no program: only the file and a key."""
    for text, why in (("[1, 2]", "is not a proof document"), ("{", "(JSON)")):
        proof = tmp_path / "proof.json"
        proof.write_text(text)
        result = cli(["audit", "verify-proof", str(proof), "--public-key", "00" * 32])
        assert result.exit_code == 3 and why in result.stderr, result.stderr


def test_a_pasted_age_secret_key_is_never_echoed(cli: CliRun, program_env: ProgramEnv) -> None:
    secret = str(pyrage.x25519.Identity.generate())
    done = cli(
        [
            *program_env.cli_args(),
            "partner",
            "add",
            "Quill Labs",
            "--country",
            "DE",
            "--tier",
            "standard",
            "--age-recipient",
            secret,
        ]
    )
    assert done.exit_code == 2
    assert "secret key" in done.stderr and secret not in done.stderr + done.stdout
    assert secret[15:] not in done.stderr
