"""`forewarn bundle …`: fetch (what a partner receives), verify, ack."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forewarn.cli import common
from forewarn.encoding import encode
from forewarn.errors import ValidationError

app = typer.Typer(help="Partner bundles: fetch, verify, acknowledge.", no_args_is_help=True)

AGE_HEADER = b"age-encryption.org/v1"
PartnerOption = Annotated[str, typer.Option("--partner", help="The partner asking.")]


@app.command("fetch")
def fetch(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    partner: PartnerOption,
    out: Annotated[Path, typer.Option("--out", help="Directory to write the bundle into.")],
    release_id: Annotated[
        str | None, typer.Option("--release", help="A specific release id.")
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Write the partner's own encrypted bundle (CASE.bundle.age) once its wave is due."""
    from forewarn.program import release

    with common.open_program(ctx) as program, program.session() as session:
        fetched = release.fetch_bundle(
            session,
            program.keys,
            case_id,
            partner=partner,
            now=common.now(now),
            release_id=release_id,
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{case_id}.bundle.age"
        partial = target.with_suffix(".age.part")
        partial.write_bytes(fetched.sealed)
        partial.replace(target)
    except OSError as exc:
        raise ValidationError(f"cannot write into {out}: {exc.strerror or exc}") from exc
    data = {"release": fetched.release, "file": str(target)}
    common.emit(
        ctx,
        data,
        lambda: common.say(f"wrote {target} ({len(fetched.sealed)} bytes)"),
        json_flag=json_out,
    )


@app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A bundle: decrypted (.bundle) or .bundle.age.")],
    public_key: Annotated[
        str | None, typer.Option("--public-key", help="Program key (hex) to pin.")
    ] = None,
    identity: Annotated[
        Path | None, typer.Option("--identity", "-i", help="age identity file for .age bundles.")
    ] = None,
    json_out: common.JsonOption = False,
) -> None:
    """Check a bundle's signature and every file hash; exit 3 if anything is off."""
    from forewarn.program.bundles import load_public_key, unseal, verify_bundle

    data = common.read_file(file)
    if data.startswith(AGE_HEADER):
        if identity is None:
            raise ValidationError(f"{file} is encrypted", hint="pass --identity KEYFILE")
        keys = [
            line
            for line in common.read_file(identity).decode().splitlines()
            if line.startswith("AGE-SECRET-KEY-")
        ]
        data = unseal(data, keys[0] if keys else "")
    pinned = None if public_key is None else load_public_key(public_key)
    verified = verify_bundle(data, pinned)
    result = {
        "release": verified.release,
        "public_key": verified.public_key,
        "pinned": pinned is not None,
        "files": sorted(verified.contents),
    }

    def render() -> None:
        r = verified.release
        common.say(f"bundle OK: {r.case_id} for {r.partner}, release {r.id}")
        common.say(f"embargo ends {encode(r.embargo_end)}; signed by {verified.public_key}")
        if pinned is None:
            common.say("key not pinned: compare it with the program's published key (--public-key)")

    common.emit(ctx, result, render, json_flag=json_out)


@app.command("ack")
def ack(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    partner: PartnerOption,
    note: Annotated[str, typer.Option("--note", help="Free text from the partner.")] = "",
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Record the partner's acknowledgement of its bundle."""
    from forewarn.program import release

    with common.open_program(ctx) as program, program.session() as session:
        acked = release.ack_bundle(
            session, program.keys, case_id, partner=partner, now=common.now(now), note=note
        )
    common.emit(
        ctx,
        acked,
        lambda: common.say(f"{partner} acknowledged release {acked.id}"),
        json_flag=json_out,
    )
