"""What a new PSIRT lead gets wrong on the first day: a folder where a file belongs, the
program's own key file added as an artifact, a typo in `publish --format`, a file as `--out`,
an empty password file, and asking for JSON of the public key; a program key mistyped, a password
prompt that loops or asks for an unknown partner, a public `serve` bind, an export over an earlier
one. Each is one `error:` line and exit 2 (a JSON object under `--json`), and nothing is written."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import forewarn.cli.staff
from conftest import FOREWARN_BIN, CliResult, CliRun, ProgramEnv
from forewarn.cli.app import app
from notify_world import released_world
from release_world import ADVISORY, CASE, populate

pytestmark = pytest.mark.one_database


def _refused(result: object, *words: str) -> None:
    """Exit 2, one line on stderr naming what is wrong, no traceback."""
    code, stderr = result.exit_code, result.stderr  # type: ignore[attr-defined]
    assert code == 2, stderr
    assert stderr.startswith("error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert all(word in stderr for word in words), stderr


def test_a_folder_where_a_file_belongs_is_one_error_line(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    g = program_env.cli_args()
    populate(program_env)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    given = str(folder)
    for command in (
        ["case", "add-artifact", CASE, given, "--kind", "advisory"],
        ["case", "import", given],
        ["partner", "import", given],
        ["bundle", "verify", given, "-i", given],
        ["audit", "verify-proof", given, "--public-key", "ab" * 32],
        ["staff", "add", "lead@program.example", "--role", "admin", "--password-file", given],
    ):
        _refused(cli([*g, *command]), "is not a regular file")
    as_json = cli([*g, "--json", "case", "add-artifact", CASE, given, "--kind", "advisory"])
    assert as_json.exit_code == 2
    assert "is not a regular file" in json.loads(as_json.stderr)["error"]


def test_add_artifact_refuses_the_programs_key_file_database_and_witness(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    g = program_env.cli_args()
    populate(program_env)
    before = json.loads(cli([*g, "--json", "case", "show", CASE]).stdout)["artifacts"]
    with program_env.open() as program:
        private = program.private_files()
    link = tmp_path / "notes.md"
    link.symlink_to(program_env.settings.key_file)
    named = [program_env.settings.key_file, link]
    named += [path for path in private.values() if path.exists()]
    assert len(named) >= 3  # the key file twice, and at least the database or the witness
    for path in named:
        _refused(
            cli([*g, "case", "add-artifact", CASE, str(path), "--kind", "advisory"]),
            "refused: it is",
            "delivered to partners",
        )
    after = json.loads(cli([*g, "--json", "case", "show", CASE]).stdout)["artifacts"]
    assert after == before
    fine = tmp_path / "extra.md"
    fine.write_bytes(ADVISORY)
    added = cli([*g, "case", "add-artifact", CASE, str(fine), "--kind", "advisory"])
    assert added.exit_code == 0, added.stderr


def test_publish_names_a_mistyped_format_before_asking_for_a_publisher_url(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOREWARN_PUBLISHER_URL", raising=False)
    g = program_env.cli_args()
    populate(program_env)
    out = tmp_path / "out"
    typo = cli([*g, "publish", CASE, "--format", "csaf2", "--out", str(out)])
    _refused(typo, "unknown format 'csaf2'", "csaf, cve, stix, misp, yara, suricata")
    assert not out.exists()
    as_json = cli([*g, "--json", "publish", CASE, "--format", "stx", "--out", str(out)])
    assert json.loads(as_json.stderr)["hint"].endswith("yara, suricata")


@pytest.mark.parametrize("format_name", ["csaf", "yara"])
def test_publish_to_an_out_path_that_is_a_file_is_one_error_line(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path, format_name: str
) -> None:
    g = program_env.cli_args()
    populate(program_env)
    a_file = tmp_path / "advisory.md"
    a_file.write_bytes(ADVISORY)
    publish = [*g, "publish", CASE, "--format", format_name, "--publisher-url"]
    publish += ["https://psirt.example"]
    _refused(cli([*publish, "--out", str(a_file)]), "is not a folder")
    assert a_file.read_bytes() == ADVISORY
    _refused(cli([*publish, "--out", str(a_file / "deeper")]), "cannot create")


def test_an_empty_or_binary_password_file_and_no_terminal_are_errors(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    g = program_env.cli_args()
    populate(program_env)
    empty, binary = tmp_path / "empty.txt", tmp_path / "binary.txt"
    empty.write_text("")
    binary.write_bytes(b"\xff\xfe a long passphrase here\n")
    add = [*g, "staff", "add", "lead@program.example", "--role", "admin"]
    _refused(cli([*add, "--password-file", str(empty)]), "is empty")
    _refused(cli([*add, "--password-file", str(binary)]), "is not UTF-8")
    _refused(cli(add), "no terminal", "--password-file")  # the runner's stdin is no terminal
    login = [*g, "partner", "portal-login", "set", "Early 0000"]
    _refused(cli(login), "no terminal", "--password-stdin")
    assert json.loads(cli([*g, "--json", "staff", "list"]).stdout) == []


def test_audit_public_key_and_checkpoint_take_json(cli: CliRun, program_env: ProgramEnv) -> None:
    g = program_env.cli_args()
    plain = cli([*g, "audit", "public-key"])
    assert plain.exit_code == 0, plain.stderr
    key = plain.stdout.strip()
    assert len(key) == 64 and int(key, 16) >= 0
    for args in (["--json", "audit", "public-key"], ["audit", "public-key", "--json"]):
        assert json.loads(cli([*g, *args]).stdout) == {"public_key": key}
    newest = cli([*g, "audit", "checkpoint", "--json"])
    assert newest.exit_code == 0, newest.stderr
    assert json.loads(newest.stdout)["size"] >= 1
    proof = cli([*g, "audit", "consistency", "1", "--json"])
    assert proof.exit_code == 0, proof.stderr
    assert json.loads(proof.stdout)["format"].startswith("forewarn-audit-consistency")


def test_the_investigation_report_is_owner_only_and_never_written_through_a_link(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    g = program_env.cli_args()
    populate(program_env)
    report = tmp_path / "report.html"
    done = cli([*g, "investigate", CASE, "--html", str(report), "--now", "2021-03-01T10:00Z"])
    assert done.exit_code == 0, done.stderr
    assert report.stat().st_mode & 0o777 == 0o600
    assert CASE in report.read_text(encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.html"
    link = tmp_path / "link.html"
    link.symlink_to(elsewhere)
    refused = cli([*g, "investigate", CASE, "--html", str(link), "--now", "2021-03-01T10:00Z"])
    _refused(refused, "cannot write the report", "symbolic link")
    assert not elsewhere.exists()


def test_wave_release_in_a_pipe_starts_with_its_summary_and_amendments_show_instants_plainly(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    world = released_world(program_env)  # the early wave is out at NOTICE
    g = program_env.cli_args()
    again = cli([*g, "wave", "release", CASE, "--now", "2021-02-23T10:00Z"])
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith(f"{CASE}: 0 released now"), again.stdout[:80]
    moved = cli(
        [*g, "case", "reschedule", CASE, "--patch-planned", "2021-03-05", "--reason", "ready"]
        + ["--now", "2021-02-24T09:00Z"]
    )
    assert moved.exit_code == 0, moved.stderr
    out = tmp_path / "early0"
    fetch = [*g, "--json", "bundle", "fetch", CASE, "--partner", "Early 0000", "--out", str(out)]
    fetched = cli([*fetch, "--now", "2021-02-24T10:00Z"])
    assert fetched.exit_code == 0, fetched.stderr
    (amendment,) = json.loads(fetched.stdout)["amendments"]
    identity = tmp_path / "early0.key"
    identity.write_text(world.identities["Early 0000"] + "\n")
    shown = cli(["bundle", "verify", amendment, "-i", str(identity), "--trust-on-first-use"])
    assert shown.exit_code == 0, shown.stderr
    assert "embargo end 2021-03-09T00:00:00Z → 2021-03-05T00:00:00Z;" in shown.stdout


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("program: {name: [\n", "at line 2, column 1"),
        ("program:\n  name: x\n   tiers: 1\n", "at line 3, column 9"),
    ],
)
def test_a_program_file_that_is_not_yaml_is_one_error_line_with_its_place(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path, text: str, where: str
) -> None:
    program_file = tmp_path / "program.yaml"
    program_file.write_text(text, encoding="utf-8")
    g = program_env.cli_args()
    refused = cli([*g, "program", "import", str(program_file), "--now", "2021-01-05T09:00Z"])
    _refused(refused, "is not valid YAML", where)


def test_serve_refuses_a_port_out_of_range_before_it_starts(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    """Checked by the option itself, not after the service's imports (20 s under load)."""
    g = program_env.cli_args()
    for port in ("0", "99999"):
        refused = cli([*g, "--json", "serve", "--port", port])
        assert refused.exit_code == 2
        assert "--port" in json.loads(refused.stderr)["error"]


