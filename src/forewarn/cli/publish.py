"""`forewarn publish ID --format yara|suricata --out DIR [--partner NAME]`: rule files out.

Without `--partner`: the case's rules as stored (the unmarked original), or written on the spot
from its PoCs when none is stored. With `--partner`: that partner's marked copy, regenerated
exactly as delivered and checked against the release record. Embargoed material is written 0600.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from forewarn.cli import common
from forewarn.domain.rules import RuleLanguage
from forewarn.errors import ValidationError


def publish(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id, e.g. FW-2021-0001.")],
    language: Annotated[RuleLanguage, typer.Option("--format", help="What to publish.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write into (created).")],
    partner: Annotated[
        str | None, typer.Option("--partner", help="Write this partner's marked copy.")
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Write a case's detection rules in a standard format."""
    from forewarn.domain import CaseStatus
    from forewarn.program.cases import get_case
    from forewarn.program.rules import published_rules

    at = common.now(now)
    with common.open_program(ctx) as program, program.session() as session:
        embargoed = get_case(session, case_id).status is CaseStatus.EMBARGOED
        files = published_rules(session, program.keys, case_id, language, now=at, partner=partner)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"cannot create {out}: {exc.strerror or exc}") from exc
    written = []
    for item in files:
        path = out / item.name
        mode = 0o600 if embargoed else 0o644
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(fd, "wb") as handle:
                handle.write(item.content)
            os.chmod(path, mode)
        except OSError as exc:
            raise ValidationError(f"cannot write {path}: {exc.strerror or exc}") from exc
        written.append({"path": str(path), "partner": item.partner, "stored": item.stored})

    def render() -> None:
        for entry in written:
            whose = f" ({entry['partner']}'s marked copy)" if entry["partner"] else ""
            common.say(f"wrote {entry['path']}{whose}")

    record = {"case": case_id, "format": language.value, "files": written}
    common.emit(ctx, record, render, json_flag=json_out)
