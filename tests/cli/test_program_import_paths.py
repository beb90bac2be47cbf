"""`forewarn program import` reads artifact files only from inside the program file's folder.

Whatever an artifact's `file:` names is delivered to partners in the next wave, so a program
file must not be able to ship `/etc/passwd`, the environment, or the program's own key file.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import T0, CliRun, ProgramEnv
from forewarn.program.keys import ProgramKeys
from forewarn.program.service import init_program
from forewarn.settings import Settings, sqlite_url

pytestmark = pytest.mark.one_database
"""Path confinement is the reader's; the database only holds the program."""

PROGRAM = """\
program:
  name: Path Test Program
  tiers:
    - {name: early-access, rank: 3, lead_time: 14d, artifact_kinds: [advisory, detection, poc]}
partners:
  - name: Northwind Labs
    country: US
    tier: early-access
cases:
  - id: FW-2021-0001
    title: t
    product: p
    reported: 2021-01-05
    patch_planned: 2021-03-09
    artifacts:
      - {name: advisory.md, kind: advisory, min_tier: early-access, file: FILE}
"""


def _import(cli: CliRun, env: ProgramEnv, folder: Path, file: str) -> tuple[int, str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "program.yaml").write_text(PROGRAM.replace("FILE", json.dumps(file)))
    g = env.cli_args()
    result = cli(
        [*g, "program", "import", str(folder / "program.yaml"), "--now", "2021-01-04T09:05:00Z"]
    )
    return result.exit_code, result.stdout, result.stderr


def _assert_refused(cli: CliRun, env: ProgramEnv, stderr: str, why: str) -> None:
    assert stderr.startswith("error: artifact file ") and why in stderr, stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert "program file's folder" in stderr  # the hint
    g = env.cli_args()
    assert json.loads(cli([*g, "--json", "partner", "list"]).stdout) == []
    assert json.loads(cli([*g, "--json", "case", "list"]).stdout) == []


@pytest.mark.parametrize(
    ("file", "why"),
    [
        ("/etc/passwd", "absolute path"),
        ("/proc/self/environ", "absolute path"),
        ("../../../../etc/passwd", "leaves the program file's folder"),
        ("FW-2021-0001/../../secret.txt", "leaves the program file's folder"),
        ("~/.ssh/id_rsa", "absolute path"),
        ("", "empty"),
        (".", "folder, not a file"),
    ],
)
def test_paths_outside_the_folder_are_refused(
    cli: CliRun, program_env: ProgramEnv, file: str, why: str
) -> None:
    (program_env.dir / "secret.txt").write_text("outside\n")
    code, _, stderr = _import(cli, program_env, program_env.dir / "a" / "b", file)
    assert code == 2
    _assert_refused(cli, program_env, stderr, why)


def test_the_key_file_is_refused_even_inside_the_folder(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    key = program_env.settings.key_file
    assert key.parent == program_env.dir
    code, _, stderr = _import(cli, program_env, program_env.dir, key.name)
    assert code == 2
    _assert_refused(cli, program_env, stderr, "the program's key file")


def test_a_hard_link_to_the_key_file_is_refused(cli: CliRun, program_env: ProgramEnv) -> None:
    folder = program_env.dir / "scenario"
    folder.mkdir()
    os.link(program_env.settings.key_file, folder / "notes.txt")
    code, _, stderr = _import(cli, program_env, folder, "notes.txt")
    assert code == 2
    _assert_refused(cli, program_env, stderr, "the program's key file")


def test_the_database_file_is_refused(cli: CliRun, tmp_path: Path, sqlite_template: Path) -> None:
    database = tmp_path / "forewarn.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(database_url=sqlite_url(database), key_file=tmp_path / "k.key")
    init_program(settings, now=T0)
    env = ProgramEnv(dir=tmp_path, settings=settings, keys=ProgramKeys.load(settings.key_file))
    os.link(database, tmp_path / "data.bin")  # another name, same file
    for file in ("forewarn.db", "data.bin"):
        code, _, stderr = _import(cli, env, tmp_path, file)
        assert code == 2
        _assert_refused(cli, env, stderr, "the program's database")


@pytest.mark.parametrize("points", ["inside", "outside", "folder"])
def test_symlinks_are_refused_wherever_they_point(
    cli: CliRun, program_env: ProgramEnv, points: str
) -> None:
    folder = program_env.dir / "scenario"
    (folder / "real").mkdir(parents=True)
    (folder / "real" / "advisory.md").write_text("# Advisory\n")
    (program_env.dir / "outside.md").write_text("outside\n")
    if points == "inside":
        (folder / "link.md").symlink_to(folder / "real" / "advisory.md")
        file, link = "link.md", "link.md"
    elif points == "outside":
        (folder / "link.md").symlink_to(program_env.dir / "outside.md")
        file, link = "link.md", "link.md"
    else:  # a linked folder on the way
        (folder / "dir").symlink_to(folder / "real", target_is_directory=True)
        file, link = "dir/advisory.md", "dir"
    code, _, stderr = _import(cli, program_env, folder, file)
    assert code == 2
    _assert_refused(cli, program_env, stderr, f"{link} is a symbolic link")


def test_a_fifo_or_a_directory_is_refused(cli: CliRun, program_env: ProgramEnv) -> None:
    folder = program_env.dir / "scenario"
    (folder / "FW-2021-0001").mkdir(parents=True)
    os.mkfifo(folder / "pipe")
    for file in ("pipe", "FW-2021-0001"):
        code, _, stderr = _import(cli, program_env, folder, file)
        assert code == 2
        _assert_refused(cli, program_env, stderr, "not a regular file")


def test_a_file_inside_the_folder_imports(cli: CliRun, program_env: ProgramEnv) -> None:
    folder = program_env.dir / "scenario"
    (folder / "FW-2021-0001").mkdir(parents=True)
    (folder / "FW-2021-0001" / "advisory.md").write_text("# Advisory\n")
    code, stdout, stderr = _import(cli, program_env, folder, "./FW-2021-0001/advisory.md")
    assert (code, stderr) == (0, "")
    assert "1 cases, 1 artifacts" in stdout
