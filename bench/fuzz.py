"""Coverage-guided fuzzing of every reader of outside input with atheris (libFuzzer).

    python bench/fuzz.py                      # every target, 1,000,000 executions each
    python bench/fuzz.py capture --runs 20000 # one target, a short run (CI's smoke uses this)

Each target runs in its own process (libFuzzer owns the process) with forewarn's modules
instrumented, from the seeds of `bench/fuzz_targets.py`. An input that raises anything but
`forewarn.errors.Error` is a crash: libFuzzer writes it, and this driver keeps it under
`tests/fuzz_regressions/<target>/` so that `tests/test_fuzz_regressions.py` replays it for good.
The summary line per target (executions, seconds, crashes) goes into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGRESSIONS = HERE.parent / "tests" / "fuzz_regressions"


def _child(
    name: str, covers: list[str], runs: int, seconds: int, corpus: Path, artifacts: Path
) -> None:
    """Inside the fuzzing process: instrument forewarn, then hand the target to libFuzzer."""
    import importlib

    import atheris

    sys.path.insert(0, str(HERE))
    with atheris.instrument_imports(include=covers):
        for module in covers:
            importlib.import_module(module)  # instrumented now; the target imports it later
    import fuzz_targets

    target = fuzz_targets.TARGETS[name]
    for k, seed in enumerate(target.seeds):
        (corpus / f"seed-{k}").write_bytes(seed)
    longest = max((len(seed) for seed in target.seeds), default=0)

    def test_one(data: bytes) -> None:
        fuzz_targets.one_input(target, data)

    argv = [
        sys.argv[0],
        str(corpus),
        f"-runs={runs}",
        f"-max_total_time={seconds}",  # 0: no time limit
        f"-artifact_prefix={artifacts}/",
        f"-max_len={max(8192, longest)}",  # a real bundle is a 20 KB tar
        "-rss_limit_mb=4096",
        "-timeout=20",
        "-print_final_stats=1",
    ]
    atheris.Setup(argv, test_one)
    atheris.Fuzz()


def fuzz(
    name: str,
    covers: tuple[str, ...],
    runs: int,
    regressions: Path = REGRESSIONS,
    seconds: int = 0,
) -> tuple[int, float, float, int]:
    """Fuzz one target in a child process: (executions, seconds, CPU seconds, crashes kept).

    libFuzzer's output goes to a log file named on stderr, to follow a long run with `tail -f`.
    """
    with tempfile.TemporaryDirectory(prefix=f"fw-fuzz-{name}-") as tmp:
        corpus, artifacts, log = Path(tmp, "corpus"), Path(tmp, "artifacts"), Path(tmp, "log")
        corpus.mkdir()
        artifacts.mkdir()
        print(f"{name}: libFuzzer log {log}", file=sys.stderr, flush=True)
        command = [sys.executable, __file__, "--child", name, ",".join(covers), str(runs)]
        command.append(str(seconds))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        shm = "/dev/shm" if Path("/dev/shm").is_dir() else tmp
        with log.open("w") as output, tempfile.TemporaryDirectory(dir=shm) as scratch:
            done = subprocess.run(
                [*command, str(corpus), str(artifacts)],
                stdout=output,
                stderr=subprocess.STDOUT,
                check=False,
                env={**os.environ, "FOREWARN_FUZZ_SCRATCH": scratch},
            )
        seconds = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        text = log.read_text(errors="replace")
        executions = 0
        for line in text.splitlines():
            if line.startswith("stat::number_of_executed_units:"):
                executions = int(line.split(":")[-1])
        crashes = sorted(artifacts.iterdir())
        if crashes:
            keep = regressions / name
            keep.mkdir(parents=True, exist_ok=True)
            for crash in crashes:
                shutil.copy(crash, keep / crash.name)
            print(text[-3000:], file=sys.stderr)
        elif done.returncode != 0:
            raise SystemExit(f"{name}: the fuzzer failed ({done.returncode}):\n{text[-2000:]}")
        return executions, seconds, cpu, len(crashes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="target names (default: all)")
    parser.add_argument("--runs", type=int, default=1_000_000, help="executions per target")
    parser.add_argument(
        "--keep", type=Path, default=REGRESSIONS, help="where crashes are kept (per target)"
    )
    parser.add_argument(
        "--seconds", type=int, default=0, help="stop a target after this long (default: no limit)"
    )
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, covers, runs, seconds, corpus, artifacts = args.child
        _child(name, covers.split(","), int(runs), int(seconds), Path(corpus), Path(artifacts))
        return
    sys.path.insert(0, str(HERE))
    from fuzz_targets import TARGETS

    names = args.targets or list(TARGETS)
    unknown = set(names) - set(TARGETS)
    if unknown:
        raise SystemExit(
            f"unknown targets: {', '.join(sorted(unknown))}; known: {', '.join(TARGETS)}"
        )
    head = f"{'target':<18} {'executions':>11} {'seconds':>8} {'exec/s':>8} {'cpu s':>7}"
    print(f"{head} {'exec/cpu s':>10} {'crashes':>7}", flush=True)
    total = 0
    for name in names:
        executions, seconds, cpu, crashes = fuzz(
            name, TARGETS[name].covers, args.runs, args.keep, args.seconds
        )
        total += crashes
        rate, per_cpu = executions / max(seconds, 1e-9), executions / max(cpu, 1e-9)
        row = f"{name:<18} {executions:>11,} {seconds:>8.0f} {rate:>8.0f} {cpu:>7.0f}"
        print(f"{row} {per_cpu:>10.0f} {crashes:>7}", flush=True)
    if total:
        raise SystemExit(f"{total} crash(es) kept under {args.keep}")


if __name__ == "__main__":
    main()
