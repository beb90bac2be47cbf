"""`forewarn demo`: replay a shipped scenario end to end and write the investigation report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from forewarn.cli import common


def demo(
    ctx: typer.Context,
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
    json_out: common.JsonOption = False,
) -> None:
    """Build a scenario's program, release its waves, stage the leak, trace it and investigate."""
    from forewarn.demo.scenario import run_demo

    started = time.monotonic()
    as_json = common.wants_json(ctx, json_out)
    outcome = run_demo(out, scenario=scenario, say=common.note if as_json else common.say)
    result = outcome.result
    key_file = out / "forewarn.key"
    explore = (
        f"forewarn --db sqlite:///{outcome.database} --key-file {key_file} "
        f"investigate {result.case.id} --now {result.as_of:%Y-%m-%dT%H:%M:%SZ} "
        f"--evidence {outcome.evidence}"
    )

    def render() -> None:
        common.console.print()
        common.console.print("[bold]Finding[/bold]")
        common.say(result.headline)
        common.console.print()
        common.say(f"report:   {outcome.report}")
        common.say(f"json:     {outcome.json}")
        common.say(f"evidence: {outcome.evidence}")
        common.say(f"explore:  {explore}")
        common.say(f"done in {time.monotonic() - started:.1f} s")

    document = {
        "scenario": scenario,
        "case": result.case.id,
        "as_of": result.as_of,
        "headline": result.headline,
        "report": str(outcome.report),
        "json": str(outcome.json),
        "evidence": str(outcome.evidence),
        "database": str(outcome.database),
        "key_file": str(key_file),
        "explore": explore,
    }
    common.emit(ctx, document, render, json_flag=json_out)
