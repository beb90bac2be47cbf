"""What a new PSIRT lead gets wrong on the first day: a folder where a file belongs, the
program's own key file added as an artifact, a typo in `publish --format`, a file as `--out`,
an empty password file, and asking for JSON of the public key. Each is one `error:` line and
exit 2 (a JSON object under `--json`), and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CliRun, ProgramEnv
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
