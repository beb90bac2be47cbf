"""The fuzzed readers: every crash atheris ever found stays fixed, and a short fuzz run is clean.

`bench/fuzz.py` fuzzes each reader of outside input (`bench/fuzz_targets.py`) for 10^6
executions and keeps any crash under `tests/fuzz_regressions/<target>/`; each kept input is
replayed here and must now be read or refused with a `forewarn.errors.Error`. The smoke run gives
every target a few thousand coverage-guided executions, so a reader that crashes on its first
mutations fails CI and not only the benchmark.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import fuzz_targets  # noqa: E402
from forewarn.hunt.wire import read_requests  # noqa: E402
from forewarn.program.evidence_manifest import load_manifest  # noqa: E402
from fuzz_targets import SEEDS, TARGETS, one_input  # noqa: E402

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


@pytest.mark.parametrize(
    "name",
    ["amendment", "bundle", "case_document", "key_file", "program_file", "proof", "public_key"]
    + ["witness_file"],
)
def test_the_seeds_the_product_made_are_read_not_refused(name: str) -> None:
    """A seed the reader refuses starts the fuzzer at the first parse again: regenerate them
    (`python bench/fuzz_seeds.py`) when a format changes."""
    made = sorted((SEEDS / name).iterdir())
    assert made
    for seed in made:
        TARGETS[name].run(seed.read_bytes())


def test_every_capture_seed_holds_requests() -> None:
    made = sorted((SEEDS / "capture").iterdir())
    assert {p.suffix for p in made} >= {".http", ".pcap", ".pcapng", ".har", ".json", ".log"}
    for seed in made:
        reading = read_requests(seed.read_bytes(), seed.name)
        assert reading.requests and not reading.notes, seed.name


def test_every_evidence_manifest_seed_registers_its_files(tmp_path: Path) -> None:
    for evidence in (SEEDS / "evidence_files").iterdir():
        (tmp_path / evidence.name).write_bytes(evidence.read_bytes())
    manifests = sorted((SEEDS / "evidence_manifest").iterdir())
    assert {p.suffix for p in manifests} == {".yaml", ".json", ".csv"}
    for manifest in manifests:
        (tmp_path / manifest.name).write_bytes(manifest.read_bytes())
        found = load_manifest(tmp_path / manifest.name, collector="fuzz", now=fuzz_targets.AT)
        assert len(found) == 2, manifest.name


def test_a_short_fuzz_run_of_every_reader_finds_no_crash(tmp_path: Path) -> None:
    # libFuzzer measures its own coverage: coverage.py tracing the fuzzing processes on top (the
    # subprocess patch of `make test`) only slows them, and the replayed cases above count.
    quiet = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "COV_CORE_"))}
    done = subprocess.run(
        [sys.executable, str(BENCH / "fuzz.py"), "--runs", "600", "--keep", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
        env=quiet,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    rows = [line.split() for line in done.stdout.splitlines()[1:]]
    assert {r[0] for r in rows} == set(TARGETS)
    assert all(r[-1] == "0" for r in rows)
