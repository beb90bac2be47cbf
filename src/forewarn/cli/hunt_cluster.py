"""`forewarn hunt-cluster`: a Dask scheduler and its workers on this machine, for `forewarn hunt
--engine dask --scheduler ADDRESS` runs to share (one start-up, warm workers, compiled matchers
cached per worker). Runs until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType
from typing import Annotated

import typer

from forewarn.cli import common
from forewarn.encoding import dumps


def hunt_cluster(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Loopback address to listen on (this machine only).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Scheduler port (0: any free one).")
    ] = 8786,
    workers: Annotated[
        int,
        typer.Option("--workers", min=0, help="Worker processes to start (0: join your own)."),
    ] = 2,
    json_out: common.JsonOption = False,
) -> None:
    """Start a Dask scheduler with worker processes on this machine and serve until stopped."""
    from forewarn.cli.trace import quiet_dask
    from forewarn.hunt.engines.dask import local_scheduler

    quiet_dask(common.settings(ctx).log_level)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    with local_scheduler(host, port, workers) as address:
        previous = signal.signal(signal.SIGTERM, on_signal)
        # The first line names the address (under `--json`, the one JSON document, written
        # once it listens); whoever started it reads it now, while it serves until stopped.
        hint = f"hunt with: forewarn hunt --engine dask --scheduler {address} PATH…"
        if common.wants_json(ctx, json_out):
            sys.stdout.write(dumps({"scheduler": address, "workers": workers}, indent=None) + "\n")
            sys.stdout.flush()
            common.note(hint)
        else:
            sys.stdout.write(f"Dask scheduler at {address} with {workers} workers\n")
            sys.stdout.flush()
            common.say(hint)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)


__all__ = ["hunt_cluster"]
