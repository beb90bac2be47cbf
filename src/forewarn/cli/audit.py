"""`forewarn audit …`: verify the log, prove a release, check a proof with the public key."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forewarn.cli import common
from forewarn.encoding import decode_json, dumps
from forewarn.errors import IntegrityError, ValidationError

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def _print_json(document: object) -> None:
    sys.stdout.write(dumps(document) + "\n")


@app.command("verify")
def verify(
    ctx: typer.Context,
    regenerate: Annotated[
        bool, typer.Option("--regenerate", help="Also re-mark every delivered copy and compare.")
    ] = False,
    witness: Annotated[
        bool,
        typer.Option(
            "--witness",
            help="Require the witness outside the database (checked whenever it exists), and "
            "that a witness command is read back.",
        ),
    ] = False,
    witness_from: Annotated[
        list[Path] | None,
        typer.Option(
            "--witness-from",
            help="Also check the log against a copy of a witness's checkpoints (JSON lines, "
            "or a JSON checkpoint or list), e.g. fetched from a cosigner (repeatable).",
        ),
    ] = None,
    json_out: common.JsonOption = False,
) -> None:
    """Recompute every leaf, root and signature; exit 3 on any change, removal or insertion.

    The witness file (beside the key file, or `FOREWARN_WITNESS_FILE`) catches what the
    database alone cannot: leaves removed from the end, or an older copy restored; so does a
    witness folder (`FOREWARN_WITNESS_DIR`), an external witness read back by
    `FOREWARN_WITNESS_READ_COMMAND`, and every `--witness-from` copy.
    """
    from forewarn.program import audit_verify as audit
    from forewarn.program.regenerate import check_release
    from forewarn.store.release_repo import ReleaseRepository

    settings = common.settings(ctx)
    unread = bool(settings.witness_command) and not settings.witness_read_command
    if witness and unread and not witness_from:
        raise ValidationError(
            "the witness command's checkpoints are not read back",
            hint="set FOREWARN_WITNESS_READ_COMMAND, or pass --witness-from with a copy "
            "fetched from the witness",
        )
    with common.open_program(ctx) as program, program.session() as session:
        if witness and not program.witness.path.exists():
            raise IntegrityError(
                f"no audit witness at {program.witness.path}",
                hint="start one with `forewarn audit witness-start` (it trusts the log as it is)",
            )
        try:
            report = audit.verify_program_log(
                session,
                program.keys.signing_key.public_key(),
                program.witness,
                settings,
                copies=tuple(witness_from or ()),
            )
        except audit.StateMismatchError as exc:
            _differences(ctx, exc.report, json_out)
            raise
        if regenerate:
            for stored in ReleaseRepository(session).all_complete():
                check_release(session, program.keys, stored.id)

    def render() -> None:
        common.say(
            f"audit log OK ({report.mode} program): {report.leaves} leaves, "
            f"{report.checkpoints} signed checkpoints, {report.releases} releases matched, "
            f"root {report.root}"
        )
        if report.genesis is None:
            common.warn(
                "no genesis leaf: the state is not compared with the log "
                "(run `forewarn program migrate`)"
            )
        else:
            common.say(f"state OK: the database matches the log from genesis leaf {report.genesis}")
        for witnessed in (report.witness, *report.external):
            if witnessed is not None:
                common.say(
                    f"witness OK: {witnessed.checkpoints} checkpoints in {witnessed.path}, up to "
                    f"{witnessed.witnessed_size} of {witnessed.log_size} leaves"
                )
        if unread and not witness_from:
            common.warn(
                "the witness command is not read back: set FOREWARN_WITNESS_READ_COMMAND "
                "or pass --witness-from"
            )
        if report.witness is None:
            common.warn(
                "no audit witness: leaves removed from the log's end would not show "
                "(`forewarn audit witness-start`)"
            )
        if report.mode == "replay":
            common.warn("this program is a replay of past history: its leaves say so")
        for warning in report.warnings:
            common.warn(warning)

    common.emit(ctx, report, render, json_flag=json_out)


def _differences(ctx: typer.Context, report: object, json_out: bool) -> None:
    """Before the error line: the differing rows, all of them (JSON on stdout with --json)."""
    from forewarn.program.audit_verify import AuditReport

    assert isinstance(report, AuditReport)
    if common.wants_json(ctx, json_out):
        _print_json(report)
        return
    for difference in report.differences:
        common.say(f"differs: {difference.describe()}")


@app.command("witness-start")
def witness_start(ctx: typer.Context, json_out: common.JsonOption = False) -> None:
    """Start the witness of a log that has none, trusting the log as it verifies now."""
    from forewarn.program import audit_verify as audit

    with common.open_program(ctx) as program, program.session() as session:
        size = audit.start_witness(session, program.keys.signing_key.public_key(), program.witness)
    data = {"witness": str(program.witness.path), "leaves": size}
    common.emit(
        ctx,
        data,
        lambda: common.say(f"witness started at {program.witness.path}: {size} leaves"),
        json_flag=json_out,
    )


@app.command("prove")
def prove(
    ctx: typer.Context,
    release_id: Annotated[str, typer.Argument(help="Release id.")],
    json_out: common.JsonOption = False,  # accepted: the proof is always JSON
) -> None:
    """Print an inclusion proof (JSON) for a release, checkable with the public key alone."""
    from forewarn.program import audit_proofs as audit

    with common.open_program(ctx) as program, program.session() as session:
        document = audit.prove_release(session, release_id, program.keys)
    _print_json(document)


@app.command("consistency")
def consistency(
    ctx: typer.Context,
    first: Annotated[int, typer.Argument(help="Size of the earlier signed checkpoint.")],
    second: Annotated[
        int | None, typer.Option("--second", help="Size of the later one (default: newest).")
    ] = None,
    json_out: common.JsonOption = False,  # accepted: the proof is always JSON
) -> None:
    """Print a consistency proof (JSON) between two signed checkpoints."""
    from forewarn.program import audit_proofs as audit

    with common.open_program(ctx) as program, program.session() as session:
        document = audit.prove_consistency(session, first, program.keys, second)
    _print_json(document)


@app.command("public-key")
def public_key(ctx: typer.Context, json_out: common.JsonOption = False) -> None:
    """Print the program's public key (hex), to publish for partners and auditors;
    `{"public_key"}` with `--json`, the shape `GET /api/v1/program` gives it in."""
    from forewarn.program.bundles import public_key_hex

    with common.open_program(ctx) as program:
        key = public_key_hex(program.keys.signing_key.public_key())
    common.emit(ctx, {"public_key": key}, lambda: typer.echo(key), json_flag=json_out)


@app.command("verify-proof")
def verify_proof(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Proof document from `audit prove`.")],
    public_key: Annotated[str, typer.Option("--public-key", help="Program public key (hex).")],
    json_out: common.JsonOption = False,
) -> None:
    """Check a proof offline, with no database: only the document and the public key."""
    from forewarn.program import audit_proofs as audit

    key = common.public_key_arg(public_key)
    try:
        document = decode_json(common.read_file(file))
    except ValueError:
        raise IntegrityError(f"{file} is not a proof document (JSON)") from None
    if not isinstance(document, dict):
        raise IntegrityError(f"{file} is not a proof document")
    what = audit.verify_proof_document(document, key)
    common.emit(
        ctx,
        {"valid": True, "proves": what},
        lambda: common.say(f"proof OK: {what}"),
        json_flag=json_out,
    )


@app.command("checkpoint")
def checkpoint(
    ctx: typer.Context,
    json_out: common.JsonOption = False,  # accepted: the checkpoint is always JSON
) -> None:
    """Print the log's newest signed checkpoint (JSON), as partners get it with bundles."""
    from forewarn.program.audit_proofs import newest_checkpoint

    with common.open_program(ctx) as program, program.session() as session:
        document = newest_checkpoint(session)
    _print_json(document)


