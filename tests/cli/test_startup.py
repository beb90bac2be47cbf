"""Start-up: `forewarn --help` and every `--help` below it load none of the heavy libraries.

Each check runs in a fresh interpreter, because this test process has long since imported them.
These are behaviour tests (which modules get loaded), not timing tests.
"""

from __future__ import annotations

import subprocess
import sys

from forewarn.cli.init import DEFAULT_NAME
from forewarn.program.service import DEFAULT_PROGRAM_NAME

HEAVY = ("sqlalchemy", "alembic", "numpy", "libcst", "matplotlib")
"""Libraries only some commands need, each costing tens to hundreds of milliseconds to load."""

HELP_EVERYWHERE = """
import sys
import typer.main
from typer.testing import CliRunner
from forewarn.cli.app import app

def paths(command, prefix):
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from paths(sub, [*prefix, name])

runner = CliRunner()
every = list(paths(typer.main.get_command(app), []))
if len(every) < 30:
    sys.exit(f"only {len(every)} commands found")
for path in every:
    result = runner.invoke(app, [*path, "--help"])
    if result.exit_code != 0 or "Usage" not in result.output:
        sys.exit(f"{path}: exit {result.exit_code}: {result.output}")
print(",".join(name for name in HEAVY if name in sys.modules))
"""


def loaded_after(code: str) -> list[str]:
    """Which of `HEAVY` a fresh interpreter has loaded after running `code`."""
    done = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{code}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr or done.stdout
    return [name for name in done.stdout.strip().split(",") if name]


def test_importing_the_app_loads_no_heavy_library() -> None:
    code = "import forewarn.cli.app, sys\nprint(','.join(m for m in HEAVY if m in sys.modules))"
    assert loaded_after(code) == []


def test_help_of_every_group_and_command_loads_no_heavy_library() -> None:
    assert loaded_after(HELP_EVERYWHERE) == []


def test_a_command_loads_what_it_needs_when_it_runs() -> None:
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom forewarn.cli.app import app\n"
        "CliRunner().invoke(app, ['--db', 'sqlite://', 'case', 'list'])\n"
        "print(','.join(m for m in HEAVY if m in sys.modules))"
    )
    assert "sqlalchemy" in loaded_after(code)


def test_init_help_shows_the_name_init_gives_by_default() -> None:
    assert DEFAULT_NAME == DEFAULT_PROGRAM_NAME
