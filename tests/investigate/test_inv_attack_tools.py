"""The demo's attacker and web logs: transformations keep behaviour, logs read as IIS logs."""

from __future__ import annotations

import ast
import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from forewarn.demo import disguises, weblog
from forewarn.demo.scenario import scenario_dir
from forewarn.errors import InvestigationError
from forewarn.hunt.readers import is_weblog
from forewarn.investigate.tracing import seen_at

STEPS = ["reformat", "rename", "strip-docstrings"]


def poc_source() -> str:
    with scenario_dir() as folder:
        return (folder / "poc.py").read_text(encoding="utf-8")


def test_renamed_tool_shares_no_defined_name_with_the_original() -> None:
    original = poc_source()
    changed = disguises.transform(original, STEPS)
    tree = ast.parse(changed)
    functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert functions and all(name.startswith("f_") for name in functions)
    assert ast.get_docstring(tree) is None
    assert "build_cookie" in original and "build_cookie" not in changed


def test_transformed_tool_sends_the_same_requests(tmp_path: Path) -> None:
    original = tmp_path / "poc.py"
    original.write_text(poc_source(), encoding="utf-8")
    changed = tmp_path / "tool.py"
    changed.write_text(disguises.transform(poc_source(), STEPS), encoding="utf-8")

    def shape(script: Path) -> list[tuple[str, str, tuple[str, ...]]]:
        (run,) = weblog.run_poc(script, 1)
        return [(r.method, r.target, tuple(k for k, _ in r.headers if k != "Host")) for r in run]

    assert shape(original) == shape(changed)
    assert len(shape(original)) == 4


def test_unknown_step_is_refused() -> None:
    with pytest.raises(InvestigationError, match="unknown attacker step"):
        disguises.transform("x = 1\n", ["obfuscate"])


def test_unused_constants_are_dropped() -> None:
    out = disguises.transform('A = "x"\nB = 2\nprint(B)\n', ["drop-unused-constants"])
    assert out == "B = 2\nprint(B)\n"


def test_w3c_log_reads_as_a_weblog_and_is_dated_by_its_lines(tmp_path: Path) -> None:
    day = datetime(2021, 2, 27, tzinfo=UTC)
    rng = random.Random(1)
    text = weblog.w3c_log(day, [*weblog.background(day, rng, 5), *weblog.scanning(day, rng, 3)])
    assert is_weblog(text)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert len(lines) == 8
    assert all(len(line.split(" ")) == len(weblog.W3C_FIELDS.split(" ")) for line in lines)
    log = tmp_path / "u_ex210227.log"
    log.write_text(text)
    os.utime(log, (0, 0))
    assert str(seen_at(log)) == "2021-02-27"


def test_other_files_are_dated_by_their_modification_day(tmp_path: Path) -> None:
    tool = tmp_path / "tool.py"
    tool.write_text("print('hi')\n")
    when = datetime(2021, 2, 28, 15, 30, tzinfo=UTC).timestamp()
    os.utime(tool, (when, when))
    assert str(seen_at(tool)) == "2021-02-28"
