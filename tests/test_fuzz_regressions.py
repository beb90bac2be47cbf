"""The fuzzed readers: every crash atheris ever found stays fixed, and a short fuzz run is clean.

`bench/fuzz.py` fuzzes each reader of outside input (`bench/fuzz_targets.py`) for 10^6
executions and keeps any crash under `tests/fuzz_regressions/<target>/`; each kept input is
replayed here and must now be read or refused with a `forewarn.errors.Error`. The smoke run gives
every target a few thousand coverage-guided executions, so a reader that crashes on its first
mutations fails CI and not only the benchmark.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

from fuzz_targets import TARGETS, one_input  # noqa: E402

REGRESSIONS = Path(__file__).resolve().parent / "fuzz_regressions"
CASES = sorted(p for p in REGRESSIONS.glob("*/*") if p.is_file())


def test_every_kept_case_names_a_target() -> None:
    assert {p.parent.name for p in CASES} <= set(TARGETS)


def test_every_kept_crash_is_now_read_or_refused() -> None:
    for case in CASES:
        one_input(TARGETS[case.parent.name], case.read_bytes())


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_seed_is_read_or_refused(name: str) -> None:
    for seed in TARGETS[name].seeds:
        one_input(TARGETS[name], seed)


def test_a_short_fuzz_run_of_every_reader_finds_no_crash(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "fuzz.py"), "--runs", "1500", "--keep", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    rows = [line.split() for line in done.stdout.splitlines()[1:]]
    assert {r[0] for r in rows} == set(TARGETS)
    assert all(r[-1] == "0" for r in rows)