@pytest.mark.parametrize(
    "command",
    [
        ["bundle", "verify", "a.bundle.age", "-i", "me.key"],
        ["audit", "verify-proof", "proof.json"],
        ["audit", "prove-rollback", "held.json", "--against", "newer.json"],
    ],
)
def test_a_malformed_program_key_is_bad_input_found_before_any_file_is_read(
    cli: CliRun, tmp_path: Path, command: list[str]
) -> None:
    """Exit 3 stays for a well-formed key that did not sign (tests/cli/test_bundle_pinning.py)."""
    for key in ("00", "zz" * 32, "ab" * 31):
        refused = cli([*command, "--public-key", key], cwd=tmp_path)  # none of the files exist
        _refused(refused, "--public-key", "is not a program key", "64 hex digits")
    as_json = cli(["--json", *command, "--public-key", "00"], cwd=tmp_path)
    assert as_json.exit_code == 2
    assert "64 hex digits" in json.loads(as_json.stderr)["error"]


def _typed(args: list[str], typed: str) -> CliResult:
    """`forewarn ARGS…` with `typed` as what the user types (or pipes) on standard input."""
    done = CliRunner().invoke(app, args, input=typed, catch_exceptions=False)
    return CliResult(done.exit_code, done.stdout, done.stderr)


