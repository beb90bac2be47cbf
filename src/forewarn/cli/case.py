"""`forewarn case …`: create, list, show, add-artifact, rules, event, publish, import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forewarn.cli import common
from forewarn.domain import Artifact, ArtifactKind, Case, Event, EventKind
from forewarn.domain.rules import RuleLanguage
from forewarn.domain.validation import format_time_point, parse_time_point

app = typer.Typer(help="Vulnerability cases, their artifacts and timelines.", no_args_is_help=True)

CaseId = Annotated[str, typer.Argument(help="Case id, e.g. FW-2021-0001.")]


@app.command("create")
def create(
    ctx: typer.Context,
    case_id: CaseId,
    title: Annotated[str, typer.Option("--title", help="One-line summary.")],
    product: Annotated[str, typer.Option("--product", help="Affected product.")],
    reported: Annotated[str, typer.Option("--reported", help="Report date, YYYY-MM-DD.")],
    patch_planned: Annotated[
        str, typer.Option("--patch-planned", help="Planned patch date, YYYY-MM-DD.")
    ],
    cve: Annotated[list[str] | None, typer.Option("--cve", help="CVE id (repeatable).")] = None,
    cvss: Annotated[str | None, typer.Option("--cvss", help="CVSS v3.1 or v4.0 vector.")] = None,
    finder: Annotated[str, typer.Option("--finder", help="Who reported it.")] = "",
    related: Annotated[
        str | None,
        typer.Option("--related", help="Id of the case this one follows from (e.g. a bypass)."),
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Open an embargoed case, linked to an earlier one with --related."""
    from forewarn.program import cases

    reported_date = common.date_arg(reported, "--reported")
    planned_date = common.date_arg(patch_planned, "--patch-planned")
    with common.open_program(ctx) as program, program.session() as session:
        case = cases.create_case(
            session,
            program.keys,
            now=common.now(now),
            case_id=case_id,
            title=title,
            product=product,
            reported=reported_date,
            patch_planned=planned_date,
            cves=cve or (),
            cvss=cvss,
            finder=finder,
            related=related,
        )
    linked = f", related to {case.related}" if case.related else ""
    common.emit(
        ctx, case, lambda: common.say(f"created case {case.id}{linked}"), json_flag=json_out
    )


@app.command("list")
def list_(ctx: typer.Context, json_out: common.JsonOption = False) -> None:
    """List cases."""
    from forewarn.program import cases

    with common.open_program(ctx) as program, program.session() as session:
        found = cases.list_cases(session)
    common.emit(
        ctx,
        found,
        lambda: common.table(
            "cases",
            ("id", "title", "CVEs", "CVSS", "patch planned", "status"),
            [
                (
                    c.id,
                    c.title,
                    " ".join(c.cves),
                    c.cvss.base_score if c.cvss else "",
                    c.patch_planned,
                    c.status.value,
                )
                for c in found
            ],
        ),
        json_flag=json_out,
    )


def _render_case(case: Case, files: list[Artifact], events: list[Event]) -> None:
    cvss = case.cvss
    common.fields(
        f"{case.id}: {case.title}",
        [
            ("product", case.product),
            ("CVEs", " ".join(case.cves) or "(none)"),
            ("CVSS", f"{cvss.base_score} {cvss.severity} ({cvss.vector})" if cvss else "(none)"),
            ("finder", case.finder or "(unknown)"),
            ("reported", case.reported),
            ("patch planned", case.patch_planned),
            (
                "patch actual",
                format_time_point(case.patch_actual) if case.patch_actual else "(not yet)",
            ),
            ("status", case.status.value),
            ("related to", case.related or "(none)"),
        ],
    )
    common.table(
        "artifacts",
        ("name", "kind", "min tier", "size", "sha256"),
        [(a.name, a.kind.value, a.min_tier, a.size, a.sha256[:16]) for a in files],
    )
    common.table(
        "timeline",
        ("at", "kind", "note", "source"),
        [(format_time_point(e.at), e.kind.value, e.note, e.source) for e in events],
    )


@app.command("show")
def show(ctx: typer.Context, case_id: CaseId, json_out: common.JsonOption = False) -> None:
    """Show a case with its artifacts and timeline."""
    from forewarn.program import artifacts, cases, timeline

    with common.open_program(ctx) as program, program.session() as session:
        case = cases.get_case(session, case_id)
        files = artifacts.list_artifacts(session, case_id)
        events = timeline.list_events(session, case_id)
    data = {"case": case, "artifacts": files, "events": events}
    common.emit(ctx, data, lambda: _render_case(case, files, events), json_flag=json_out)


