"""`forewarn scheduler`: release each wave at its instant, bundles sealed and held ahead of it.

Thin: a loop around `forewarn.program.scheduler.run_pass`. It sleeps until the next pass has work
(`next_wake`) or `--interval` passes, whichever is sooner, so a wave is released right at its
instant. `--once` runs one pass and exits (for cron or a replay); `--now` replays history: one
pass at that instant with `--once`, or a clock that starts there and runs at wall speed.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from forewarn.cli import common
from forewarn.domain.validation import format_instant, parse_duration
from forewarn.encoding import dumps, encode
from forewarn.errors import Error, ReleaseError, ValidationError

if TYPE_CHECKING:
    from forewarn.program.scheduler import PassReport

logger = logging.getLogger(__name__)


class _Stop(Exception):
    """SIGTERM arrived while the loop slept."""


class _Stopper:
    """SIGTERM ends the loop between passes: at once while it sleeps, else after the pass (a
    pass is never cut short by it, though a SIGKILL there loses nothing either)."""

    def __init__(self) -> None:
        self.asked = False
        self.sleeping = False

    def __call__(self, _signum: int, _frame: FrameType | None) -> None:
        self.asked = True
        if self.sleeping:
            raise _Stop

    def sleep(self, seconds: float) -> None:
        """Sleep, unless a stop was asked; raise `_Stop` when one arrives meanwhile."""
        if self.asked:
            raise _Stop
        self.sleeping = True
        try:
            time.sleep(seconds)
        finally:
            self.sleeping = False


def _clock(start: str | None, *, once: bool) -> Callable[[], datetime]:
    """The wall clock, or a replay clock: `start` itself for one pass, else starting at `start`
    and running at wall speed."""
    if start is None:
        return lambda: datetime.now(UTC)
    origin, began = common.now(start), time.monotonic()
    if once:
        return lambda: origin
    return lambda: origin + timedelta(seconds=time.monotonic() - began)


def _observer(
    spec: str | None, clock: Callable[[], datetime], *, events: bool
) -> Callable[[str], None]:
    """What the loop does at each step of a pass: with `events`, a JSON line when a batch of
    bundles was held or released (`{"event", "at"}`, the time by the scheduler's clock); with
    `--pause-at STEP[:N]`, stop for good at the Nth `STEP`, saying so on stderr (a crash test
    kills the process right there)."""
    step, _, count = (spec or "").partition(":")
    target = int(count) if count.isdigit() else 1
    seen = {"n": 0}

    def observe(name: str) -> None:
        if events and name in {"prepared", "released"}:
            line = json.dumps({"event": name, "at": format_instant(clock())})
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        if name != step:
            return
        seen["n"] += 1
        if seen["n"] == target:
            sys.stderr.write(f"paused at {name}:{target}\n")
            sys.stderr.flush()
            while True:
                time.sleep(3600)

    return observe


def _render(report: PassReport) -> None:
    released = len(report.released) + len(report.marked_at_release)
    wake = "nothing planned" if report.next_wake is None else format_instant(report.next_wake)
    common.say(
        f"{format_instant(report.now)}: {released} released ({len(report.marked_at_release)} "
        f"marked at the instant), {len(report.prepared)} prepared and held, "
        f"{len(report.discarded)} held bundles discarded; next: {wake}"
    )


def scheduler(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Run one pass and exit.")] = False,
    interval: Annotated[
        str, typer.Option("--interval", help="Longest sleep between passes, e.g. 30s, 5m.")
    ] = "60s",
    prepare_ahead: Annotated[
        str,
        typer.Option("--prepare-ahead", help="Seal and hold bundles this long before a wave."),
    ] = "1h",
    release_batch: Annotated[
        int, typer.Option("--release-batch", min=1, help="Releases per transaction.")
    ] = 100,
    prepare_limit: Annotated[
        int,
        typer.Option("--prepare-limit", min=1, help="Bundles a pass prepares at most (then next)."),
    ] = 32,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Marking processes (default: CPU count).")
    ] = None,
    now: common.NowOption = None,
    pause_at: Annotated[str | None, typer.Option("--pause-at", hidden=True)] = None,
    json_out: common.JsonOption = False,
) -> None:
    """Release every wave at its instant, exactly once; seal and hold bundles ahead of it.

    A suspension, a reschedule or a cancellation before the instant discards the held bundles
    (a rescheduled wave is prepared again). Killing the scheduler at any point loses nothing and
    releases nothing twice: start it again. With `--json`, one JSON line per pass (and, in a
    loop, an `{"event", "at"}` line as each batch is held or released).
    """
    from forewarn.program.scheduler import run_pass

    ahead = parse_duration(prepare_ahead)
    longest = parse_duration(interval).total_seconds()
    if longest <= 0:
        raise ValidationError("--interval must be longer than 0s")
    clock = _clock(now, once=once)
    as_json = common.wants_json(ctx, json_out)
    observe = _observer(pause_at, clock, events=as_json and not once)
    stopper = _Stopper()
    if not once:
        signal.signal(signal.SIGTERM, stopper)
    with common.open_program(ctx) as program:
        while True:
            try:
                report = run_pass(
                    program.session,
                    program.keys,
                    now=clock(),
                    prepare_ahead=ahead,
                    release_batch=release_batch,
                    prepare_limit=prepare_limit,
                    observe=observe,
                    workers=workers,
                )
            except Error as exc:
                if once:
                    raise
                common.warn(f"scheduler pass failed, retrying: {exc.diagnostics()}")
                report = None
            if report is not None:
                if as_json:
                    # a pretty document for one pass, one compact line per pass in a loop
                    text = dumps(report) if once else json.dumps(encode(report))
                    sys.stdout.write(text + "\n")
                    sys.stdout.flush()
                elif once or report.released or report.marked_at_release or report.prepared:
                    _render(report)
            if report is not None:
                for case_id, why in sorted(report.failed.items()):
                    common.warn(f"case {case_id} was not scheduled: {why}")
            if once:
                if report is not None and report.failed:
                    raise ReleaseError(
                        f"{len(report.failed)} case(s) could not be scheduled",
                        hint="see the warnings above; the other cases were handled",
                    )
                return
            wait = longest
            if report is not None and report.next_wake is not None:
                wait = min(wait, max((report.next_wake - clock()).total_seconds(), 0.0))
            try:
                stopper.sleep(wait)
            except (_Stop, KeyboardInterrupt):
                logger.info("scheduler stopped")
                return
