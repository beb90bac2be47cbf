"""Benchmark: `forewarn trace` over a day's worth of busy web logs, one ending with a leak.

    .venv/bin/python bench/hunt_logs.py [--logs 12] [--log-mb 32] [--base-src DIR]

Builds the demo program (`forewarn demo`, exchange-2021), writes `--logs` IIS logs of
`--log-mb` of ordinary traffic (hard links of one generated log) and appends the demo's leak
day to the last one, then runs `forewarn trace --json` over them in a child process and prints
its wall time, CPU seconds and peak RSS, whether the leaker was accused, and the notes.
`--base-src` runs the same with another tree's `src` (e.g. `git archive` of an older commit)
in the same run, side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus.weblog import write_log
from forewarn.demo.scenario import run_demo

ROOT = Path(__file__).resolve().parents[1]
RUN = (
    "import atexit, resource, sys; from forewarn.cli.app import main; sys.argv[0] = 'forewarn';"
    " atexit.register(lambda: print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " file=sys.stderr)); sys.exit(main())"
)
"""The CLI, printing its own peak RSS (KB) on stderr at exit."""


def build(work: Path, logs: int, log_mb: int) -> tuple[Path, Path, str]:
    """The demo program, the log folder, and the partner the demo's leak is traced to."""
    outcome = run_demo(work / "demo", say=lambda _: None)
    leak = next(outcome.evidence.glob("*u_ex210228.log"))
    folder = work / "logs"
    folder.mkdir()
    template = work / "ordinary.log"
    write_log(template, log_mb * 1024**2, [], seed=7)
    for i in range(logs - 1):
        os.link(template, folder / f"u_ex{i:05d}.log")
    last = folder / f"u_ex{logs - 1:05d}.log"
    last.write_bytes(template.read_bytes() + leak.read_bytes())
    return outcome.database, folder, leak.name


def trace(database: Path, folder: Path, src: Path) -> dict[str, object]:
    """One `forewarn trace --json` over the folder with the tree at `src`."""
    key = database.parent / "forewarn.key"
    argv = [sys.executable, "-c", RUN, "--db", f"sqlite:///{database}", "--key-file", str(key)]
    env = {**os.environ, "PYTHONPATH": str(src)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [*argv, "--json", "trace", str(folder)], env=env, capture_output=True, check=False
    )
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = done.stderr.decode().splitlines()
    peak = next(line for line in reversed(lines) if line.startswith("peak "))
    items = json.loads(done.stdout) if done.returncode == 0 else []
    accused = sorted({s["partner"] for i in items for s in i["suspects"] if s["accused"]})
    notes = sorted({n for i in items for n in i["notes"]})
    return {
        "src": str(src),
        "exit": done.returncode,
        "seconds": round(seconds, 1),
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
        "peak_rss_mb": round(int(peak.split()[1]) / 1024, 1),
        "accused": accused,
        "notes": notes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logs", type=int, default=12)
    parser.add_argument("--log-mb", type=int, default=32)
    parser.add_argument("--base-src", type=Path, help="another tree's src, run first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database, folder, _ = build(Path(tmp), args.logs, args.log_mb)
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"{args.logs} logs, {size / 1024**2:.0f} MB", flush=True)
        trees = ([args.base_src] if args.base_src else []) + [ROOT / "src"]
        for src in trees:
            print(json.dumps(trace(database, folder, src)), flush=True)


if __name__ == "__main__":
    main()
