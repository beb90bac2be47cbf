"""`forewarn investigate ID`: who could have leaked, what explains each wave, what to do."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forewarn.cli import common
from forewarn.domain.evidence import lead_statement
from forewarn.domain.investigation import InvestigationResult, Verdict


def render(result: InvestigationResult) -> None:
    """The conclusions for a person at a terminal."""
    from forewarn.investigate.activity import describe_span
    from forewarn.investigate.commands import command_line
    from forewarn.investigate.groups import exposure_summary

    common.console.print(f"[bold]{result.case.id}[/bold] — {result.case.title}")
    common.say(result.headline)
    rows = []
    for activity in result.activities:
        best = next((h for h in activity.hypotheses if h.verdict is not Verdict.RULED_OUT), None)
        p = activity.timing.probability_if_unrelated if activity.timing else None
        rows.append(
            (
                activity.label,
                describe_span(activity),
                len(activity.exposed_partners),
                "—" if p is None else f"{p:.3f}",
                best.title if best else "nothing left",
                best.verdict.value if best else "",
            )
        )
    common.table(
        "activity",
        ("wave", "when", "partners exposed", "P(this soon | unrelated)", "best explanation", ""),
        rows,
    )
    for activity in result.activities:
        if activity.exposed_partners:
            common.say(
                f"{activity.label}, held before the onset: {exposure_summary(activity.groups)}"
            )
        if activity.sensitivity is not None:
            common.say(f"{activity.label}, prior: {activity.sensitivity.statement}")
    for activity in result.activities:
        for finding in activity.findings:
            for suspect in finding.suspects:
                if suspect.lead:
                    common.say(f"{finding.label}: {lead_statement(suspect.partner)}")
    dated = [(f, f.dating) for a in result.activities for f in a.findings if f.dating is not None]
    if dated:
        common.say("evidence, the date used and why:")
    for finding, dating in dated:
        why = dating.basis.value + (f"; {dating.detail}" if dating.detail else "")
        custody = (
            dating.custody.statement()
            if dating.custody
            else f"not registered; sha256 {dating.sha256}"
        )
        common.say(f"  {finding.label}: {finding.seen} ({why}) — {custody}")
    for warning in result.warnings:
        common.say(f"warning: {warning}")
    common.table(
        "recommendations",
        ("action", "command"),
        [(r.title, command_line(r)) for r in result.recommendations],
    )


def investigate(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id, e.g. FW-2021-0001.")],
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence",
            help="Material from the wild to trace besides the case's registered evidence: a "
            "file, folder or archive (repeatable). A file registered with `forewarn evidence "
            "add` is matched by SHA-256 and dated by its registered seen time; web logs by "
            "their lines; anything else by its modification day, with a warning.",
        ),
    ] = None,
    no_registered: Annotated[
        bool,
        typer.Option(
            "--no-registered",
            help="Leave the case's registered evidence out: trace only the --evidence given.",
        ),
    ] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML report to this file.")
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="Append each accusation to the audit log.")
    ] = False,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Weigh every wave of activity against who held what; name a leaker only on marks."""
    from forewarn.investigate.report import to_json, write_report
    from forewarn.investigate.service import run_investigation

    at = common.now(now)
    with common.open_program(ctx) as program, program.session() as session:
        result = run_investigation(
            session,
            program.keys,
            case_id,
            as_of=at,
            evidence=evidence or (),
            registered=not no_registered,
            replay=now is not None,
            record=record,
        )
    if html is not None:
        write_report(result, html)
    if common.wants_json(ctx, json_out):
        sys.stdout.write(to_json(result) + "\n")
        return
    render(result)
    if html is not None:
        common.say(f"report: {html}")
