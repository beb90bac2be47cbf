"""Benchmark: the scheduler's release delay, from a wave's instant to its releases committed.

Run: `.venv/bin/python bench/scheduler.py [--partners 200] [--waves 5] [--db URL]`.

Sets up `--partners` early-access partners (age keys) and `--waves` cases, each with three
artifacts and a patch date a day after the previous one, so each case's early-access wave falls
at its own midnight. For each wave, one `forewarn scheduler --once` pass half an hour ahead
prepares and holds its bundles (as a scheduler running with `--prepare-ahead 1h` would have),
then a real `forewarn scheduler` loop is started with its replay clock (`--now`, running at
wall speed) `--lead` seconds before the instant: it sleeps until the instant and releases them.
Its `--json` event lines give, by its own clock, when the first and the last release batch
committed. The delay is that
time minus the instant: wake-up lateness plus the work until the commit. Prints the figures and
writes bench/out/scheduler.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1] / "tests"))

from forewarn.program.service import init_program, open_program
from forewarn.settings import Settings, sqlite_url
from release_world import (
    BENCH_ADVISORY,
    BENCH_DETECTION,
    JOINED,
    PATCH,
    add_case,
    add_partners,
    contents,
)

ROOT = Path(__file__).resolve().parents[1]
FOREWARN = Path(sys.executable).with_name("forewarn")
EARLY_LEAD = timedelta(days=14)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def setup(settings: Settings, count: int, waves: int) -> list[datetime]:
    """Partners and cases; the instants of the cases' early-access waves."""
    instants: list[datetime] = []
    with open_program(settings) as program, program.session() as session:
        names = [(f"Partner {i:04d}", "early-access") for i in range(count)]
        add_partners(session, program.keys, names, now=JOINED)
        for w in range(waves):
            patch = PATCH + timedelta(days=w)
            add_case(
                session,
                program.keys,
                now=JOINED,
                case_id=f"FW-2021-{w + 1:04d}",
                title=f"Bench case {w + 1}",
                patch=patch,
                artifact_contents=contents(BENCH_ADVISORY, BENCH_DETECTION),
            )
            instants.append(datetime.combine(patch, datetime.min.time(), UTC) - EARLY_LEAD)
    return instants


def one_wave(settings: Settings, instant: datetime, lead: float, count: int) -> dict[str, object]:
    """Prepare the wave half an hour ahead (one pass), then run the scheduler loop from `lead`
    seconds before `instant` until the wave is released."""
    env = {
        **os.environ,
        "FOREWARN_DATABASE_URL": settings.database_url,
        "FOREWARN_KEY_FILE": str(settings.key_file),
    }
    ahead = _iso(instant - timedelta(minutes=30))
    began = time.perf_counter()
    prepared = subprocess.run(
        [str(FOREWARN), "scheduler", "--once", "--now", ahead, "--prepare-limit", str(count)]
        + ["--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    prepare_seconds = time.perf_counter() - began
    assert len(json.loads(prepared.stdout)["prepared"]) == count, prepared.stdout
    command = [str(FOREWARN), "scheduler", "--now", _iso(instant - timedelta(seconds=lead))]
    command += ["--prepare-ahead", "1h", "--interval", "60s", "--json"]
    events: list[dict[str, object]] = []
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            record = json.loads(line)
            events.append(record)
            if "event" not in record and (record["released"] or record["marked_at_release"]):
                break
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    passes = [e for e in events if "event" not in e]
    released = [_at(str(e["at"])) for e in events if e.get("event") == "released"]
    held = sum(len(p["prepared"]) for p in passes)  # type: ignore[arg-type]
    last = passes[-1]
    return {
        "instant": _iso(instant),
        "held_ahead": held,
        "released_from_held": len(last["released"]),  # type: ignore[arg-type]
        "marked_at_instant": len(last["marked_at_release"]),  # type: ignore[arg-type]
        "pass_started_ms": round((_at(str(last["now"])) - instant).total_seconds() * 1000, 1),
        "first_commit_ms": round((released[0] - instant).total_seconds() * 1000, 1),
        "last_commit_ms": round((released[-1] - instant).total_seconds() * 1000, 1),
        "partners": count,
        "prepare_pass_s": round(prepare_seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=200)
    parser.add_argument("--waves", type=int, default=5)
    parser.add_argument("--lead", type=float, default=5, help="seconds the loop starts early")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    lead = args.lead
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=args.db or sqlite_url(Path(tmp) / "bench.db"),
            key_file=Path(tmp) / "bench.key",
        )
        init_program(settings, now=datetime(2021, 1, 1, tzinfo=UTC), name="Bench")
        instants = setup(settings, args.partners, args.waves)
        waves = [one_wave(settings, at, lead, args.partners) for at in instants]
    firsts = [float(w["first_commit_ms"]) for w in waves]  # type: ignore[arg-type]
    lasts = [float(w["last_commit_ms"]) for w in waves]  # type: ignore[arg-type]
    figures = {
        "backend": settings.database_url.split(":", 1)[0],
        "cpus": os.cpu_count(),
        "partners": args.partners,
        "waves": waves,
        "first_commit_ms": {"median": round(statistics.median(firsts), 1), "max": max(firsts)},
        "last_commit_ms": {"median": round(statistics.median(lasts), 1), "max": max(lasts)},
    }
    out = ROOT / "bench/out/scheduler.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
