"""Dask scaling: a retro-hunt of a large corpus on local processes and on Dask, per worker.

    .venv/bin/python bench/dask_scaling.py [--gb 20] [--patterns 10000]
        [--engines local-1 local-2 dask-1 dask-2 cluster-2]

The corpus: `--templates` distinct IIS logs of `--template-mb` each (canary tokens planted),
hard-linked as many times as it takes to reach `--gb` (one disk copy of each template, so the
corpus fits any disk; every link is a separate file to read and scan, served from the page
cache once read), plus 100 disguised Python tools for the similarity index. `dask-N` is a
`LocalCluster` of N worker processes started by the run; `cluster-N` is a scheduler started by
`forewarn hunt-cluster --workers N` and joined by address, as a second machine's hunt would.
Workers get the few token shapes and the verification key; they compile the shapes (milliseconds).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import programs_python
from corpus.weblog import program_tokens, write_log
from forewarn.demo.disguise_levels import disguise_python
from forewarn.encoding import encode
from forewarn.hunt import (
    DaskEngine,
    Hunt,
    LocalEngine,
    SimilarityIndex,
    build_matcher,
    hunt_corpus,
)
from forewarn.hunt.engines.interface import Engine

FOREWARN = Path(sys.executable).with_name("forewarn")


def build_corpus(work: Path, gb: float, templates: int, template_mb: int, pats: list[str]) -> int:
    """Write the templates and tools, link logs up to `gb`; the corpus's logical size."""
    size = 0
    sources = [s for impls in programs_python.TASKS.values() for s in impls]
    for i in range(100):
        path = work / f"tool{i:03d}.py"
        path.write_text(disguise_python(sources[i % len(sources)], 1 + i % 5, i))
        size += path.stat().st_size
    originals = []
    for t in range(templates):
        original = work / f"template{t}.log.src"
        write_log(original, template_mb * 1024**2, pats[t::50], seed=7 + t)
        originals.append(original)
    target = int(gb * 1024**3)
    n = 0
    while size < target:
        source = originals[n % templates]
        os.link(source, work / f"u_ex{n:05d}.log")
        size += source.stat().st_size
        n += 1
    for original in originals:  # the links keep the data; `expand` sees only the .log names
        original.rename(original.with_suffix(".keep"))
    return size


def start_cluster(workers: int) -> tuple[subprocess.Popen[str], str]:
    """`forewarn hunt-cluster` in the background; its scheduler address."""
    process = subprocess.Popen(
        [str(FOREWARN), "hunt-cluster", "--port", "0", "--workers", str(workers)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # "Dask scheduler at ADDRESS with N workers"
    if not first.startswith("Dask scheduler at "):
        raise SystemExit(f"forewarn hunt-cluster did not start: {first!r}")
    return process, first.split()[3]


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process (the client) and of its finished children (workers, their
    nannies, a `hunt-cluster` scheduler: counted once they have exited and been waited for)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time(), children.ru_utime + children.ru_stime


def engine_for(name: str) -> tuple[Engine, int, subprocess.Popen[str] | None]:
    kind, count = name.rsplit("-", 1)
    workers = int(count)
    if kind == "local":
        return LocalEngine(workers=workers), workers, None
    if kind == "dask":
        return DaskEngine(workers=workers), workers, None
    process, address = start_cluster(workers)
    return DaskEngine(address), workers, process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gb", type=float, default=20.0)
    parser.add_argument("--templates", type=int, default=8)
    parser.add_argument("--template-mb", type=int, default=64)
    parser.add_argument("--patterns", type=int, default=10_000)
    parser.add_argument(
        "--engines", nargs="+", default=["local-1", "local-2", "dask-1", "dask-2", "cluster-2"]
    )
    parser.add_argument("--work", type=Path, help="corpus folder (default: a temporary one)")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "out" / "dask_scaling.json"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="forewarn-dask-", dir=args.work))
    pats, verifier = program_tokens(args.patterns)
    began = time.perf_counter()
    size = build_corpus(work, args.gb, args.templates, args.template_mb, pats)
    files = len(list(work.glob("*.log"))) + 100
    print(
        json.dumps(
            {
                "corpus_GB": round(size / 1024**3, 2),
                "files": files,
                "build_seconds": round(time.perf_counter() - began, 1),
            }
        ),
        flush=True,
    )
    sources = [s for impls in programs_python.TASKS.values() for s in impls]
    index = SimilarityIndex()
    for i, source in enumerate(sources):
        index.add(f"a{i}", source, case="FW-1", name=f"poc{i}.py", language="python")
    hunt = Hunt(
        scanner=build_matcher(verifier),
        index=index,
    )
    rows: list[dict[str, object]] = []
    reference = None
    try:
        for name in args.engines:
            engine, workers, process = engine_for(name)
            load = os.getloadavg()[0]
            client0, children0 = cpu_seconds()
            try:
                start = time.perf_counter()
                results = [encode(r) for r in hunt_corpus([work], hunt, engine)]
                seconds = time.perf_counter() - start
            finally:
                if process is not None:
                    process.terminate()
                    process.wait(60)
            client1, children1 = cpu_seconds()
            client_cpu, cluster_cpu = client1 - client0, children1 - children0
            reference = reference or results
            mbps = size / 1024**2 / seconds
            row = {
                "engine": name,
                "workers": workers,
                "files": len(results),
                "GB": round(size / 1024**3, 2),
                "seconds": round(seconds, 1),
                "MBps": round(mbps),
                "MBps_per_worker": round(mbps / workers),
                "files_per_s": round(len(results) / seconds, 1),
                "client_cpu_s": round(client_cpu, 1),
                "workers_cpu_s": round(cluster_cpu, 1),
                "MB_per_cpu_s": round(size / 1024**2 / (client_cpu + cluster_cpu), 1),
                "same_results_as_first": results == reference,
                "load_average": [round(load, 1), round(os.getloadavg()[0], 1)],
            }
            print(json.dumps(row), flush=True)
            rows.append(row)
    finally:
        shutil.rmtree(work)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out = {
        "corpus_GB": round(size / 1024**3, 2),
        "files": files,
        "cpus": os.cpu_count(),
        "runs": rows,
    }
    args.out.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
