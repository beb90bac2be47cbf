"""Token scan throughput: forewarn (end to end and matcher only) vs grep -F and ripgrep.

    .venv/bin/python bench/scan.py --size-mb 1024 --patterns 1000 10000 100000 1000000

One core: this process pins itself to CPU 0; grep and rg run under `taskset -c 0` (rg with
`-j1`). Every tool reads the same cached file with the same planted tokens and must find the
ground truth: forewarn every occurrence, grep and rg every line (asserted). Throughput is given
by wall clock and by CPU time (user + sys), the latter being steadier on a loaded machine.

The tokens are those forewarn plants from scheme 4 on (`corpus.weblog.program_tokens`: many
cases x 1,000 fictional partners), and grep and rg get all of them as fixed strings. forewarn
gets none of them: it scans for the token formats and verifies each candidate by recomputation
under the token key (`marks.tokens.TokenVerifier`, what `program_hunt` builds), so its speed
should not depend on how many tokens exist. "trace" is `Hunt(scanner=…).trace_paths([log])`,
the path `forewarn trace` runs (read, classify, stream, verify, group hits). With
`--program DIR` (a `forewarn demo --out DIR` folder) the hunt `program_hunt` builds is timed
too, its scanner swapped for one that also knows the benchmark's tokens.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).parent))
from corpus.weblog import LogStats, program_tokens, write_log
from forewarn.hunt import Hunt, Matcher, build_matcher, read_paths
from forewarn.marks.tokens import TokenVerifier

T = TypeVar("T")
PIN = ["taskset", "-c", "0"] if shutil.which("taskset") else []


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds and stdout of a pinned subprocess."""
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(PIN + command, capture_output=True, text=True, check=False, env=env)
    return time.perf_counter() - start, _children_cpu() - cpu, done.stdout


def _timed(work: Callable[[], T]) -> tuple[float, float, T]:
    cpu, start = time.process_time(), time.perf_counter()
    value = work()
    return time.perf_counter() - start, time.process_time() - cpu, value


def _cli_hunt(program: Path, scanner: Matcher) -> Hunt:
    """The hunt `forewarn trace` builds for the program, scanning with the benchmark's check."""
    from forewarn.investigate.program_hunt import program_hunt
    from forewarn.program.service import open_program
    from forewarn.settings import Settings

    settings = Settings(
        database_url=f"sqlite:///{program / 'forewarn.db'}", key_file=program / "forewarn.key"
    )
    with open_program(settings) as opened, opened.session() as session:
        hunt = program_hunt(session, opened.keys)
    return dataclasses.replace(hunt, scanner=scanner)


def _row(
    count: int,
    made: tuple[list[str], TokenVerifier],
    log: Path,
    stats: LogStats,
    pattern_file: Path,
    program: Path | None,
) -> dict[str, object]:
    tokens, verifier = made
    pattern_file.write_text("\n".join(tokens) + "\n")
    mb = stats.size / 1024**2
    compile_s, _, matcher = _timed(lambda: build_matcher(verifier))
    item = next(iter(read_paths([log])))
    m_wall, m_cpu, result = _timed(lambda: matcher.scan(item.chunks()))
    t_wall, t_cpu, traced = _timed(lambda: list(Hunt(scanner=matcher).trace_paths([log])))
    found = sum(t.count for t in traced[0].tokens)
    assert result.total_hits == stats.hits == found, (result.total_hits, stats.hits, found)
    g_wall, g_cpu, g_out = _run(["grep", "-c", "-F", "-f", str(pattern_file), str(log)])
    assert int(g_out) == stats.lines, (g_out, stats.lines)
    row: dict[str, object] = {
        "tokens": count,
        "size_bytes": stats.size,
        "planted_hits": stats.hits,
        "candidates_checked": result.candidates,
        "compile_s": round(compile_s, 3),
        "trace_MBps": round(mb / t_wall),
        "trace_cpu_MBps": round(mb / t_cpu),
        "matcher_MBps": round(mb / m_wall),
        "matcher_cpu_MBps": round(mb / m_cpu),
        "grep_MBps": round(mb / g_wall),
        "grep_cpu_MBps": round(mb / g_cpu),
    }
    if shutil.which("rg"):
        r_wall, r_cpu, r_out = _run(
            ["rg", "-j1", "--no-mmap", "-c", "-F", "-f", str(pattern_file), str(log)]
        )
        assert int(r_out) == stats.lines, (r_out, stats.lines)
        row |= {"rg_MBps": round(mb / r_wall), "rg_cpu_MBps": round(mb / r_cpu)}
    if program is not None:
        hunt = _cli_hunt(program, matcher)
        c_wall, _, c_traced = _timed(lambda: list(hunt.trace_paths([log])))
        assert sum(t.count for t in c_traced[0].tokens) == stats.hits
        row |= {"cli_hunt_s": round(c_wall, 2), "cli_hunt_MBps": round(mb / c_wall)}
    row["trace_vs_grep"] = round(g_wall / t_wall, 2)
    row["trace_vs_grep_cpu"] = round(g_cpu / t_cpu, 2)
    if "rg_MBps" in row:
        row["trace_vs_rg"] = round(r_wall / t_wall, 2)
    row["load"] = os.getloadavg()[0]
    return row


def _cli(program: Path, log: Path) -> dict[str, object]:
    """`forewarn trace --json big.log` as a user runs it (the demo program's own canaries)."""
    forewarn = Path(sys.executable).parent / "forewarn"
    command = [str(forewarn), "--db", f"sqlite:///{program / 'forewarn.db'}"]
    command += ["--key-file", str(program / "forewarn.key"), "trace", "--json", str(log)]
    wall, cpu, out = _run(command)
    mb = log.stat().st_size / 1024**2
    return {
        "cli_s": round(wall, 2),
        "cli_cpu_s": round(cpu, 2),
        "cli_MBps": round(mb / wall),
        "items": len(json.loads(out)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument(
        "--patterns", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000]
    )
    parser.add_argument(
        "--foreign-ids",
        type=float,
        default=0.1,
        help="share of log lines carrying another system's request id (a UUID to reject)",
    )
    parser.add_argument("--program", type=Path, default=None, help="a `forewarn demo` folder")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "scan.json")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    work = args.workdir or Path(tempfile.mkdtemp(prefix="forewarn-scan-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    cli: dict[str, object] = {}
    # Planted tokens are drawn from the smallest set (a prefix of every larger one), so every
    # size must find them all.
    smallest, _ = program_tokens(min(args.patterns))
    log = work / "u_ex210228.log"
    stats = write_log(log, args.size_mb * 1024**2, smallest[::7], foreign=args.foreign_ids)
    print(f"log: {stats}", flush=True)
    for count in sorted(args.patterns):
        made = program_tokens(count)
        row = _row(count, made, log, stats, work / f"patterns-{count}.txt", args.program)
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.program is not None:
        cli = _cli(args.program, log)
        print(json.dumps(cli), flush=True)
    log.unlink()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "size_mb": args.size_mb,
        "foreign_ids": args.foreign_ids,
        "rows": rows,
        "cli": cli,
        "uname": os.uname().machine,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    if args.workdir is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
