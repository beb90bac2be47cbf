"""Benchmark: plan, release and accuse one wave to N partners (3 artifacts each); verify a log.

Run: `.venv/bin/python bench/release.py [--partners 1000 10000] [--leaves 100000] [--db URL]`.
Prints the figures and writes bench/out/release.json. Per partner count: setup, `wave plan`
(`plan_case`), `release_due` (wall clock, and the CPU seconds of this process and of the
marking processes, sampled), one accusation over every partner (cold: codewords derived; warm),
and memory (peak RSS of this process before and after; largest marking process). On a machine
shared with other work the wall clock grows with the load; `cpu_bound_s` (the larger of the CPU
seconds spread over the cores and this process's own) is what the wave costs on idle cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

sys.path.append(str(Path(__file__).resolve().parents[1] / "tests"))

from forewarn.domain import ArtifactKind, LeafKind
from forewarn.program import audit, case_marking, release, waves
from forewarn.program.artifacts import read_artifact
from forewarn.program.service import Program, init_program, open_program
from forewarn.settings import Settings, sqlite_url
from forewarn.store.audit_repo import AuditRepository
from release_world import (
    BENCH_ADVISORY,
    BENCH_DETECTION,
    CASE,
    JOINED,
    NOTICE,
    POC,
    add_case,
    add_partners,
    contents,
)

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class CpuSampler:
    """CPU seconds and peak RSS of this process's descendants (the marking pool), sampled."""

    def __init__(self) -> None:
        self.cpu: dict[int, float] = {}
        self.rss: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            for child in me.children(recursive=True):
                try:
                    times = child.cpu_times()
                    self.cpu[child.pid] = times.user + times.system
                    self.rss[child.pid] = max(self.rss.get(child.pid, 0), child.memory_info().rss)
                except psutil.Error:
                    continue

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def setup(settings: Settings, count: int) -> float:
    """`count` early-access partners with age keys and one case of three artifacts."""
    began = time.perf_counter()
    with open_program(settings) as program, program.session() as session:
        names = [(f"Partner {i:05d}", "early-access") for i in range(count)]
        add_partners(session, program.keys, names, now=JOINED)
        add_case(
            session,
            program.keys,
            now=JOINED,
            artifact_contents=contents(BENCH_ADVISORY, BENCH_DETECTION),
        )
    return time.perf_counter() - began


def bench_release(settings: Settings, count: int, *, release_too: bool = True) -> dict[str, object]:
    """Set up `count` partners and one case, then time `plan_case`, `release_due`, `accuse`."""
    setup_s = setup(settings, count)
    rss_before = _peak_mb()
    with open_program(settings) as program:
        with program.session() as session:
            began = time.perf_counter()
            planned = waves.plan_case(session, CASE)
            plan_s = time.perf_counter() - began
        accusation = bench_accuse(program, count)
        if not release_too:
            return {
                "partners": count,
                "setup_seconds": round(setup_s, 2),
                "plan_seconds": round(plan_s, 3),
                "waves": len(planned),
                **accusation,
                "rss_main_before_mb": rss_before,
                "rss_main_peak_mb": _peak_mb(),
            }
        own_before = sum(psutil.Process().cpu_times()[:2])
        with CpuSampler() as sampler:
            began = time.perf_counter()
            report = release.release_due(program.session, program.keys, CASE, now=NOTICE)
            seconds = time.perf_counter() - began
        own_cpu = sum(psutil.Process().cpu_times()[:2]) - own_before
    workers_cpu = sum(sampler.cpu.values())
    cores = os.cpu_count() or 1
    return {
        "partners": count,
        "released": len(report.released),
        "artifacts": 3,
        "poc_lines": len(POC.read_text().splitlines()),
        "setup_seconds": round(setup_s, 2),
        "plan_seconds": round(plan_s, 3),
        "waves": len(planned),
        "seconds": round(seconds, 2),
        "per_partner_ms": round(1000 * seconds / max(count, 1), 2),
        "cpu_main_s": round(own_cpu, 1),
        "cpu_workers_s": round(workers_cpu, 1),
        "cpu_bound_s": round(max((own_cpu + workers_cpu) / cores, own_cpu), 1),
        "load_average": round(os.getloadavg()[0], 1),
        **accusation,
        "rss_main_before_mb": rss_before,
        "rss_main_peak_mb": _peak_mb(),
        "rss_worker_peak_mb": round(max(sampler.rss.values(), default=0) / 1024**2, 1),
    }


def bench_accuse(program: Program, count: int) -> dict[str, object]:
    """Trace one partner's PoC copy against every partner: cold (codewords derived), warm."""
    with program.session() as session:
        marker = case_marking.marker_for_case(session, program.keys, CASE)
        original = read_artifact(session, program.keys, CASE, "poc.py")
    names = [f"Partner {i:05d}" for i in range(count)]
    leaked = marker.mark("poc.py", ArtifactKind.POC, original, names[count // 2]).content
    observations = marker.extract("poc.py", ArtifactKind.POC, original, leaked)
    figures: dict[str, object] = {}
    for run in ("cold", "warm"):
        began = time.perf_counter()
        verdict = marker.accuse(observations, names)
        figures[f"accuse_{run}_seconds"] = round(time.perf_counter() - began, 2)
    figures["accused"] = list(verdict.accused)
    return figures


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
    parser.add_argument("--partners", type=int, nargs="+", default=[1000])
    parser.add_argument("--leaves", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file each)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out/release.json")
    parser.add_argument(
        "--no-release", action="store_true", help="plan and accuse only (no `release_due`)"
    )
    args = parser.parse_args()
    figures: dict[str, object] = {"cpus": os.cpu_count(), "release": []}
    for count in args.partners:
        with tempfile.TemporaryDirectory() as tmp:
            settings = _settings(args.db, Path(tmp))
            init_program(settings, now=datetime(2021, 1, 1, tzinfo=UTC), name="Bench")
            figures["backend"] = settings.database_url.split(":", 1)[0]
            row = bench_release(settings, count, release_too=not args.no_release)
            print(json.dumps(row), flush=True)
            figures["release"].append(row)  # type: ignore[attr-defined]
            if args.db:
                _drop(settings)
    if args.leaves:
        with tempfile.TemporaryDirectory() as tmp:
            settings = _settings(args.db, Path(tmp))
            init_program(settings, now=datetime(2021, 1, 1, tzinfo=UTC), name="Bench")
            figures["audit"] = bench_audit(settings, args.leaves)
            if args.db:
                _drop(settings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


def _settings(db: str | None, tmp: Path) -> Settings:
    return Settings(database_url=db or sqlite_url(tmp / "bench.db"), key_file=tmp / "bench.key")


def _drop(settings: Settings) -> None:
    """Empty a PostgreSQL bench database for the next run (it is the caller's, not ours)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    main()
