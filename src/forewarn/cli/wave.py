"""`forewarn wave …` (plan, release) and `forewarn case reschedule`."""

from __future__ import annotations

import difflib
import hashlib
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from forewarn.cli import common
from forewarn.domain import Wave
from forewarn.encoding import encode
from forewarn.program.owner_only import make_owner_folder, write_owner_only

if TYPE_CHECKING:
    from forewarn.program.release import ReleaseReport
    from forewarn.program.waves import RescheduleResult

app = typer.Typer(help="Waves: who learns what, and when.", no_args_is_help=True)

CaseArgument = Annotated[str, typer.Argument(help="Case id, e.g. FW-2021-0001.")]


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%MZ")


def _render_plan(case_id: str, plan: list[Wave]) -> None:
    rows = [
        (
            _when(wave.at),
            wave.tier,
            len(wave.partners),
            ", ".join(sorted({name for names in wave.artifacts.values() for name in names})),
            len(wave.excluded),
        )
        for wave in plan
    ]
    common.table(f"waves of {case_id}", ("when", "tier", "partners", "artifacts", "left out"), rows)
    excluded = [(w.tier, e.partner, e.reason) for w in plan for e in w.excluded]
    if excluded:
        common.table("left out", ("tier", "partner", "why"), excluded)
    notes = [(w.tier, a.partner, a.reason) for w in plan for a in w.adjusted]
    if notes:
        common.table("adjusted by policy rules", ("tier", "partner", "what"), notes)


@app.command("plan")
def plan(ctx: typer.Context, case_id: CaseArgument, json_out: common.JsonOption = False) -> None:
    """Show the waves of a case (when, which tier, who gets what, who is left out) and what
    each artifact's marks buy: whether a leak of it can name the partner."""
    from forewarn.cli import capacity as wording
    from forewarn.program import waves
    from forewarn.program.capacity import case_capacity, planned_recipients
    from forewarn.program.cases import get_case
    from forewarn.program.nda import plan_warnings
    from forewarn.program.partners import list_partners

    with common.open_program(ctx) as program, program.session() as session:
        found = waves.plan_case(session, case_id)
        counts = planned_recipients(session, case_id)
        marks = case_capacity(session, program.keys, case_id, counts, recipients=counts)
        lapsing = plan_warnings(get_case(session, case_id), found, list_partners(session))
    for warning in lapsing:
        common.warn(warning.message)

    def render() -> None:
        _render_plan(case_id, found)
        if marks.artifacts:
            wording.render(marks)

    data = {"waves": found, "capacity": wording.to_json(marks), "nda_warnings": lapsing}
    common.emit(ctx, data, render, json_flag=json_out)


@app.command("preview")
def preview(
    ctx: typer.Context,
    case_id: CaseArgument,
    partner: Annotated[str, typer.Option("--partner", help="Partner whose copies to show.")],
    artifact: Annotated[
        str | None, typer.Option("--artifact", help="Only this artifact (default: all planned).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the marked copies here (mode 0600).")
    ] = None,
    json_out: common.JsonOption = False,
) -> None:
    """Show a partner's marked copies as a diff against the originals, before release.

    Nothing is released or recorded. The diff shows embargoed content on this terminal only
    because you asked for it.
    """
    from forewarn.program.capacity import preview as marked_copies

    with common.open_program(ctx) as program, program.session() as session:
        copies = marked_copies(session, program.keys, case_id, partner, artifact)
    diffs = {c.artifact: _diff(c.artifact, partner, c.original, c.marked) for c in copies}
    if out is not None:
        make_owner_folder(out)
        for copy in copies:
            write_owner_only(out / copy.artifact, copy.marked)
    data = {
        "case_id": case_id,
        "partner": partner,
        "copies": [
            {
                "artifact": c.artifact,
                "sha256": hashlib.sha256(c.marked).hexdigest(),
                "tokens": c.tokens,
                "diff": diffs[c.artifact],
            }
            for c in copies
        ],
    }

    def render() -> None:
        for copy in copies:
            digest = hashlib.sha256(copy.marked).hexdigest()[:16]
            common.say(f"{copy.artifact}: {partner}'s copy, sha256 {digest}…")
            sys.stdout.write(diffs[copy.artifact] or "(identical to the original)\n")
        if out is not None:
            common.say(f"wrote {len(copies)} marked copies to {out} (mode 0600)")

    common.emit(ctx, data, render, json_flag=json_out)


def _diff(name: str, partner: str, original: bytes, marked: bytes) -> str:
    """A unified diff like `git diff`'s (bytes that are not UTF-8 are shown replaced)."""
    before = original.decode("utf-8", "replace").splitlines(keepends=True)
    after = marked.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"a/{name}", f"b/{name} ({partner})")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@app.command("release")
def release_(
    ctx: typer.Context,
    case_id: CaseArgument,
    now: common.NowOption = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Marking processes (default: CPU count).")
    ] = None,
    json_out: common.JsonOption = False,
) -> None:
    """Deliver every due wave: one signed, encrypted, marked bundle per partner."""
    from forewarn.program import release

    at = common.now(now)
    quiet = common.wants_json(ctx, json_out)
    with (
        common.open_program(ctx) as program,
        Progress(
            TextColumn("releasing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=common.console,
            disable=quiet or not common.console.is_terminal,  # no stray blank line in a pipe
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("release", total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = release.release_due(
            program.session, program.keys, case_id, now=at, progress=step, workers=workers
        )
    common.emit(ctx, report, lambda: render_release(report, at), json_flag=json_out)


def render_release(report: ReleaseReport, at: datetime) -> None:
    """What was released, then every partner left out and why; nothing due is said plainly."""
    from forewarn.program.waves import LeftOutKind

    common.say(
        f"{report.case_id}: {len(report.released)} released now, {report.already} released "
        f"earlier, {report.later} waiting for a later wave"
    )
    if not report.released:
        due = [o.at for o in report.left_out if o.kind is LeftOutKind.NOT_DUE and o.at]
        if due:
            common.say(f"nothing was due at {_when(at)}; the next wave is due at {_when(min(due))}")
        elif report.left_out:
            common.say(f"nothing was due at {_when(at)}: every partner is left out or released")
        else:
            common.say(f"nothing was due at {_when(at)}: the case has no partner to release to")
    if report.left_out:
        common.table(
            "left out of this release",
            ("partner", "why"),
            [(o.partner, o.reason) for o in report.left_out],
        )


def reschedule(
    ctx: typer.Context,
    case_id: CaseArgument,
    patch_planned: Annotated[
        str, typer.Option("--patch-planned", help="New planned patch date, YYYY-MM-DD.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why, recorded in the audit log.")],
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Move the planned patch date; unreleased waves follow, lost lead time is listed."""
    from forewarn.program import waves

    day = common.date_arg(patch_planned, "--patch-planned")
    with common.open_program(ctx) as program, program.session() as session:
        result = waves.reschedule(
            session, program.keys, case_id, patch_planned=day, reason=reason, now=common.now(now)
        )

    common.emit(ctx, result, lambda: render_reschedule(case_id, result), json_flag=json_out)


def render_reschedule(case_id: str, result: RescheduleResult) -> None:
    """The new plan and who now gets less lead time (released: yes or no)."""
    common.say(f"{case_id}: patch now planned for {result.case.patch_planned.isoformat()}")
    _render_plan(case_id, list(result.waves))
    common.table(
        "partners now getting less lead time",
        ("partner", "before", "after", "already released"),
        [
            (
                c.partner,
                encode(c.before),
                encode(c.after),
                "yes" if c.released else "no",
            )
            for c in result.less_lead_time
        ],
    )
