"""`forewarn demo`: replay a shipped scenario end to end and write the investigation report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from forewarn.cli import common


def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the database, evidence and report.")
    ] = Path("demo-out"),
    scenario: Annotated[
        str,
        typer.Option(
            "--scenario",
            help="Shipped scenario: exchange-2021 (a leak before the patch, the default) or "
            "mapp-2012 (a leak after it).",
        ),
    ] = "exchange-2021",
) -> None:
    """Build a scenario's program, release its waves, stage the leak, trace it and investigate."""
    from forewarn.demo.scenario import run_demo

    started = time.monotonic()
    outcome = run_demo(out, scenario=scenario, say=common.say)
    common.console.print()
    common.console.print("[bold]Finding[/bold]")
    common.say(outcome.result.headline)
    common.console.print()
    common.say(f"report:   {outcome.report}")
    common.say(f"json:     {outcome.json}")
    common.say(f"evidence: {outcome.evidence}")
    common.say(
        f"explore:  forewarn --db sqlite:///{outcome.database} --key-file {out / 'forewarn.key'} "
        f"investigate {outcome.result.case.id} --now {outcome.result.as_of:%Y-%m-%dT%H:%M:%SZ} "
        f"--evidence {outcome.evidence}"
    )
    common.say(f"done in {time.monotonic() - started:.1f} s")
