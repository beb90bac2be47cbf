"""Dask scaling: a real retro-hunt (`forewarn hunt`, the program's accuser) of a large corpus of
web logs on one process, a Dask `LocalCluster` and a scheduler started by `forewarn hunt-cluster`.

    nice -n 19 .venv/bin/python bench/dask_scaling.py [--gb 20] [--templates 4]
        [--template-mb 32] [--engines local-1 dask-1 dask-2 cluster-2] [--work DIR]

The program is the demo's (`forewarn demo`, exchange-2021: a marked PoC released to partners, one
of whom leaked it). The corpus: `--templates` distinct IIS logs of `--template-mb` of ordinary
traffic (the same servers' paths the PoC attacks, so the capture route filter keeps some), each
hard-linked as many times as it takes to reach `--gb` (one disk copy per template; every link is
a separate file to read, served from the page cache), one more log that ends with the demo's leak
day, and 100 disguised Python tools (similarity, and the PoC's wire marks read in code).

Every engine runs `forewarn --json hunt CORPUS` in a child process, exactly as a person would:
`local-1` in-process (`--engine local --workers 1`, what `forewarn trace` does), `dask-N` a
`LocalCluster` of N worker processes started by the hunt, `cluster-N` a scheduler started by
`forewarn hunt-cluster --port 0 --workers N` and joined with `--scheduler ADDRESS`. Each CLI
process reports its own CPU seconds and peak RSS and those of its waited-for children (workers,
nannies) at exit; the hunt must accuse the partner `forewarn trace` accuses on the leak log
alone, on that log only, and every engine must print the same JSON as the first.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import programs_python
from corpus.weblog import write_log
from forewarn.demo.disguise_levels import disguise_python
from forewarn.demo.scenario import run_demo

RUN = (
    "import atexit, json, resource, sys; from forewarn.cli.app import main;"
    " sys.argv[0] = 'forewarn';"
    " use = lambda who: (lambda u: {'cpu_s': u.ru_utime + u.ru_stime, 'peak_kb': u.ru_maxrss})("
    "resource.getrusage(who));"
    " atexit.register(lambda: print('usage', json.dumps({'self': use(resource.RUSAGE_SELF),"
    " 'children': use(resource.RUSAGE_CHILDREN)}), file=sys.stderr, flush=True));"
    " sys.exit(main())"
)
"""The CLI, printing its own and its waited-for children's CPU seconds and peak RSS at exit."""


def build(work: Path, gb: float, templates: int, template_mb: int) -> tuple[Path, Path, Path, int]:
    """The demo program's database, the corpus, its leak log, and the corpus's logical size."""
    outcome = run_demo(work / "demo", say=lambda _: None)
    leak = next(outcome.evidence.glob("*u_ex210228.log")).read_bytes()
    corpus = work / "corpus"
    (corpus / "tools").mkdir(parents=True)
    (corpus / "logs").mkdir()
    size = 0
    sources = [s for impls in programs_python.TASKS.values() for s in impls]
    for i in range(100):
        path = corpus / "tools" / f"tool{i:03d}.py"
        path.write_text(disguise_python(sources[i % len(sources)], 1 + i % 5, i))
        size += path.stat().st_size
    originals = []
    for t in range(templates):
        original = work / f"template{t}.log"
        write_log(original, template_mb * 1024**2, [], seed=7 + t)
        originals.append(original)
    leaked = corpus / "logs" / "u_ex99999.log"  # the last one read: the leak day at its end
    leaked.write_bytes(originals[0].read_bytes() + leak)
    size += leaked.stat().st_size
    n = 0
    while size < gb * 1024**3:
        source = originals[n % templates]
        os.link(source, corpus / "logs" / f"u_ex{n:05d}.log")
        size += source.stat().st_size
        n += 1
    return outcome.database, corpus, leaked, size


def cli(database: Path) -> list[str]:
    """The start of a `forewarn` command line on the demo program (through `RUN`)."""
    key = database.parent / "forewarn.key"
    return [sys.executable, "-c", RUN, "--db", f"sqlite:///{database}", "--key-file", str(key)]


def usage(stderr: str) -> dict[str, dict[str, float]]:
    line = next(x for x in reversed(stderr.splitlines()) if x.startswith("usage "))
    parsed: dict[str, dict[str, float]] = json.loads(line.split(" ", 1)[1])
    return parsed


