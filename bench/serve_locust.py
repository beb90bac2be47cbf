"""Locust users of `bench/serve.py`: each partner fetches its own bundle once, at its moment.

Not run on its own: `bench/serve.py` writes the plan (`FW_BENCH_PLAN`: the service URL, the
case, per partner its token, expected release id, bundle SHA-256 and start offset, the shared
start instant) and reads back `FW_BENCH_RESULTS` (one row per request) when locust stops.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, constant, events, task
from locust.exception import StopUser

PLAN: dict[str, Any] = json.loads(Path(os.environ["FW_BENCH_PLAN"]).read_text())
BODIES = Path(os.environ["FW_BENCH_BODIES"])
RESULTS: list[dict[str, Any]] = []
_next = itertools.count()


class Partner(HttpUser):
    """One partner: waits for its offset after the release instant, fetches, stops."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.index = next(_next)
        self.entry = PLAN["partners"][self.index]
        delay = PLAN["t0"] + self.entry["offset"] - time.time()
        if delay > 0:
            gevent.sleep(delay)

    @task
    def fetch(self) -> None:
        entry = self.entry
        started = time.time()
        begin = time.perf_counter()
        with self.client.get(
            f"/api/v1/cases/{PLAN['case']}/bundle",
            headers={"Authorization": f"Bearer {entry['token']}"},
            name="GET /api/v1/cases/{case}/bundle",
            catch_response=True,
        ) as response:
            elapsed_ms = (time.perf_counter() - begin) * 1000
            status = response.status_code
            right = (
                status == 200
                and response.headers.get("x-forewarn-release") == entry["release_id"]
                and hashlib.sha256(response.content).hexdigest() == entry["sha256"]
            )
            if status == 200:
                (BODIES / f"{self.index:05d}.age").write_bytes(response.content)
                if not right:
                    response.failure("wrong bundle")
            else:
                response.failure(f"status {status}")
            detail = "" if status == 200 else response.text[:160]
        RESULTS.append(
            {
                "detail": detail,
                "index": self.index,
                "status": status,
                "right": right,
                "ms": elapsed_ms,
                "at": started - PLAN["t0"],
            }
        )
        raise StopUser


@events.test_stop.add_listener
def _write_results(**_kwargs: object) -> None:
    Path(os.environ["FW_BENCH_RESULTS"]).write_text(json.dumps(RESULTS))
