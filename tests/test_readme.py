"""The README a newcomer follows: its tour uses real commands and options, replays time with
`--now` wherever a command records a time, and no document links outside the repository."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main

from forewarn.cli.app import app

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
GLOBAL_WITH_VALUE = {"--db", "--key-file"}
SEPARATORS = {"|", "&&", ">", ";"}


def tour_commands(heading: str = "## A short tour") -> list[list[str]]:
    """Every `forewarn …` invocation in the first block under `heading`, as argument lists."""
    text = README.read_text(encoding="utf-8").split(heading, 1)[1]
    block = text.split("```", 2)[1]
    joined = re.sub(r"\\\n\s*", " ", block)
    found: list[list[str]] = []
    for line in joined.splitlines():
        segment: list[str] = []
        for token in [*shlex.split(line.replace("$(", "").replace(")", ""), comments=True), "|"]:
            if token in SEPARATORS:
                if segment[:1] == ["forewarn"]:
                    found.append(segment[1:])
                segment = []
            else:
                segment.append(token)
    return found


def _resolve(argv: list[str]) -> tuple[Any, list[str]]:
    """The command an argument list runs, and the options it passes to it (Typer's own click)."""
    command: Any = typer.main.get_command(app)
    rest = list(argv)
    while rest and rest[0].startswith("--"):  # global options go before the command
        rest = rest[2:] if rest[0] in GLOBAL_WITH_VALUE else rest[1:]
    while hasattr(command, "commands") and rest and rest[0] in command.commands:
        command = command.commands[rest.pop(0)]
    assert not hasattr(command, "commands"), f"no command in {argv}"
    return command, [t.split("=", 1)[0] for t in rest if t.startswith("-") and t != "-"]


def _options(command: Any) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}


TOUR = tour_commands()
PUBLISH = tour_commands("## Publish")


def test_the_tour_is_found() -> None:
    assert len(TOUR) > 25
    assert {argv[0] for argv in TOUR} >= {"init", "partner", "case", "wave", "bundle", "trace"}


def test_the_publish_section_shows_every_format_and_the_way_back() -> None:
    formats = {argv[argv.index("--format") + 1] for argv in PUBLISH if "--format" in argv}
    assert formats == {"csaf", "cve", "stix", "misp"}
    assert {" ".join(argv[:2]) for argv in PUBLISH} >= {"case import", "publish FW-2021-0001"}


@pytest.mark.parametrize("argv", TOUR + PUBLISH, ids=[" ".join(a[:3]) for a in TOUR + PUBLISH])
def test_every_tour_option_exists_and_time_is_replayed(argv: list[str]) -> None:
    command, used = _resolve(argv)
    assert set(used) <= _options(command), f"unknown options {set(used) - _options(command)}"
    if "--now" in _options(command):
        assert "--now" in used, f"`forewarn {' '.join(argv)}` records a time: give it --now"


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_documents_link_only_inside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if "://" not in target:
            assert (doc.parent / target).exists(), f"{doc.name}: broken link {target}"
