"""Run our own benign non-Python PoCs (node, bash + curl, java, a compiled C file) against the
toy listener on 127.0.0.1, for the literals channel's behaviour tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from wire_listener import listener, parse

from forewarn.domain.wire import HttpRequest

POCS = Path(__file__).parent / "literal_pocs"
"""The fixtures: one small PoC per language."""


TOOLS = {"poc.js": ("node",), "poc.sh": ("bash", "curl"), "Poc.java": ("java",), "poc.c": ("cc",)}
"""What each fixture needs; `make system-deps` installs them, so a missing one fails the test."""


def command(name: str, script: Path, port: int, workdir: Path) -> list[str]:
    """How to run `script` (a copy of fixture `name`) against `port`."""
    missing = [tool for tool in TOOLS[name] if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `make system-deps`")
    if name == "poc.c":
        binary = workdir / "poc"
        subprocess.run(["cc", "-o", str(binary), str(script)], check=True, capture_output=True)
        return [str(binary), str(port)]
    interpreter = TOOLS[name][0]
    return [interpreter, str(script), "--host", "127.0.0.1", "--port", str(port)]


def record(name: str, text: str, workdir: Path) -> tuple[list[bytes], str]:
    """The raw requests a copy of fixture `name` with content `text` sends, and what it prints."""
    workdir.mkdir(parents=True, exist_ok=True)
    script = workdir / name
    script.write_text(text, encoding="utf-8")
    with listener() as (port, received):
        argv = command(name, script, port, workdir)
        done = subprocess.run(argv, check=True, capture_output=True, timeout=120, cwd=workdir)
        return list(received), done.stdout.decode("utf-8", "replace")


def run(name: str, text: str, workdir: Path) -> tuple[list[HttpRequest], str]:
    """The requests a copy of fixture `name` with content `text` sends, and what it prints."""
    raw, printed = record(name, text, workdir)
    return [parse(r) for r in raw], printed
