"""One digest per (scheme, file) of many partners' marked copies: proof that a speed change
keeps every copy byte for byte.

Run it on two trees and diff the output (`diff <(cd A && PYTHONPATH=src python
bench/copies_digest.py) <(cd B && ...)`). Copies that fail to mark are hashed by their error,
so a change in what fails shows too. The corpus is every PoC, advisory and rule text the
repository ships or tests with, six partners each, with and without token domains.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

from forewarn.domain import ArtifactKind
from forewarn.errors import MarkError
from forewarn.marks import CodeSpec, Marker
from forewarn.marks.schemes import CURRENT_SCHEME, registry_for

ROOT = Path(__file__).resolve().parent.parent
SECRET = bytes(range(32))
PARTNERS = ("Acme AV", "Northwind CERT", "Globex IR", "Initech SOC", "Umbrella Labs", "Hooli")
CORPUS = (
    ("src/forewarn/data/scenarios/*/poc.py", ArtifactKind.POC),
    ("src/forewarn/data/scenarios/*/advisory.md", ArtifactKind.ADVISORY),
    ("src/forewarn/data/scenarios/*/detection.md", ArtifactKind.DETECTION),
    ("tests/marks/wire_pocs/*", ArtifactKind.POC),
    ("tests/marks/literal_pocs/*", ArtifactKind.POC),
    ("bench/pocs/*", ArtifactKind.POC),
    ("bench/corpus/**/*.py", ArtifactKind.POC),
)


def files() -> list[tuple[Path, ArtifactKind]]:
    """The corpus, in a fixed order."""
    found: dict[Path, ArtifactKind] = {}
    for pattern, kind in CORPUS:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():
                found.setdefault(path, kind)
    return sorted(found.items())


def digest(marker: Marker, path: Path, kind: ArtifactKind) -> str:
    """Hash of every partner's copy of `path` (or of the error marking it raised)."""
    h = hashlib.sha256()
    original = path.read_bytes()
    for partner in PARTNERS:
        try:
            h.update(marker.mark(path.name, kind, original, partner).content)
        except MarkError as exc:
            h.update(b"MarkError:" + exc.message.encode())
    return h.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--schemes", type=int, nargs="*", default=list(range(1, CURRENT_SCHEME + 1))
    )
    args = parser.parse_args()
    started = time.process_time()
    corpus = files()
    for scheme in args.schemes:
        for domains in ((), ("example.org",)):
            marker = Marker(
                SECRET,
                "FW-2026-0001",
                CodeSpec(n_partners=200),
                registry_for(scheme),
                scheme=scheme,
                domains=domains,
            )
            for path, kind in corpus:
                print(
                    scheme,
                    ",".join(domains) or "-",
                    path.relative_to(ROOT),
                    digest(marker, path, kind),
                )
    print(f"# {len(corpus)} files, CPU {time.process_time() - started:.1f} s")


if __name__ == "__main__":
    main()
