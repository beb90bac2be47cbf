"""`forewarn init`: create the program, its schema, default tiers and key file."""

from __future__ import annotations

from typing import Annotated

import typer

from forewarn.cli import common

DEFAULT_NAME = "Pre-disclosure Partner Program"
"""`program.service.DEFAULT_PROGRAM_NAME`, spelled out so `--help` need not import the store
(`tests/cli/test_startup.py` checks the two agree)."""


def init(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="Program name.")] = DEFAULT_NAME,
    replay: Annotated[
        bool,
        typer.Option(
            "--replay",
            help="A replay of past history: --now may go back, and every audit leaf says so.",
        ),
    ] = False,
    domains: Annotated[
        list[str] | None,
        typer.Option(
            "--token-domain",
            "--canary-domain",
            help="A domain the program controls; copies carry tracking host names and URLs "
            "under it (repeat for several). Without one, copies carry no host tokens. "
            "(--canary-domain is the older spelling.)",
        ),
    ] = None,
    now: common.NowOption = None,
    json_out: common.JsonOption = False,
) -> None:
    """Create a program: database schema, default tiers and a 0600 key file outside the DB.

    A program is live (its audit log never goes back in time) unless made with --replay."""
    from forewarn.program.service import init_program
    from forewarn.store.database import display_url

    settings = common.settings(ctx)
    result = init_program(
        settings, now=common.now(now), name=name, replay=replay, domains=tuple(domains or ())
    )
    data = {
        "program": result.info.name,
        "database": display_url(settings.database_url),
        "key_file": str(settings.key_file),
        "key_created": result.key_created,
        "key_fingerprint": result.info.key_fingerprint,
        "mode": "replay" if replay else "live",
        "canary_domains": list(result.info.domains),
    }

    def render() -> None:
        verb = "created" if result.key_created else "reused"
        common.say(f"initialised {result.info.name!r} ({data['mode']}) in {data['database']}")
        common.say(f"key file {verb}: {settings.key_file} (fingerprint {data['key_fingerprint']})")
        common.say("keep the key file safe: it cannot be recovered from the database")
        if result.info.domains:
            common.say(f"host tokens under: {', '.join(result.info.domains)}")
        else:
            common.say(
                "no --token-domain given: copies carry no host or URL tokens "
                "(credential and id tokens only)"
            )

    common.emit(ctx, data, render, json_flag=json_out)
