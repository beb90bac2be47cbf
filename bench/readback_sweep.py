"""How many partners' copies of a PoC fail to mark ("do not read back from the copy"), per
scheme: many partners under several program keys.

`Marker.mark` reads every channel back from the finished copy and refuses a copy that does not
read as written, so a refused copy is a partner a wave cannot release to. Run it on two trees
to compare (`cd A && PYTHONPATH=src python bench/readback_sweep.py FILES…`); the default files
are tests/marks/readback_pocs/, the benign look-alikes written for this.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections import Counter
from pathlib import Path

from forewarn.domain import ArtifactKind
from forewarn.errors import MarkError
from forewarn.marks import CodeSpec, Marker
from forewarn.marks.schemes import SCHEMES, registry_for

ROOT = Path(__file__).resolve().parent.parent
POCS = ROOT / "tests" / "marks" / "readback_pocs"


def failures(original: bytes, scheme: int, keys: int, partners: int) -> Counter[str]:
    """MarkError messages marking `original` for `partners` partners under `keys` keys."""
    found: Counter[str] = Counter()
    for k in range(keys):
        secret = hashlib.sha256(b"readback sweep %d" % k).digest()
        marker = Marker(
            secret,
            "FW-2026-0042",
            CodeSpec(n_partners=partners),
            registry_for(scheme),
            scheme=scheme,
        )
        for p in range(partners):
            try:
                marker.mark("poc.py", ArtifactKind.POC, original, f"Partner {p:03d}")
            except MarkError as exc:
                found[exc.message] += 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--schemes", type=int, nargs="*", default=sorted(SCHEMES))
    parser.add_argument("--keys", type=int, default=4)
    parser.add_argument("--partners", type=int, default=30)
    args = parser.parse_args()
    paths = args.files or sorted(POCS.glob("*.py"))
    started = time.process_time()
    total: Counter[int] = Counter()
    for path in paths:
        original = path.read_bytes()
        row = []
        for scheme in args.schemes:
            failed = failures(original, scheme, args.keys, args.partners)
            total[scheme] += sum(failed.values())
            row.append(f"s{scheme}:{sum(failed.values())}")
        print(f"{path.name:24} /{args.keys * args.partners} {' '.join(row)}", flush=True)
    print("total", " ".join(f"s{s}:{total[s]}" for s in args.schemes))
    print(f"# {len(paths)} files, CPU {time.process_time() - started:.1f} s")


if __name__ == "__main__":
    main()