def test_portal_login_set_prompts_only_a_person_and_confirms_once(
    program_env: ProgramEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = program_env.cli_args()
    populate(program_env)
    monkeypatch.setattr(forewarn.cli.staff, "_terminal", lambda: True)
    login = [*g, "partner", "portal-login", "set"]
    good = "a long passphrase 1"
    unknown = _typed([*login, "Nobody Ltd"], f"{good}\n{good}\n")
    _refused(unknown, "unknown partner 'Nobody Ltd'")  # asked for nothing
    set_once = _typed([*login, "Early 0000"], f"{good}\n{good}\n")
    assert set_once.exit_code == 0, set_once.stderr
    assert set_once.stderr.count("password:") == 1, set_once.stderr
    assert set_once.stderr.count("password again:") == 1, set_once.stderr
    differ = _typed([*login, "Early 0001"], f"{good}\nanother passphrase\n{good}\n{good}\n")
    assert differ.exit_code == 2 and "the two passwords differ" in differ.stderr
    assert differ.stderr.count("password again:") == 1, differ.stderr  # no second round
    short = _typed([*login, "Early 0001"], "short\nshort\n")
    assert short.exit_code == 2 and "12 to 256 characters" in short.stderr
    assert "password again:" not in short.stderr
    for how, typed in (("--password-stdin", f"{good}\r\n"), ("--password-stdin", "")):
        piped = _typed([*login, "Early 0001", how, "--json"], typed)
        assert "password:" not in piped.stderr, piped.stderr  # never a prompt
        if typed:
            assert piped.exit_code == 0, piped.stderr
            assert json.loads(piped.stdout)["partner"] == "Early 0001"
        else:
            assert piped.exit_code == 2
            assert "no password on standard input" in json.loads(piped.stderr)["error"]
    both = _typed([*login, "Early 0001", "--password-stdin", "--password-file", "pw"], good)
    _refused(both, "not both")


def test_serve_refuses_a_public_plain_http_bind_before_loading_the_service(
    cli: CliRun, program_env: ProgramEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service's module cannot even be imported here: the refusal must come first."""
    monkeypatch.setitem(sys.modules, "forewarn.api.server", None)
    g = program_env.cli_args()
    _refused(cli([*g, "serve", "--host", "0.0.0.0"]), "refusing to serve plain HTTP on 0.0.0.0")
    as_json = cli([*g, "--json", "serve", "--host", "0.0.0.0"])
    assert as_json.exit_code == 2
    assert "--tls-cert" in json.loads(as_json.stderr)["hint"]


def test_program_export_replaces_an_earlier_export_only_with_force(
    cli: CliRun, program_env: ProgramEnv, tmp_path: Path
) -> None:
    g = program_env.cli_args()
    populate(program_env)
    out = tmp_path / "export" / "program.yaml"
    export = [*g, "program", "export", str(out), "--plaintext"]
    assert cli(export).exit_code == 0
    artifact = next(p for p in (out.parent / CASE).iterdir())
    out.write_text("edited by hand\n")
    _refused(cli(export), f"{out} exists already", "nothing was written", "--force")
    assert out.read_text() == "edited by hand\n"
    out.unlink()
    _refused(cli(export), "exists already", artifact.name)
    assert not out.exists()
    forced = cli([*export, "--force"])
    assert forced.exit_code == 0, forced.stderr
    assert CASE in out.read_text() and out.stat().st_mode & 0o777 == 0o600
    out.unlink()
    out.symlink_to(tmp_path / "elsewhere.yaml")
    _refused(cli([*export, "--force"]), "symbolic link")
    assert not (tmp_path / "elsewhere.yaml").exists()


def test_demo_and_hunt_cluster_errors_are_json_under_json(cli: CliRun, tmp_path: Path) -> None:
    for args in (
        ["--json", "demo", "--scenario", "nowhere-1999", "--out", str(tmp_path / "d")],
        ["demo", "--scenario", "nowhere-1999", "--out", str(tmp_path / "d"), "--json"],
        ["hunt-cluster", "--host", "0.0.0.0", "--workers", "0", "--json"],
    ):
        refused = cli(args)
        assert refused.exit_code == 2 and refused.stdout == "", refused.stdout
        assert set(json.loads(refused.stderr)) == {"error", "hint"}


def test_hunt_cluster_json_names_its_scheduler_on_one_line() -> None:
    cluster = subprocess.Popen(
        [str(FOREWARN_BIN), "hunt-cluster", "--port", "0", "--workers", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    try:
        assert cluster.stdout is not None
        started = json.loads(cluster.stdout.readline())
    finally:
        cluster.send_signal(signal.SIGTERM)
        rest, err = cluster.communicate(timeout=60)
    assert re.fullmatch(r"tcp://127\.0\.0\.1:\d+", started["scheduler"]), started
    assert started["workers"] == 0 and rest == ""
    assert cluster.returncode == 0, err
    assert "forewarn hunt --engine dask --scheduler" in err