@app.command("add-artifact")
def add_artifact(
    ctx: typer.Context,
    case_id: CaseId,
    file: Annotated[Path, typer.Argument(help="File to add; stored encrypted.")],
    kind: Annotated[ArtifactKind, typer.Option("--kind", help="What the file is.")],
    min_tier: Annotated[
        str | None,
        typer.Option("--min-tier", help="Lowest tier to receive it (default: lowest allowed)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Artifact name (default: the file name).")
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Add a file to a case, encrypted at rest; say what its marks buy at this program's size.

    The addition is logged; after a wave went out it is announced to partners by `mail send`."""
    from forewarn.cli import capacity as wording
    from forewarn.encoding import encode
    from forewarn.program import artifacts
    from forewarn.program.artifact_files import refuse_private
    from forewarn.program.capacity import case_capacity

    with common.open_program(ctx) as program, program.session() as session:
        refuse_private(file, program.private_files())
        content = common.read_file(file)
        artifact = artifacts.add_artifact(
            session,
            program.keys,
            case_id=case_id,
            name=name or file.name,
            content=content,
            kind=kind,
            min_tier=min_tier,
            now=common.now(now),
        )
        found = case_capacity(session, program.keys, case_id, [artifact.name])
    record = encode(artifact)
    assert isinstance(record, dict)
    record["capacity"] = wording.to_json(found)

    def render() -> None:
        common.say(
            f"added {artifact.kind.value} {artifact.name!r} to {case_id} "
            f"({artifact.size} bytes, sha256 {artifact.sha256[:16]}…, min tier {artifact.min_tier})"
        )
        wording.render(found)

    common.emit(ctx, record, render, json_flag=json_out)


@app.command("event")
def event(
    ctx: typer.Context,
    case_id: CaseId,
    at: Annotated[
        str, typer.Option("--at", help="YYYY-MM, YYYY-MM-DD or an ISO 8601 instant with zone.")
    ],
    kind: Annotated[EventKind, typer.Option("--kind", help="What happened.")],
    note: Annotated[str, typer.Option("--note", help="What was seen.")] = "",
    source: Annotated[str, typer.Option("--source", help="Where the fact comes from.")] = "",
    json_out: common.JsonOption = False,
) -> None:
    """Record a timeline event with its time precision."""
    from forewarn.program import timeline

    point = parse_time_point(at)
    with common.open_program(ctx) as program, program.session() as session:
        recorded = timeline.add_event(
            session, case_id=case_id, at=point, kind=kind, note=note, source=source
        )
    common.emit(
        ctx,
        recorded,
        lambda: common.say(
            f"recorded {recorded.kind.value} at {format_time_point(recorded.at)} on {case_id}"
        ),
        json_flag=json_out,
    )


@app.command("publish")
def publish(
    ctx: typer.Context,
    case_id: CaseId,
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="When the patch went public: YYYY-MM-DD, or an ISO 8601 instant with zone.",
        ),
    ],
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Record the actual public release of the patch (an audit leaf); the case is published."""
    from forewarn.program import cases

    point = parse_time_point(at)
    with common.open_program(ctx) as program, program.session() as session:
        published = cases.publish_case(
            session, program.keys, case_id, at=point, now=common.now(now)
        )
    common.emit(
        ctx,
        published,
        lambda: common.say(
            f"{published.id} published: patch released {format_time_point(point)} "
            f"(planned {published.patch_planned})"
        ),
        json_flag=json_out,
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSAF 2.0 advisory or a CVE JSON 5 record.")],
    case_id: Annotated[
        str | None,
        typer.Option("--case", help="Case to create or update (default: the id the file names)."),
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Create or update a case from a CSAF 2.0 advisory or a CVE JSON 5 record (told by content)."""
    from forewarn.program.case_import import import_document

    content = common.read_file(file)
    with common.open_program(ctx) as program, program.session() as session:
        done = import_document(session, program.keys, content, now=common.now(now), case_id=case_id)

    def render() -> None:
        verb = "created" if done.created else "updated"
        common.say(f"{verb} case {done.case.id} from {done.format} {file}")
        for note in done.notes:
            common.say(f"note: {note}")

    common.emit(ctx, done, render, json_flag=json_out)


@app.command("rules")
def rules(
    ctx: typer.Context,
    case_id: CaseId,
    language: Annotated[
        list[RuleLanguage] | None,
        typer.Option("--format", help="Rule language (repeatable; default: both)."),
    ] = None,
    min_tier: Annotated[
        str | None,
        typer.Option("--min-tier", help="Lowest tier to receive them (default: lowest allowed)."),
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Write detection rules from the case's PoCs and store them as `rules` artifacts."""
    from forewarn.cli import capacity as wording
    from forewarn.encoding import encode
    from forewarn.program.capacity import case_capacity
    from forewarn.program.rules import generate_rules

    at = common.now(now)
    with common.open_program(ctx) as program, program.session() as session:
        stored = generate_rules(
            session,
            program.keys,
            case_id,
            now=at,
            languages=language or tuple(RuleLanguage),
            min_tier=min_tier,
        )
        found = case_capacity(session, program.keys, case_id, [a.name for a in stored])
    record = {"artifacts": encode(stored), "capacity": wording.to_json(found)}

    def render() -> None:
        for artifact in stored:
            common.say(
                f"wrote {artifact.name!r} for {case_id} ({artifact.size} bytes, "
                f"min tier {artifact.min_tier})"
            )
        wording.render(found)

    common.emit(ctx, record, render, json_flag=json_out)
