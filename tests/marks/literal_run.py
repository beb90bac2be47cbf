"""Run our own benign non-Python PoCs (node, bash + curl, java, a compiled C file) against the
toy listener on 127.0.0.1, for the literals channel's behaviour tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from wire_listener import listener, parse

from forewarn.domain.wire import HttpRequest

POCS = Path(__file__).parent / "literal_pocs"
"""The fixtures: one small PoC per language."""


def command(name: str, script: Path, port: int, workdir: Path) -> list[str] | None:
    """How to run `script` (a copy of fixture `name`) against `port`; `None` if not installed."""
    if name == "poc.js" and shutil.which("node"):
        return ["node", str(script), "--host", "127.0.0.1", "--port", str(port)]
    if name == "poc.sh" and shutil.which("bash") and shutil.which("curl"):
        return ["bash", str(script), "--host", "127.0.0.1", "--port", str(port)]
    if name == "Poc.java" and shutil.which("java"):
        return ["java", str(script), "--host", "127.0.0.1", "--port", str(port)]
    if name == "poc.c" and shutil.which("cc"):
        binary = workdir / "poc"
        subprocess.run(["cc", "-o", str(binary), str(script)], check=True, capture_output=True)
        return [str(binary), str(port)]
    return None


def record(name: str, text: str, workdir: Path) -> tuple[list[bytes], str] | None:
    """The raw requests a copy of fixture `name` with content `text` sends, and what it prints;
    `None` when its interpreter or compiler is not installed here."""
    workdir.mkdir(parents=True, exist_ok=True)
    script = workdir / name
    script.write_text(text, encoding="utf-8")
    with listener() as (port, received):
        argv = command(name, script, port, workdir)
        if argv is None:
            return None
        done = subprocess.run(argv, check=True, capture_output=True, timeout=120, cwd=workdir)
        return list(received), done.stdout.decode("utf-8", "replace")


def run(name: str, text: str, workdir: Path) -> tuple[list[HttpRequest], str] | None:
    """The requests a copy of fixture `name` with content `text` sends, and what it prints."""
    recorded = record(name, text, workdir)
    if recorded is None:
        return None
    raw, printed = recorded
    return [parse(r) for r in raw], printed
