"""The incident program built through the CLI, for the incident test modules.

`build` imports tests/investigate/incidents/program.yaml into a replay program, releases its
three waves (06-24, 07-03, 07-07) with a few fetches, under the red team's fixed test-only key;
`run` is one `forewarn` command in that folder, asserting it succeeded.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from forewarn.cli.app import app

HERE = Path(__file__).parent
CASE = "FW-2025-0007"
PROGRAM_KEY = HERE.parents[1] / "marks" / "redteam_pocs" / "program.key"
"""The red team's test-only program key (see its README), reused."""


def run(args: Sequence[str], cwd: Path) -> str:
    """`forewarn --db … --key-file … ARGS` in `cwd`; its stdout."""
    runner = CliRunner()
    full = ["--db", f"sqlite:///{cwd / 'forewarn.db'}", "--key-file", str(cwd / "forewarn.key")]
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, [*full, *args], catch_exceptions=False)
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def build(folder: Path, *, events: Sequence[str] = ()) -> Path:
    """The program after its three waves, in `folder`; `events` are more lines of the case's
    `events:` list in the program file (YAML flow mappings), imported with it."""
    for name in ("program.yaml", "poc.py", "advisory.md", "detection.md"):
        shutil.copy(HERE / name, folder / name)
    if events:
        with (folder / "program.yaml").open("a") as program:
            program.writelines(f"      - {line}\n" for line in events)
    shutil.copyfile(PROGRAM_KEY, folder / "forewarn.key")
    os.chmod(folder / "forewarn.key", 0o600)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOREWARN_KNOWN_KEYS", str(folder / "known.json"))
        run(["init", "--replay", "--now", "2025-05-16T08:00Z"], folder)
        run(["program", "import", "program.yaml", "--now", "2025-05-16T09:00Z"], folder)
        for now, fetcher, at in (
            ("2025-06-24T09:00Z", "Aldermoor Security", "2025-06-24T10:05Z"),
            ("2025-07-03T06:00Z", "Eastmere Networks", "2025-07-03T07:00Z"),
            ("2025-07-07T07:00Z", "Ibisfield Analytics", "2025-07-07T08:00Z"),
        ):
            run(["wave", "release", CASE, "--now", now, "--workers", "1"], folder)
            run(["bundle", "fetch", CASE, "--partner", fetcher, "--out", "b", "--now", at], folder)
    return folder


def investigate(folder: Path, now: str) -> dict[str, Any]:
    """`forewarn --json investigate CASE --now NOW`, parsed."""
    result: dict[str, Any] = json.loads(run(["--json", "investigate", CASE, "--now", now], folder))
    return result


def evidence(folder: Path, name: str, text: str, seen: str, source: str, now: str) -> None:
    """Write `name` and register it as evidence of the case."""
    (folder / name).write_text(text)
    run(["evidence", "add", CASE, name, "--seen", seen, "--source", source, "--now", now], folder)


def event(folder: Path, at: str, kind: str, note: str, source: str) -> None:
    """`forewarn case event`."""
    run(["case", "event", CASE, "--at", at, "--kind", kind, "--note", note, "--source", source],
        folder)  # fmt: skip


def copy_of(folder: Path, partner: str, artifact: str) -> str:
    """The text of `partner`'s marked copy of `artifact` (`wave preview`)."""
    out = folder / "copy" / partner.replace(" ", "_")
    run(["wave", "preview", CASE, "--partner", partner, "--artifact", artifact, "--out", str(out)],
        folder)  # fmt: skip
    return (out / artifact).read_text()
