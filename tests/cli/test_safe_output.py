"""Names from the wild never reach the terminal raw, and `--json` is always valid UTF-8."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import FOREWARN_BIN, ProgramEnv

pytestmark = pytest.mark.one_database
"""The database only holds the program: what each backend stores is proven elsewhere."""

HOSTILE = b"tool\x1b]0;owned\x07\xff\xe2\x80\xaetxt.py"  # ESC title sequence, a bad byte, RLO


def _run(env: ProgramEnv, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(FOREWARN_BIN), *args],
        env=env.env(),
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_a_hostile_file_name_is_escaped_in_text_and_valid_in_json(
    program_env: ProgramEnv, tmp_path: Path
) -> None:
    folder = tmp_path / "wild"
    folder.mkdir()
    path = os.path.join(bytes(folder), HOSTILE)
    with open(path, "wb") as handle:
        handle.write(b"print('nothing to see')\n")
    text = _run(program_env, "trace", bytes(folder))
    assert text.returncode == 0, text.stderr
    assert b"\x1b" not in text.stdout + text.stderr
    assert b"\xe2\x80\xae" not in text.stdout
    as_json = _run(program_env, "--json", "trace", bytes(folder))
    assert as_json.returncode == 0, as_json.stderr
    document = json.loads(as_json.stdout.decode("utf-8"))  # strict: invalid UTF-8 raises
    assert "\\xff" in json.dumps(document)


def test_an_error_naming_a_hostile_file_is_escaped(program_env: ProgramEnv, tmp_path: Path) -> None:
    missing = os.path.join(bytes(tmp_path), HOSTILE)
    done = _run(program_env, "case", "add-artifact", "NOPE", missing, "--kind", "poc")
    assert done.returncode == 2
    assert b"\x1b" not in done.stderr and done.stderr.startswith(b"error:")
    done.stderr.decode("utf-8")
