"""Naturalness of every kind of choice point, measured on the running CPython's standard library.

    python bench/naturalness.py            # print the table (Markdown)
    python bench/naturalness.py --write    # also rewrite the shipped table (package data)
    python bench/naturalness.py --symbols  # symbols per shipped PoC and advisory, schemes 3, 5, 6

The corpus is read and parsed, never imported (`forewarn.marks.naturalness.corpus`).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import forewarn
from forewarn.domain import ArtifactKind
from forewarn.marks.naturalness import measure
from forewarn.marks.naturalness.check import TABLE_RESOURCE
from forewarn.marks.schemes import registry_for

DATA = Path(forewarn.__file__).parent / "data"
SCENARIOS = DATA / "scenarios"
ARTIFACTS = (
    (SCENARIOS / "exchange-2021/poc.py", ArtifactKind.POC),
    (SCENARIOS / "mapp-2012/poc.py", ArtifactKind.POC),
    (Path(__file__).parent / "pocs/ticketdesk_requests.py", ArtifactKind.POC),
    (SCENARIOS / "exchange-2021/advisory.md", ArtifactKind.ADVISORY),
    (SCENARIOS / "exchange-2021/detection.md", ArtifactKind.DETECTION),
    (SCENARIOS / "mapp-2012/advisory.md", ArtifactKind.ADVISORY),
)


SCHEMES = (3, 5, 6)
"""The schemes compared: scheme 3 (before naturalness), 5 (natural only), 6 (current)."""


def symbols() -> str:
    """Per artifact and channel, the symbols each scheme of `SCHEMES` carries."""
    head = " | ".join(f"scheme {s}" for s in SCHEMES)
    rows = [f"| artifact | channel | {head} |", "|---|---|" + "---:|" * len(SCHEMES)]
    for path, kind in ARTIFACTS:
        text = path.read_text(encoding="utf-8")
        counts = [
            {c.name: c.capacity(text) for c in registry_for(s).for_kind(kind)} for s in SCHEMES
        ]
        name = f"{path.parent.name}/{path.name}"
        for channel in counts[0]:
            cells = " | ".join(str(c.get(channel, 0)) for c in counts)
            rows.append(f"| {name} | {channel} | {cells} |")
        cells = " | ".join(f"**{sum(c.values())}**" for c in counts)
        rows.append(f"| {name} | **all** | {cells} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the shipped table")
    parser.add_argument("--symbols", action="store_true", help="symbols per artifact")
    args = parser.parse_args()
    started = time.perf_counter()
    table = measure()
    print(f"CPython {table.python}, {table.files} files, {time.perf_counter() - started:.0f} s")
    print(table.markdown())
    if args.write:
        (DATA / TABLE_RESOURCE).write_text(table.to_json() + "\n", encoding="utf-8")
    if args.symbols:
        print()
        print(symbols())


if __name__ == "__main__":
    main()
