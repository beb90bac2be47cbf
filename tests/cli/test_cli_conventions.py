"""CLI conventions a script relies on: JSON errors with `--json`, `--version`, flags in `--help`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup, TyperOption

from conftest import CliRun, ProgramEnv
from forewarn.cli.app import app


def _json_error(stderr: str) -> dict[str, object]:
    """The one JSON object a failed `--json` run writes on stderr."""
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    document = json.loads(stderr)
    assert isinstance(document, dict) and set(document) == {"error", "hint"}, document
    return document


@pytest.mark.parametrize(
    "args",
    [
        ["partner", "list", "--bogus", "--json"],
        ["--json", "partner", "add", "X"],
        ["--json", "--bogus", "partner", "list"],
        ["--json", "no-such-command"],
    ],
)
def test_usage_errors_are_json_exit_2(
    cli: CliRun, program_env: ProgramEnv, args: list[str]
) -> None:
    result = cli([*program_env.cli_args(), *args])
    assert (result.exit_code, result.stdout) == (2, "")
    error = _json_error(result.stderr)
    assert error["error"] and str(error["hint"]).endswith("--help`")


def test_usage_error_without_json_stays_clicks(cli: CliRun, program_env: ProgramEnv) -> None:
    result = cli([*program_env.cli_args(), "partner", "list", "--bogus"])
    assert result.exit_code == 2 and "No such option: --bogus" in result.stderr
    assert not result.stderr.lstrip().startswith("{")


@pytest.mark.parametrize("where", ["before", "after"])
def test_not_found_is_json_with_its_hint(cli: CliRun, program_env: ProgramEnv, where: str) -> None:
    command = ["partner", "show", "Nobody"]
    args = ["--json", *command] if where == "before" else [*command, "--json"]
    result = cli([*program_env.cli_args(), *args])
    assert (result.exit_code, result.stdout) == (2, "")
    assert _json_error(result.stderr) == {
        "error": "unknown partner 'Nobody'",
        "hint": "see `forewarn partner list`",
    }
    plain = cli([*program_env.cli_args(), *command])
    assert plain.stderr == "error: unknown partner 'Nobody' (see `forewarn partner list`)\n"


def test_integrity_error_is_json_exit_3(cli: CliRun, tmp_path: Path) -> None:
    forged = tmp_path / "proof.json"
    forged.write_text("not json")
    result = cli(["audit", "verify-proof", str(forged), "--public-key", "ab" * 32, "--json"])
    assert (result.exit_code, result.stdout) == (3, "")
    assert _json_error(result.stderr) == {
        "error": f"{forged} is not a proof document (JSON)",
        "hint": None,
    }


def test_version_from_package_metadata(cli: CliRun, tmp_path: Path) -> None:
    result = cli(["--version"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, f"forewarn {version('forewarn')}\n")
    assert list(tmp_path.iterdir()) == []  # no database or key file was opened


def _commands() -> Iterator[tuple[tuple[str, ...], object]]:
    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], object]]:
        yield path, command
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))

    return walk(typer.main.get_command(app), ())


def test_boolean_flags_show_no_value_in_help(cli: CliRun) -> None:
    flags_seen = 0
    for path, command in _commands():
        result = cli([*path, "--help"])
        assert result.exit_code == 0, path
        assert "<bool>" not in result.stdout and "BOOLEAN" not in result.stdout, path
        for option in getattr(command, "params", []):
            if not (isinstance(option, TyperOption) and option.is_flag):
                continue
            for name in [*option.opts, *option.secondary_opts]:
                flags_seen += 1
                line = re.search(rf"^\s+{re.escape(name)}\b.*$", result.stdout, re.MULTILINE)
                assert line is not None, (path, name)
                assert not re.match(rf"\s+{re.escape(name)} <", line.group()), line.group()
    assert flags_seen >= 25  # `--json` on every data command, `--record`, `--regenerate`, …
