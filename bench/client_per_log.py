"""Benchmark: what one log costs a worker and the hunt's client (CPU seconds, one process).

`python bench/client_per_log.py DEMO_DIR LOG [LABEL]`: `DEMO_DIR` holds a `forewarn demo`
program (`forewarn.db`, `forewarn.key`; `bench/dask_scaling.py` builds one), `LOG` a web log.
A shipped copy of the program's hunt examines the log as a worker does; the client then
unpickles the result and reads its marks (best of 3), as `forewarn hunt` does per item.
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

from forewarn.investigate.program_hunt import program_hunt
from forewarn.program.service import open_program
from forewarn.settings import Settings


def main() -> None:
    demo, log = Path(sys.argv[1]), sys.argv[2]
    label = sys.argv[3] if len(sys.argv) > 3 else "this tree"
    database = f"sqlite:///{demo / 'forewarn.db'}"
    settings = Settings(database_url=database, key_file=demo / "forewarn.key")
    with open_program(settings) as program, program.session() as session:
        hunt = program_hunt(session, program.keys)
    worker = pickle.loads(pickle.dumps(hunt.for_workers()))
    began = time.process_time()
    (examined,) = worker.examine_path(log)
    work = time.process_time() - began
    blob = pickle.dumps(examined)
    unpickle = read = float("inf")
    for _ in range(3):
        began = time.process_time()
        got = pickle.loads(blob)
        unpickle = min(unpickle, time.process_time() - began)
        began = time.process_time()
        hunt.read_marks(got)
        read = min(read, time.process_time() - began)
    text = "none" if examined.text is None else f"{len(examined.text)} chars"
    print(
        f"{label}: worker item {work:.2f} CPU-s; result {len(blob) / 1e6:.1f} MB pickled, "
        f"text {text}, {len(examined.requests or ())} requests; client unpickle "
        f"{unpickle:.3f} s, read_marks {read:.3f} s (best of 3)"
    )


if __name__ == "__main__":
    main()
