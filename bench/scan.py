"""Canary scan throughput: forewarn (end to end and matcher only) vs grep -F and ripgrep.

    .venv/bin/python bench/scan.py --size-mb 1024 --patterns 10000 100000

One core: forewarn runs in this process; grep and rg are pinned with `taskset -c 0` when
available (rg also gets `-j1`). Every tool reads the same file with the same patterns.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus.weblog import tokens, write_log  # noqa: E402
from forewarn.hunt import CanaryOwner, Hunt, build_matcher, read_paths  # noqa: E402


def _timed(command: list[str], out: Path) -> float:
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    start = time.perf_counter()
    with open(out, "wb") as sink:
        subprocess.run(pin + command, stdout=sink, check=False)
    return time.perf_counter() - start


def _line_count(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--patterns", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "scan.json")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    work = args.workdir or Path(tempfile.mkdtemp(prefix="forewarn-scan-"))
    work.mkdir(parents=True, exist_ok=True)
    all_tokens = tokens(max(args.patterns), seed=1)
    log = work / "u_ex210228.log"
    size = write_log(log, args.size_mb * 1024**2, all_tokens[::997])
    mb = size / 1024**2
    print(f"log: {size:,} bytes ({mb:.0f} MB) at {log}")
    rows = []
    for count in args.patterns:
        pats = all_tokens[:count]
        pattern_file = work / f"patterns-{count}.txt"
        pattern_file.write_text("\n".join(pats) + "\n")
        owners = {
            t.encode(): CanaryOwner(f"partner-{i % 80}", "FW-1", "poc.py")
            for i, t in enumerate(pats)
        }
        start = time.perf_counter()
        matcher = build_matcher(owners)
        compile_s = time.perf_counter() - start
        item = next(iter(read_paths([log])))
        start = time.perf_counter()
        result = matcher.scan(item.chunks())
        matcher_s = time.perf_counter() - start
        start = time.perf_counter()
        traced = list(Hunt(scanner=matcher).trace_paths([log]))
        e2e_s = time.perf_counter() - start
        tokens_found = sum(t.count for t in traced[0].tokens)
        grep_s = _timed(["grep", "-F", "-f", str(pattern_file), str(log)], work / "grep.out")
        grep_lines = _line_count(work / "grep.out")
        row = {
            "patterns": count,
            "size_bytes": size,
            "compile_s": round(compile_s, 2),
            "hits": result.total_hits,
            "trace_tokens": tokens_found,
            "grep_lines": grep_lines,
            "forewarn_trace_MBps": round(mb / e2e_s),
            "matcher_MBps": round(mb / matcher_s),
            "grep_MBps": round(mb / grep_s),
        }
        if shutil.which("rg"):
            rg_s = _timed(
                ["rg", "-j1", "--no-mmap", "-F", "-f", str(pattern_file), str(log)], work / "rg.out"
            )
            row["rg_MBps"] = round(mb / rg_s)
            row["rg_lines"] = _line_count(work / "rg.out")
        row["trace_vs_grep"] = round(row["forewarn_trace_MBps"] / row["grep_MBps"], 2)
        if "rg_MBps" in row:
            row["trace_vs_rg"] = round(row["forewarn_trace_MBps"] / row["rg_MBps"], 2)
        print(json.dumps(row))
        rows.append(row)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"size_bytes": size, "rows": rows}, indent=2) + "\n")
    if args.workdir is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
