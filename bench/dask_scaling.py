"""Dask scaling: hunt throughput over one corpus with 1 and 2 workers (local processes too).

    .venv/bin/python bench/dask_scaling.py [--files 400] [--file-kb 256]

The corpus mixes web logs (token scan) and disguised Python copies (similarity); the hunt
ships the token matcher (shapes and the verifier for 10,000 tokens' scopes) and the similarity
index to each worker once.
"""

from __future__ import annotations

import argparse
import json
import shutil
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--file-kb", type=int, default=2048)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "out" / "dask_scaling.json"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="forewarn-dask-"))
    pats, verifier = program_tokens(10_000)
    sources = [s for impls in programs_python.TASKS.values() for s in impls]
    size = 0
    template = work / "template.log"
    write_log(template, args.file_kb * 1024, pats[::50])
    for i in range(args.files):
        if i % 2:
            path = work / f"tool{i}.py"
            path.write_text(disguise_python(sources[i % len(sources)], 1 + i % 5, i))
        else:
            path = work / f"u_ex{i}.log"
            shutil.copyfile(template, path)
        size += path.stat().st_size
    index = SimilarityIndex()
    for i, source in enumerate(sources):
        index.add(f"a{i}", source, case="FW-1", name=f"poc{i}.py", language="python")
    hunt = Hunt(
        scanner=build_matcher(verifier),
        index=index,
    )
    rows = []
    reference = None
    for name, engine in [
        ("local 1 process", LocalEngine(workers=1)),
        ("local 2 processes", LocalEngine(workers=2)),
        ("dask 1 worker", DaskEngine(workers=1)),
        ("dask 2 workers", DaskEngine(workers=2)),
    ]:
        start = time.perf_counter()
        results = [encode(r) for r in hunt_corpus([work], hunt, engine)]
        seconds = time.perf_counter() - start
        reference = reference or results
        row = {
            "engine": name,
            "files": len(results),
            "MB": round(size / 1024**2),
            "seconds": round(seconds, 2),
            "MBps": round(size / 1024**2 / seconds),
            "files_per_s": round(len(results) / seconds, 1),
            "same_results_as_local": results == reference,
        }
        print(json.dumps(row))
        rows.append(row)
    shutil.rmtree(work)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
