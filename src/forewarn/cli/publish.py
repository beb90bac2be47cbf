"""`forewarn publish ID --format F --out DIR [--partner NAME]`: a case in a standards format.

Thin. Documents (csaf, cve, stix, misp) come from the table of `forewarn.exchange.formats` (a new
format is a module and a row there); `forewarn.program.publish` builds the vendor's view or a
partner's marked view. Detection rules (yara, suricata) are artifacts of the case:
`forewarn.program.rules.published_rules` gives the stored original, or a partner's marked copy
regenerated exactly as delivered. Files holding embargoed material are written mode 0600; their
content is never printed or logged, only their paths.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from forewarn.cli import common
from forewarn.domain.rules import RuleLanguage
from forewarn.errors import ValidationError


def publish(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id, e.g. FW-2021-0001.")],
    format_name: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="csaf, cve, stix, misp (documents) or yara, suricata (detection rules).",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")],
    partner: Annotated[
        str | None,
        typer.Option("--partner", help="A partner's marked view (its release must be delivered)."),
    ] = None,
    publisher_url: Annotated[
        str | None,
        typer.Option("--publisher-url", help="Publisher URL (default: FOREWARN_PUBLISHER_URL)."),
    ] = None,
    cna_org_id: Annotated[
        str | None,
        typer.Option(
            "--cna-org-id",
            help="CNA organisation UUID for CVE records (default: FOREWARN_CNA_ORG_ID).",
        ),
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Write a case as CSAF 2.0, CVE JSON 5, STIX 2.1, MISP, YARA or Suricata; print the paths."""
    from forewarn.exchange.formats import EXPORTERS
    from forewarn.program.publish import make_publisher
    from forewarn.program.publish import publish as publish_case

    known = [*EXPORTERS, *(language.value for language in RuleLanguage)]
    if format_name not in known:
        raise ValidationError(
            f"unknown format {format_name!r}", hint=f"known formats: {', '.join(known)}"
        )
    _check_folder(out)
    at = common.now(now)
    if format_name in set(RuleLanguage):
        _publish_rules(ctx, case_id, RuleLanguage(format_name), out, partner, at, json_out)
        return
    config = common.settings(ctx)
    with common.open_program(ctx) as program, program.session() as session:
        publisher = make_publisher(
            program.info.name,
            publisher_url or config.publisher_url,
            cna_org_id or config.cna_org_id,
        )
        made = publish_case(
            session,
            program.keys,
            case_id,
            format_name=format_name,
            publisher=publisher,
            now=at,
            partner=partner,
        )
    _make_folder(out)
    written = []
    for file in made.files:
        path = out / file.name
        common.write_file(path, file.content, private=made.embargoed)
        written.append(path)

    def render() -> None:
        for path in written:
            common.say(str(path))

    common.emit(ctx, {"files": written}, render, json_flag=json_out)


def _check_folder(out: Path) -> None:
    """Refuse an `--out` that names something other than a folder, before anything is built."""
    if out.exists() and not out.is_dir():
        raise ValidationError(
            f"--out {out} is not a folder", hint="name a folder; it is created if missing"
        )


def _make_folder(out: Path) -> None:
    """Create the `--out` folder, or one `ValidationError` saying why it cannot be."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"cannot create {out}: {exc.strerror or exc}") from exc


def _publish_rules(
    ctx: typer.Context,
    case_id: str,
    language: RuleLanguage,
    out: Path,
    partner: str | None,
    at: datetime,
    json_out: bool,
) -> None:
    from forewarn.domain import CaseStatus
    from forewarn.program.cases import get_case
    from forewarn.program.rules import published_rules

    with common.open_program(ctx) as program, program.session() as session:
        embargoed = get_case(session, case_id).status is CaseStatus.EMBARGOED
        files = published_rules(session, program.keys, case_id, language, now=at, partner=partner)
    _make_folder(out)
    written = []
    for item in files:
        path = out / item.name
        common.write_file(path, item.content, private=embargoed)
        written.append({"path": str(path), "partner": item.partner, "stored": item.stored})

    def render() -> None:
        for entry in written:
            whose = f" ({entry['partner']}'s marked copy)" if entry["partner"] else ""
            common.say(f"wrote {entry['path']}{whose}")

    record = {"case": case_id, "format": language.value, "files": written}
    common.emit(ctx, record, render, json_flag=json_out)


__all__ = ["publish"]
