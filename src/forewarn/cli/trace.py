"""`forewarn trace` and `forewarn hunt`: is this material ours, from which case, whose copy?

`trace` reads files, directories and archives (never executing them) in this process, with a
progress bar on stderr when there are many; `hunt` runs a retro-hunt over a corpus on an
engine (local processes, or Dask). Both print one record per item found: the shapes of docs/json.md
with `--json`, a Rich table otherwise. Finding nothing is empty lists and exit code 0.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from forewarn.cli import common
from forewarn.domain.evidence import lead_statement, tie_statement, top_suspects
from forewarn.encoding import dumps
from forewarn.errors import ValidationError

if TYPE_CHECKING:
    from forewarn.hunt import Engine, Examined, Hunt, TraceResult

PROGRESS_FROM = 8
"""Inputs from which `trace` shows a progress bar on stderr."""

PathsArgument = Annotated[
    list[Path],
    typer.Argument(
        help="Files, directories or archives (zip, tar, gzip, bz2, xz; nested) to examine."
    ),
]
CaseOption = Annotated[
    str | None, typer.Option("--case", help="Look only for this case (default: every case).")
]


class EngineName(enum.StrEnum):
    """Where `forewarn hunt` runs."""

    LOCAL = "local"
    DASK = "dask"


def _check_paths(paths: Sequence[Path]) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise ValidationError(
            f"no such file or directory: {', '.join(missing)}", hint="check the paths given"
        )


def _build(ctx: typer.Context, case_id: str | None) -> Hunt:
    """The program's hunt (every case, or one), built from the store."""
    from forewarn.investigate.program_hunt import program_hunt

    with common.open_program(ctx) as program, program.session() as session:
        return program_hunt(session, program.keys, case_id=case_id)


def _traced(hunt: Hunt, files: Sequence[str]) -> Iterator[TraceResult]:
    """Each file's items, with a progress bar on stderr when there are many files."""
    if len(files) < PROGRESS_FROM:
        yield from hunt.conclude_all(e for path in files for e in hunt.examine_path(path))
        return
    columns = (
        TextColumn("tracing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    err = Console(stderr=True)
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("tracing", total=len(files))

        def examined() -> Iterator[Examined]:
            for path in files:
                yield from hunt.examine_path(path)
                progress.advance(task)

        results = list(hunt.conclude_all(examined()))
    yield from results


def _similarity(result: TraceResult) -> str:
    return "\n".join(f"{m.case}/{m.artifact} {m.similarity:.2f}" for m in result.matches)


def _tokens(result: TraceResult) -> str:
    per_partner: dict[str, int] = {}
    for token in result.tokens:
        per_partner[token.partner] = per_partner.get(token.partner, 0) + 1
    return "\n".join(f"{partner} ({n} canaries)" for partner, n in per_partner.items())


def _whose(result: TraceResult) -> str:
    accused = [
        f"{s.partner} (combined score {s.combined_score:.1f} by {s.decided_by}, "
        f"P(innocent) ≤ {s.false_accusation_bound:.1e} {s.bound_kind})"
        for s in result.suspects
        if s.accused
    ]
    leads = [f"{s.partner}? (lead: tracking tokens only)" for s in result.suspects if s.lead]
    top = top_suspects(result.suspects)
    if accused or leads or not top:
        return "\n".join(accused + leads)
    if len(top) > 1:
        return tie_statement(len(top), top[0].score)
    return f"{top[0].partner}? (score {top[0].score:.1f}, too little to accuse)"


def render(results: Sequence[TraceResult]) -> None:
    """One row per item for a person; refused items say why."""
    rows = [
        (
            r.path,
            r.kind,
            _similarity(r),
            _tokens(r),
            _whose(r),
            r.error or "; ".join(r.notes),
        )
        for r in results
    ]
    common.table(
        "trace",
        ("item", "kind", "derives from", "canaries of", "whose copy", "notes"),
        rows,
    )
    for r in results:
        for s in r.suspects:
            if s.lead:
                common.say(f"{r.path}: {lead_statement(s.partner)}")
    found = sum(1 for r in results if r.matches or r.tokens or any(s.accused for s in r.suspects))
    common.say(f"{found} of {len(results)} item(s) carry the program's material")


def _print(ctx: typer.Context, results: Sequence[TraceResult], json_out: bool) -> None:
    if common.wants_json(ctx, json_out):
        sys.stdout.write(dumps(results) + "\n")
        return
    render(results)


def trace(
    ctx: typer.Context,
    paths: PathsArgument,
    case_id: CaseOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Which case and artifact each item derives from, which canaries it carries, whose copy."""
    from forewarn.hunt import expand

    _check_paths(paths)
    hunt = _build(ctx, case_id)
    results = list(_traced(hunt, expand(paths)))
    _print(ctx, results, json_out)


def _engine(
    ctx: typer.Context,
    name: EngineName,
    scheduler: str | None,
    workers: int | None,
    tls: list[Path | None],
) -> Engine:
    from forewarn.hunt import DaskEngine, LocalEngine
    from forewarn.hunt.engines.dask import TlsFiles

    if name is EngineName.LOCAL:
        if scheduler is not None or any(tls):
            raise ValidationError(
                "--scheduler and --tls-* need --engine dask",
                hint="add `--engine dask` or drop them",
            )
        return LocalEngine(workers)
    ca_file, cert, key = tls
    if any(tls) and not all(tls):
        raise ValidationError(
            "--tls-ca-file, --tls-cert and --tls-key go together", hint="give all three"
        )
    files = TlsFiles(ca_file, cert, key) if ca_file and cert and key else None
    quiet_dask(common.settings(ctx).log_level)
    return DaskEngine(scheduler, workers=workers or 2, tls=files)


def quiet_dask(level: str) -> None:
    """Give `distributed` the level of `FOREWARN_LOGLEVEL` (WARNING by default): it would print
    dozens of INFO lines per run. Set before `distributed` is imported, which reads it then."""
    import dask

    dask.config.set({"logging.distributed": level.lower()})


def hunt(
    ctx: typer.Context,
    paths: PathsArgument,
    case_id: CaseOption = None,
    engine: Annotated[
        EngineName,
        typer.Option("--engine", help="local: processes on this machine; dask: a Dask cluster."),
    ] = EngineName.LOCAL,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Dask scheduler: tls://host:8786 (tcp:// only on this machine); "
            "without it a local cluster is started.",
        ),
    ] = None,
    tls_ca_file: Annotated[
        Path | None,
        typer.Option("--tls-ca-file", exists=True, dir_okay=False, help="CA of the cluster (PEM)."),
    ] = None,
    tls_cert: Annotated[
        Path | None,
        typer.Option("--tls-cert", exists=True, dir_okay=False, help="This client's certificate."),
    ] = None,
    tls_key: Annotated[
        Path | None,
        typer.Option("--tls-key", exists=True, dir_okay=False, help="This client's private key."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Local processes, or local Dask workers (default: cores; 2 for Dask).",
        ),
    ] = None,
    json_out: common.JsonOption = False,
) -> None:
    """Retro-hunt over a corpus: the same results as `trace`, spread over an engine."""
    from forewarn.hunt import hunt_corpus

    _check_paths(paths)
    runner = _engine(ctx, engine, scheduler, workers, [tls_ca_file, tls_cert, tls_key])
    results = list(hunt_corpus(paths, _build(ctx, case_id), runner))
    _print(ctx, results, json_out)


__all__ = ["EngineName", "hunt", "quiet_dask", "render", "trace"]