@app.command("prove-rollback")
def prove_rollback(
    ctx: typer.Context,
    held: Annotated[
        Path, typer.Argument(help="The checkpoint you hold (`bundle verify --save-checkpoint`).")
    ],
    against: Annotated[
        Path,
        typer.Option(
            "--against",
            help="The program's newer checkpoint or its `audit consistency N` proof (JSON).",
        ),
    ],
    public_key: Annotated[str, typer.Option("--public-key", help="Program public key (hex).")],
    json_out: common.JsonOption = False,
) -> None:
    """Check, offline, that the program's log still extends a checkpoint you hold.

    Exit 0 when it does; exit 3 when the program signed a smaller log (a rollback) or another
    log of the same size (a fork) — both signatures are the program's, so anyone can check.
    """
    from forewarn.program.rollback import check_rollback, read_checkpoint

    key = common.public_key_arg(public_key)
    documents = []
    for path in (held, against):
        try:
            documents.append(decode_json(common.read_file(path)))
        except ValueError:
            raise IntegrityError(f"{path} is not JSON") from None
    newer = documents[1]
    if not isinstance(newer, dict):
        raise IntegrityError(f"{against} is not a checkpoint or a consistency proof")
    found = check_rollback(read_checkpoint(documents[0], str(held)), newer, key)
    common.emit(ctx, found, lambda: common.say(f"no rollback: {found.proves}"), json_flag=json_out)
