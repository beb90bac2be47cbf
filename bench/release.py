"""Benchmark: release one wave to 1000 partners (3 artifacts each), verify a 100,000-leaf log.

Run: `.venv/bin/python bench/release.py [--partners 1000] [--leaves 100000] [--db URL]`.
Prints the figures and writes bench/out/release.json. Time is wall clock on this machine; peak
memory is the largest resident set of this process and of the marking processes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyrage

from forewarn.domain import ArtifactKind, LeafKind
from forewarn.program import artifacts, audit, cases, partners, release
from forewarn.program.service import init_program, open_program
from forewarn.settings import Settings, sqlite_url
from forewarn.store.audit_repo import AuditRepository

ROOT = Path(__file__).resolve().parents[1]
POC = ROOT / "src/forewarn/data/scenarios/exchange-2021/poc.py"
ADVISORY = (
    b"# Advisory\n\n" + b"The request chain lets a remote attacker reach the back end.\n" * 40
)
DETECTION = b"# Detection guidance\n\n" + b"Alert on cookies naming a back-end host.\n" * 30
NOTICE = datetime(2021, 2, 23, 9, tzinfo=UTC)


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(children, 1)


def bench_release(settings: Settings, count: int) -> dict[str, object]:
    """Set up `count` early-access partners and one case, then time one `release_due`."""
    start = datetime(2021, 1, 2, tzinfo=UTC)
    with open_program(settings) as program, program.session() as session:
        for i in range(count):
            recipient = str(pyrage.x25519.Identity.generate().to_public())
            partners.add_partner(
                session,
                program.keys,
                name=f"Partner {i:04d}",
                country="US",
                tier="early-access",
                now=start,
                age_recipient=recipient,
            )
        cases.create_case(
            session,
            program.keys,
            now=start,
            case_id="FW-2021-0001",
            title="Mail server pre-auth request chain",
            product="Mail Server 2019",
            reported=date(2021, 1, 5),
            patch_planned=date(2021, 3, 9),
        )
        for name, kind, content in (
            ("advisory.md", ArtifactKind.ADVISORY, ADVISORY),
            ("detection.md", ArtifactKind.DETECTION, DETECTION),
            ("poc.py", ArtifactKind.POC, POC.read_bytes()),
        ):
            artifacts.add_artifact(
                session,
                program.keys,
                case_id="FW-2021-0001",
                name=name,
                content=content,
                kind=kind,
                now=start,
            )
    with open_program(settings) as program:
        began = time.perf_counter()
        report = release.release_due(program.session, program.keys, "FW-2021-0001", now=NOTICE)
        seconds = time.perf_counter() - began
    own, children = _peak_mb()
    return {
        "partners": count,
        "released": len(report.released),
        "artifacts": 3,
        "poc_lines": len(POC.read_text().splitlines()),
        "seconds": round(seconds, 2),
        "per_partner_ms": round(1000 * seconds / max(count, 1), 2),
        "peak_rss_mb": own,
        "peak_rss_workers_mb": children,
    }


def bench_audit(settings: Settings, leaves: int) -> dict[str, object]:
    """Append `leaves` leaves (batches of 1000 under one checkpoint), then time `verify_audit`."""
    with open_program(settings) as program:
        at = NOTICE
        began = time.perf_counter()
        with program.session() as session:
            existing = len(AuditRepository(session).leaves())
        for start in range(existing, leaves, 1000):
            batch = [
                audit.AuditEntry(LeafKind.ACCUSATION, {"suspect": f"s{i}", "n": i}, f"s{i}")
                for i in range(start, min(start + 1000, leaves))
            ]
            at += timedelta(seconds=1)
            with program.session() as session:
                audit.append_audit_many(session, batch, at, keys=program.keys)
        appended = time.perf_counter() - began
        began = time.perf_counter()
        with program.session() as session:
            report = audit.verify_audit(session, program.keys.signing_key.public_key())
        seconds = time.perf_counter() - began
    return {
        "leaves": report.leaves,
        "checkpoints": report.checkpoints,
        "append_seconds": round(appended, 2),
        "verify_seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--leaves", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=args.db or sqlite_url(Path(tmp) / "bench.db"),
            key_file=Path(tmp) / "bench.key",
        )
        init_program(settings, now=datetime(2021, 1, 1, tzinfo=UTC), name="Bench")
        figures = {
            "backend": settings.database_url.split(":", 1)[0],
            "cpus": os.cpu_count(),
            "release": bench_release(settings, args.partners),
            "audit": bench_audit(settings, args.leaves),
        }
    out = ROOT / "bench/out/release.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
