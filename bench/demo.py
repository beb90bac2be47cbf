"""Benchmark: `forewarn demo` for every shipped scenario, as a user runs it after install.

Run: `.venv/bin/python bench/demo.py [--scenario NAME]...`. Each scenario runs the installed
`forewarn` entry point in a fresh process (imports, program import, release, marking, staging,
tracing, investigation, report), into a temporary folder; the aim is under 60 s each. Prints
seconds per scenario with the headline, and writes bench/out/demo.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from forewarn.demo.scenario import scenario_names

ROOT = Path(__file__).resolve().parents[1]
FOREWARN = Path(sys.executable).with_name("forewarn")
AIM_SECONDS = 60.0


def run(scenario: str, folder: Path) -> dict[str, object]:
    """One `forewarn demo --scenario NAME`, timed on the wall clock."""
    started = time.monotonic()
    done = subprocess.run(
        [str(FOREWARN), "demo", "--scenario", scenario, "--out", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{scenario} failed: {done.stderr.strip()}")
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return {
        "scenario": scenario,
        "seconds": round(seconds, 1),
        "under_aim": seconds < AIM_SECONDS,
        "headline": report["headline"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", help="scenario to run (default: all)")
    args = parser.parse_args()
    found = []
    for scenario in args.scenario or scenario_names():
        with tempfile.TemporaryDirectory() as tmp:
            figures = run(scenario, Path(tmp) / "out")
        print(f"{scenario}: {figures['seconds']} s (aim < {AIM_SECONDS:.0f} s)")
        print(f"  {figures['headline']}")
        found.append(figures)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "demo.json").write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
