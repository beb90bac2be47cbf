"""Benchmark: 1,000 partners fetch their bundles over the REST API around the release instant.

Run: `.venv/bin/python bench/serve.py [--partners 1000] [--burst 200] [--spread 60] [--db URL]`.

A fresh PostgreSQL database (on `FOREWARN_BENCH_POSTGRES_URL`, default the test server at
`postgresql+psycopg://postgres@127.0.0.1:5432/test`; dropped afterwards) gets a program, the
partners with age keys and one API token each, and one case (advisory, detection guidance and
the scenario PoC) whose wave is released. `forewarn serve` then runs on 127.0.0.1 and locust
(headless, on the same 2 cores) plays the partners: `--burst` of them fetch in the first second
after the release instant, the rest spread evenly over `--spread` seconds. Every answer is
checked (status, release id, SHA-256 of the sealed bundle); afterwards every bundle is
decrypted with its partner's own key and its manifest must name that partner ("wrong bundles"),
and the audit log is verified and must hold one `fetch` leaf per bundle handed over. Prints the
figures and writes bench/out/serve.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyrage
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from forewarn.domain import ArtifactKind, LeafKind
from forewarn.program import api_tokens, artifacts, audit, cases, partners, release
from forewarn.program.service import init_program, open_program
from forewarn.settings import Settings
from forewarn.store.audit_repo import AuditRepository
from forewarn.store.release_repo import ReleaseRepository

ROOT = Path(__file__).resolve().parents[1]
POC = ROOT / "src/forewarn/data/scenarios/exchange-2021/poc.py"
ADVISORY = (
    b"# Advisory\n\n" + b"The request chain lets a remote attacker reach the back end.\n" * 40
)
DETECTION = b"# Detection guidance\n\n" + b"Alert on cookies naming a back-end host.\n" * 30
CASE = "FW-2026-0042"
ADMIN_URL = os.environ.get(
    "FOREWARN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FOREWARN = Path(sys.executable).with_name("forewarn")
LOCUST = Path(sys.executable).with_name("locust")


def _admin(statement: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def stage(
    settings: Settings, count: int, *, poc: bool = True
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The program, `count` partners with tokens, one released case; identities and plan rows."""
    now = datetime.now(UTC)
    init_program(settings, now=datetime(2021, 1, 2, tzinfo=UTC), name="Serve Benchmark")
    identities: dict[str, str] = {}
    secrets_of: dict[str, str] = {}
    with open_program(settings) as program, program.session() as session:
        for i in range(count):
            identity = pyrage.x25519.Identity.generate()
            name = f"Partner {i:04d}"
            identities[name] = str(identity)
            partners.add_partner(
                session,
                program.keys,
                name=name,
                country="US",
                tier="early-access",
                now=datetime(2021, 1, 2, tzinfo=UTC),
                age_recipient=str(identity.to_public()),
            )
        cases.create_case(
            session,
            program.keys,
            now=datetime(2021, 1, 2, tzinfo=UTC),
            case_id=CASE,
            title="Mail server pre-auth request chain",
            product="Mail Server 2019",
            reported=date(2026, 1, 5),
            patch_planned=(now + timedelta(days=7)).date(),
        )
        contents = [
            ("advisory.md", ArtifactKind.ADVISORY, ADVISORY),
            ("detection.md", ArtifactKind.DETECTION, DETECTION),
        ]
        if poc:
            contents.append(("poc.py", ArtifactKind.POC, POC.read_bytes()))
        for name, kind, content in contents:
            artifacts.add_artifact(
                session,
                program.keys,
                case_id=CASE,
                name=name,
                content=content,
                kind=kind,
                now=datetime(2021, 1, 2, tzinfo=UTC),
            )
    with open_program(settings) as program:
        started = time.perf_counter()
        report = release.release_due(program.session, program.keys, CASE, now=now)
        print(f"released {len(report.released)} copies in {time.perf_counter() - started:.1f} s")
        with program.session() as session:
            for name in identities:
                issued = api_tokens.issue_token(session, program.keys, partner=name, now=now)
                secrets_of[name] = issued.secret
        rows = []
        with program.session() as session:
            repo = ReleaseRepository(session)
            for stored in repo.for_case(CASE):
                sealed = repo.sealed_bundle(stored.id)
                assert sealed is not None
                rows.append(
                    {
                        "partner": stored.partner,
                        "token": secrets_of[stored.partner],
                        "release_id": stored.id,
                        "sha256": sealed[1],
                    }
                )
    return identities, rows


def offsets(count: int, burst: int, spread: float, seed: int = 15) -> list[float]:
    """Start offsets after the release instant: `burst` in the first second, the rest evenly."""
    first = [i / burst for i in range(min(burst, count))]
    rest = count - len(first)
    later = [1 + (spread - 1) * i / max(rest, 1) for i in range(rest)]
    mixed = first + later
    random.Random(seed).shuffle(mixed)
    return mixed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def manifest_partner(identity: str, sealed: bytes) -> str:
    plain = pyrage.decrypt(sealed, [pyrage.x25519.Identity.from_str(identity)])
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return str(json.load(member)["partner"])