def start_cluster(database: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    """`forewarn hunt-cluster` in the background; its scheduler address."""
    argv = [*cli(database), "hunt-cluster", "--port", "0", "--workers", str(workers)]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()  # "Dask scheduler at ADDRESS with N workers"
    if not first.startswith("Dask scheduler at "):
        process.kill()
        raise SystemExit(f"forewarn hunt-cluster did not start: {first!r}")
    return process, first.split()[3]


def accused(items: list[dict[str, object]]) -> dict[str, list[str]]:
    """Per item name, the partners accused in it (items accusing nobody left out)."""
    found: dict[str, list[str]] = {}
    for item in items:
        suspects = item["suspects"]
        assert isinstance(suspects, list)
        names = sorted(s["partner"] for s in suspects if s["accused"])
        if names:
            found[Path(str(item["path"])).name] = names
    return found


def run(database: Path, corpus: Path, name: str) -> tuple[dict[str, object], bytes]:
    """One engine's hunt: its figures and its JSON output."""
    kind, count = name.rsplit("-", 1)
    workers = int(count)
    engine = {"local": ["--engine", "local"], "dask": ["--engine", "dask"]}.get(kind, [])
    process = address = None
    if kind == "cluster":
        process, address = start_cluster(database, workers)
        engine = ["--engine", "dask", "--scheduler", address]
    load = os.getloadavg()[0]
    began = time.perf_counter()
    done = subprocess.run(
        [*cli(database), "--json", "hunt", str(corpus), *engine, "--workers", str(workers)],
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{name}: exit {done.returncode}: {done.stderr.decode()[-3000:]}")
    client = usage(done.stderr.decode())
    cluster = {"self": {"cpu_s": 0.0, "peak_kb": 0.0}, "children": {"cpu_s": 0.0, "peak_kb": 0.0}}
    if process is not None:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=120)
        cluster = usage(err)
    client_cpu = client["self"]["cpu_s"]
    workers_cpu = client["children"]["cpu_s"] + cluster["self"]["cpu_s"]
    workers_cpu += cluster["children"]["cpu_s"]
    worker_peak = max(client["children"]["peak_kb"], cluster["children"]["peak_kb"])
    row: dict[str, object] = {
        "engine": name,
        "workers": workers,
        "seconds": round(seconds, 1),
        "client_cpu_s": round(client_cpu, 1),
        "workers_cpu_s": round(workers_cpu, 1),
        "scheduler_cpu_s": round(cluster["self"]["cpu_s"], 1),
        "client_peak_rss_mb": round(client["self"]["peak_kb"] / 1024),
        "largest_worker_peak_rss_mb": round(worker_peak / 1024),
        "load_average": [round(load, 1), round(os.getloadavg()[0], 1)],
    }
    return row, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gb", type=float, default=20.0)
    parser.add_argument("--templates", type=int, default=4)
    parser.add_argument("--template-mb", type=int, default=32)
    parser.add_argument(
        "--engines", nargs="+", default=["local-1", "dask-1", "dask-2", "cluster-2"]
    )
    parser.add_argument("--work", type=Path, help="corpus folder (default: a temporary one)")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "out" / "dask_scaling.json"
    )
    args = parser.parse_args()
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="forewarn-dask-", dir=args.work))
    rows: list[dict[str, object]] = []
    try:
        began = time.perf_counter()
        database, corpus, leaked, size = build(work, args.gb, args.templates, args.template_mb)
        files = sum(1 for p in corpus.rglob("*") if p.is_file())
        mb = size / 1024**2
        alone = run_trace_alone(database, leaked)
        head = {
            "corpus_GB": round(size / 1024**3, 2),
            "files": files,
            "build_seconds": round(time.perf_counter() - began, 1),
            "leak_log_alone_accuses": alone,
        }
        print(json.dumps(head), flush=True)
        reference: bytes | None = None
        for name in args.engines:
            row, output = run(database, corpus, name)
            items = json.loads(output)
            found = accused(items)
            reference = reference if reference is not None else output
            row |= figures(row, mb, leaked, alone, found, output == reference)
            print(json.dumps(row), flush=True)
            rows.append(row)
    finally:
        shutil.rmtree(work)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out = {"corpus_GB": round(size / 1024**3, 2), "files": files, "cpus": os.cpu_count()}
    args.out.write_text(json.dumps({**out, "runs": rows}, indent=2) + "\n")


def figures(
    row: dict[str, object],
    mb: float,
    leaked: Path,
    alone: list[str],
    found: dict[str, list[str]],
    same: bool,
) -> dict[str, object]:
    """Throughput from a run's CPU seconds, and whether it accused as it should."""
    client, workers = float(str(row["client_cpu_s"])), float(str(row["workers_cpu_s"]))
    count = int(str(row["workers"]))
    busy = workers if workers else client  # in-process: the client is the worker
    return {
        "MB_per_cpu_s": round(mb / (client + workers), 1),
        "MB_per_worker_cpu_s": round(mb / busy, 1),
        "MBps_wall_per_worker": round(mb / float(str(row["seconds"])) / count, 1),
        "accused": found,
        "leaker_accused": found == {leaked.name: alone},
        "same_results_as_first": same,
    }


def run_trace_alone(database: Path, leaked: Path) -> list[str]:
    """Whom `forewarn trace` accuses on the leak log alone (the answer the hunt must give)."""
    done = subprocess.run(
        [*cli(database), "--json", "trace", str(leaked)], capture_output=True, check=True
    )
    return accused(json.loads(done.stdout)).get(leaked.name, [])


if __name__ == "__main__":
    main()
