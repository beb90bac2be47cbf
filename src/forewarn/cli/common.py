"""Plumbing shared by every command module: settings, opening the program, time, output.

A command module stays thin: parse with the `Annotated` options below, call a use case inside
`open_program(ctx)` / `program.session()`, then `emit(ctx, data, table)` which prints JSON when
`--json` was given and a Rich table otherwise. Only the CLI reads the wall clock (`now()`).

Start-up stays fast because command modules import use cases (SQLAlchemy, numpy, libcst, …)
inside the command that needs them; at module level they import only Typer, Rich, `domain`,
`errors`, `settings` and this module (`tests/cli/test_startup.py` holds them to it).
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from forewarn.bounded import DEFAULT_LIMIT_BYTES, read_bounded
from forewarn.domain.validation import parse_date, parse_instant
from forewarn.encoding import dumps, utf8_text
from forewarn.errors import ValidationError
from forewarn.program.owner_only import write_no_follow
from forewarn.settings import Settings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from sqlalchemy.orm import Session

    from forewarn.program.audit import AuditEntry
    from forewarn.program.service import Program

console = Console(soft_wrap=True)
"""Standard output for people."""

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
"""`--json` on a command that prints data (also accepted before the command)."""

NowOption = Annotated[
    str | None,
    typer.Option("--now", help="Replay time: act as if it were this ISO 8601 instant (UTC)."),
]
"""`--now` on a command where time matters."""


@dataclass(frozen=True, slots=True)
class CliState:
    """The global options, kept on the Typer context."""

    database_url: str | None
    """`--db`, when given."""
    key_file: Path | None
    """`--key-file`, when given."""
    json: bool
    """`--json` given before the command."""


def state(ctx: typer.Context) -> CliState:
    """The global options of this invocation."""
    root = ctx.find_root()
    if isinstance(root.obj, CliState):
        return root.obj
    return CliState(database_url=None, key_file=None, json=False)


def settings(ctx: typer.Context) -> Settings:
    """Settings from the global options and `FOREWARN_*` variables."""
    current = state(ctx)
    return Settings.from_environment(database_url=current.database_url, key_file=current.key_file)


def open_program(ctx: typer.Context) -> Program:
    """Open the program named by the settings (store, schema and key file checked).

    The store (SQLAlchemy, alembic) is imported here, not at start-up, so that `--help` and
    commands that need no database start fast.
    """
    from forewarn.program.service import open_program as open_service

    return open_service(settings(ctx))


def log_entry(program: Program, session: Session, entry: AuditEntry, at: datetime) -> None:
    """Append a use case's audit entry in the command's own transaction (one leaf, signed)."""
    from forewarn.program.audit import append_audit

    append_audit(session, entry.kind, entry.payload, at, keys=program.keys, subject=entry.subject)


def now(text: str | None) -> datetime:
    """`--now` parsed, or the wall clock: the only place the CLI reads it."""
    if text is None:
        return datetime.now(UTC)
    return parse_instant(text)


def date_arg(text: str, option: str) -> date:
    """A `YYYY-MM-DD` option value, with the option named in the error."""
    try:
        return parse_date(text)
    except ValidationError as exc:
        raise ValidationError(f"{option}: {exc.message}", hint=exc.hint) from exc


def public_key_arg(text: str, option: str = "--public-key") -> Ed25519PublicKey:
    """A program key typed by the user: a malformed one is bad input (exit 2), not a failed
    verification (exit 3, kept for a well-formed key that did not sign)."""
    from forewarn.errors import IntegrityError
    from forewarn.program.bundles import load_public_key

    try:
        return load_public_key(text)
    except IntegrityError:
        raise ValidationError(
            f"{option}: {text.strip()[:80]!r} is not a program key: a key is 64 hex digits "
            "(32 bytes), as `forewarn audit public-key` prints it"
        ) from None


def read_file(path: Path, *, limit: int = DEFAULT_LIMIT_BYTES) -> bytes:
    """A user-named regular file's bytes (at most `limit`), or a one-line `ValidationError`."""
    return read_bounded(path, limit=limit)


def write_file(path: Path, data: bytes, *, private: bool) -> None:
    """Write `data` to `path`, never through a symbolic link; readable by its owner only
    (0600) when `private` (embargoed material), else 0644."""
    write_no_follow(path, data, mode=0o600 if private else 0o644)


def wants_json(ctx: typer.Context, flag: bool) -> bool:
    """`--json` given on the command or before it."""
    return flag or state(ctx).json


def emit(ctx: typer.Context, data: Any, render: Callable[[], None], *, json_flag: bool) -> None:
    """Print `data` as JSON for scripts (`forewarn.encoding`, docs/json.md), or call `render`."""
    if wants_json(ctx, json_flag):
        sys.stdout.write(dumps(data) + "\n")
    else:
        render()


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a Rich table."""
    out = Table(title=title)
    for column in columns:
        out.add_column(column)
    for row in rows:
        out.add_row(*("" if cell is None else printable(str(cell)) for cell in row))
    console.print(out)


def fields(title: str, pairs: Sequence[tuple[str, object]]) -> None:
    """Print a two-column key/value table."""
    table(title, ("field", "value"), [(key, value) for key, value in pairs])


def printable(text: str) -> str:
    """`text` safe for a terminal: control, escape and bidi characters shown as `\\x1b`, `\\u202e`.

    File and archive-member names come from the wild; an ESC sequence in one could rewrite what
    the terminal shows (or the title bar), a right-to-left override could disguise a name.
    Newlines and tabs stay.
    """
    text = utf8_text(text)
    if text.isascii() and text.isprintable():
        return text
    return "".join(_shown(c) for c in text)


def _shown(character: str) -> str:
    if character in "\n\t" or unicodedata.category(character) not in _HIDDEN:
        return character
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def warn(message: str) -> None:
    """One `warning:` line on stderr, so scripts reading `--json` from stdout are not disturbed."""
    typer.echo(f"warning: {printable(message)}", err=True)


def note(message: str) -> None:
    """One line for people on stderr: progress of a command whose stdout is its `--json`."""
    typer.echo(printable(message), err=True)


def say(message: str) -> None:
    """One line for people (suppressed from JSON output by callers)."""
    console.print(printable(message), highlight=False, markup=False)