def run(args: argparse.Namespace, url: str, work: Path) -> dict[str, Any]:
    settings = Settings(database_url=url, key_file=work / "forewarn.key")
    identities, rows = stage(settings, args.partners, poc=not args.no_poc)
    for row, offset in zip(rows, offsets(len(rows), args.burst, args.spread), strict=True):
        row["offset"] = offset
    with open_program(settings) as program, program.session() as session:
        leaves_before = AuditRepository(session).head()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FOREWARN_DATABASE_URL": url, "FOREWARN_KEY_FILE": str(settings.key_file)}
    log = (work / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(FOREWARN), "serve", "--port", str(port), "--rate", "100000", "--burst", "100000"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/program", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        bodies = work / "bodies"
        bodies.mkdir()
        t0 = time.time() + 12
        plan = {"case": CASE, "t0": t0, "partners": rows}
        (work / "plan.json").write_text(json.dumps(plan))
        results_path = work / "results.json"
        locust_env = {
            **os.environ,
            "FW_BENCH_PLAN": str(work / "plan.json"),
            "FW_BENCH_RESULTS": str(results_path),
            "FW_BENCH_BODIES": str(bodies),
        }
        subprocess.run(
            [
                str(LOCUST),
                "-f",
                str(ROOT / "bench/serve_locust.py"),
                "--headless",
                "-u",
                str(len(rows)),
                "-r",
                str(len(rows)),
                "--host",
                base,
                "--run-time",
                f"{int(args.spread + 40)}s",
                "--stop-timeout",
                "10",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=locust_env,
            check=False,
            timeout=args.spread + 180,
        )
        results = json.loads(results_path.read_text())
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        out = ROOT / "bench/out"
        out.mkdir(exist_ok=True)
        (out / "serve.log").write_bytes((work / "serve.log").read_bytes())
    by_index = {r["index"]: r for r in results}
    problems: dict[str, int] = {}
    for r in results:
        if r["status"] != 200:
            problems[r["detail"]] = problems.get(r["detail"], 0) + 1
    wrong = sum(1 for r in results if r["status"] == 200 and not r["right"])
    for index, row in enumerate(rows):
        body = bodies / f"{index:05d}.age"
        if (
            body.exists()
            and manifest_partner(identities[row["partner"]], body.read_bytes()) != row["partner"]
        ):
            wrong += 1
    ok = [r for r in results if r["status"] == 200]
    with open_program(settings) as program, program.session() as session:
        report = audit.verify_audit(session, program.keys.signing_key.public_key())
        leaves = AuditRepository(session).leaves()
        sizes = [c.size for c in AuditRepository(session).checkpoints()]
    start = 0 if leaves_before is None else leaves_before.size
    fetch_leaves = sum(1 for leaf in leaves[start:] if leaf.kind is LeafKind.FETCH)
    fetch_checkpoints = sum(1 for size in sizes if size > start)
    latencies = [r["ms"] for r in results]
    burst = [r["ms"] for r in results if r["at"] < 1.0]
    span = max(r["at"] + r["ms"] / 1000 for r in results) - min(r["at"] for r in results)
    return {
        "partners": len(rows),
        "requests": len(results),
        "missing": len(rows) - len(by_index),
        "errors": len(results) - len(ok),
        "wrong_bundles": wrong,
        "error_details": problems,
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
        "burst_requests": len(burst),
        "burst_p50_ms": round(statistics.median(burst), 1) if burst else None,
        "burst_p99_ms": round(percentile(burst, 0.99), 1) if burst else None,
        "throughput_rps": round(len(results) / span, 1),
        "fetch_leaves": fetch_leaves,
        "fetch_checkpoints": fetch_checkpoints,
        "leaves_per_checkpoint": round(fetch_leaves / max(fetch_checkpoints, 1), 1),
        "audit_leaves_total": report.leaves,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--spread", type=float, default=60.0)
    parser.add_argument("--db", help="an existing empty database URL (default: a fresh one)")
    parser.add_argument("--no-poc", action="store_true", help="advisory and detection only")
    args = parser.parse_args()
    name = None
    url = args.db
    if url is None:
        name = f"forewarn_bench_serve_{secrets.token_hex(4)}"
        _admin(f'CREATE DATABASE "{name}"')
        url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory() as folder:
            figures = run(args, url, Path(folder))
    finally:
        if name is not None:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out = ROOT / "bench/out"
    out.mkdir(exist_ok=True)
    (out / "serve.json").write_text(json.dumps(figures, indent=2) + "\n")
    for key, value in figures.items():
        print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
