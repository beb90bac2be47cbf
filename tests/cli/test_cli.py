"""The CLI as a user sees it: the issue's commands, JSON output, one-line errors, exit codes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from pyrage import x25519

from conftest import CliRun, ProgramEnv

CVSS = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
NOW = ["--now", "2021-01-10T12:00:00Z"]


def _tour(cli: CliRun, env: ProgramEnv) -> None:
    """The commands of issue 2, in order."""
    g = env.cli_args()
    key = str(x25519.Identity.generate().to_public())
    (env.dir / "advisory.md").write_text("# Mail server advisory\n")
    (env.dir / "poc.py").write_text("print('benign look-alike')\n")
    steps = [
        [
            "partner",
            "add",
            "Northwind Labs",
            "--country",
            "US",
            "--tier",
            "early-access",
            "--email",
            "psirt@northwind.example",
            "--age-recipient",
            key,
            *NOW,
        ],
        ["partner", "suspend", "Northwind Labs", "--reason", "NDA breach under review", *NOW],
        [
            "case",
            "create",
            "FW-2021-0001",
            "--title",
            "Mail server pre-auth request chain",
            "--product",
            "Mail Server 2019",
            "--cve",
            "CVE-2021-26855",
            "--cvss",
            CVSS,
            "--reported",
            "2021-01-05",
            "--patch-planned",
            "2021-03-09",
        ],
        [
            "case",
            "add-artifact",
            "FW-2021-0001",
            str(env.dir / "advisory.md"),
            "--kind",
            "advisory",
        ],
        [
            "case",
            "add-artifact",
            "FW-2021-0001",
            str(env.dir / "poc.py"),
            "--kind",
            "poc",
            "--min-tier",
            "early-access",
        ],
        [
            "case",
            "event",
            "FW-2021-0001",
            "--at",
            "2021-02-27",
            "--kind",
            "scanning",
            "--note",
            "internet-wide scanning seen",
        ],
    ]
    for step in steps:
        result = cli([*g, *step])
        assert result.exit_code == 0, (step, result.stderr)


def test_issue_commands_in_process(cli: CliRun, program_env: ProgramEnv) -> None:
    _tour(cli, program_env)
    g = program_env.cli_args()
    listed = cli([*g, "partner", "list", "--json"])
    partners = json.loads(listed.stdout)
    assert [(p["name"], p["status"]) for p in partners] == [("Northwind Labs", "suspended")]
    assert partners[0]["history"][1]["reason"] == "NDA breach under review"
    shown = cli([*g, "case", "show", "FW-2021-0001"])
    assert shown.exit_code == 0
    assert "9.8 Critical" in shown.stdout and "poc.py" in shown.stdout
    assert "internet-wide scanning seen" in shown.stdout
    as_json = json.loads(cli([*g, "--json", "case", "show", "FW-2021-0001"]).stdout)
    assert [a["min_tier"] for a in as_json["artifacts"]] == ["responder", "early-access"]
    assert as_json["events"][0]["at"] == {"at": "2021-02-27", "precision": "day"}
    out = program_env.dir / "export" / "scenario.yaml"
    refused = cli([*g, "program", "export", str(out)])
    assert refused.exit_code == 2 and "--plaintext" in refused.stderr
    assert not out.exists()
    exported = cli([*g, "program", "export", str(out), "--plaintext"])
    assert exported.exit_code == 0, exported.stderr
    assert "warning:" in exported.stderr and "decrypted embargoed" in exported.stderr
    for written in (out, out.parent / "FW-2021-0001" / "poc.py"):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600, written
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    assert (out.parent / "FW-2021-0001" / "poc.py").read_text() == "print('benign look-alike')\n"
    assert "CVE-2021-26855" in out.read_text()


def _create(reported: str, patch_planned: str, *extra: str) -> list[str]:
    """`case create C1` with a fixed title and product, plus the options under test."""
    return [
        *("case", "create", "C1", "--title", "t", "--product", "p", *extra),
        *("--reported", reported, "--patch-planned", patch_planned),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["partner", "show", "Nobody"], "unknown partner 'Nobody'"),
        (["partner", "add", "X", "--country", "ZZ", "--tier", "standard"], "unknown country"),
        (["partner", "add", "X", "--country", "US", "--tier", "gold"], "unknown tier"),
        (_create("2021-01-05", "2021-03-09", "--cve", "CVE-1"), "bad CVE id"),
        (_create("2021-01-05", "2021-03-09", "--cvss", "CVSS:3.1/AV:N"), "bad CVSS vector"),
        (_create("2021-01-05", "2021-01-01"), "before the report date"),
        (_create("2021-13-05", "2021-01-01"), "--reported: bad date"),
        (["case", "add-artifact", "C1", "/nonexistent/poc.py", "--kind", "poc"], "cannot read"),
        (["program", "import", "/nonexistent/p.yaml"], "cannot read program file"),
    ],
)
@pytest.mark.one_database  # what it proves does not depend on the backend
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    cli: CliRun, program_env: ProgramEnv, args: list[str], message: str
) -> None:
    g = program_env.cli_args()
    before = cli([*g, "--json", "partner", "list"]).stdout
    result = cli([*g, *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert cli([*g, "--json", "partner", "list"]).stdout == before
    assert json.loads(cli([*g, "case", "list", "--json"]).stdout) == []


def test_duplicate_partner(cli: CliRun, program_env: ProgramEnv) -> None:
    add = [
        *program_env.cli_args(),
        "partner",
        "add",
        "Contoso",
        "--country",
        "DE",
        "--tier",
        "standard",
    ]
    assert cli(add).exit_code == 0
    result = cli(add)
    assert (result.exit_code, result.stderr) == (2, "error: partner 'Contoso' exists already\n")


def test_missing_or_foreign_key_file(cli: CliRun, program_env: ProgramEnv, tmp_path: Path) -> None:
    db = ["--db", program_env.settings.database_url]
    missing = cli([*db, "--key-file", str(tmp_path / "gone.key"), "partner", "list"])
    assert missing.exit_code == 2 and "key file" in missing.stderr and "not found" in missing.stderr
    other = tmp_path / "other"
    other.mkdir()
    init_other = cli(
        ["--db", f"sqlite:///{other / 'f.db'}", "--key-file", str(other / "k.key"), "init"]
    )
    assert init_other.exit_code == 0
    foreign = cli([*db, "--key-file", str(other / "k.key"), "partner", "list"])
    assert foreign.exit_code == 2 and "does not belong to this program" in foreign.stderr


def test_init_twice_is_a_conflict(cli: CliRun, program_env: ProgramEnv) -> None:
    result = cli([*program_env.cli_args(), "init"])
    assert result.exit_code == 2 and "holds a program already" in result.stderr


def test_unanswering_database(cli: CliRun, tmp_path: Path) -> None:
    result = cli(
        [
            "--db",
            "postgresql+psycopg://postgres@127.0.0.1:1/x",
            "--key-file",
            str(tmp_path / "k"),
            "partner",
            "list",
        ]
    )
    assert result.exit_code == 2 and "does not answer" in result.stderr
    fresh = cli(["partner", "list"], cwd=tmp_path)
    assert fresh.exit_code == 2 and "forewarn init" in fresh.stderr
    assert not (tmp_path / "forewarn.db").exists()


def test_help_on_every_command(cli: CliRun) -> None:
    for args in (
        ["--help"],
        ["partner", "--help"],
        ["case", "add-artifact", "--help"],
        ["program", "import", "--help"],
        ["init", "--help"],
    ):
        result = cli(args)
        assert result.exit_code == 0 and "Usage" in result.stdout


def test_installed_entry_point(cli_subprocess: CliRun, tmp_path: Path) -> None:
    """`forewarn` as a user runs it: default files in the working directory."""
    assert cli_subprocess(["init", "--name", "APP"], cwd=tmp_path).exit_code == 0
    assert (tmp_path / "forewarn.key").stat().st_mode & 0o777 == 0o600
    added = cli_subprocess(
        ["partner", "add", "Northwind Labs", "--country", "US", "--tier", "early-access"],
        cwd=tmp_path,
    )
    assert added.exit_code == 0, added.stderr
    listed = cli_subprocess(["partner", "list", "--json"], cwd=tmp_path)
    assert json.loads(listed.stdout)[0]["tier"] == "early-access"
    bad = cli_subprocess(["partner", "suspend", "Nobody", "--reason", "x"], cwd=tmp_path)
    assert bad.exit_code == 2
    assert bad.stderr == "error: unknown partner 'Nobody' (see `forewarn partner list`)\n"


def test_entry_point_on_postgresql_via_environment(
    cli_subprocess: CliRun, program_env: ProgramEnv
) -> None:
    result = cli_subprocess(["case", "list", "--json"], env=program_env.env())
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_init_creates_the_database_and_key_owner_only(cli, tmp_path: Path) -> None:
    database, key = tmp_path / "p.db", tmp_path / "p.key"
    done = cli(["--db", f"sqlite:///{database}", "--key-file", str(key), "init"])
    assert done.exit_code == 0, done.stderr
    for path in (database, key):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_export_never_writes_through_a_planted_link(cli, program_env, tmp_path: Path) -> None:
    g = program_env.cli_args()
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("untouched\n")
    out = program_env.dir / "export"
    out.mkdir()
    (out / "program.yaml").symlink_to(elsewhere)
    done = cli([*g, "program", "export", str(out / "program.yaml"), "--plaintext"])
    assert done.exit_code == 2 and "symbolic link" in done.stderr
    assert elsewhere.read_text() == "untouched\n"
