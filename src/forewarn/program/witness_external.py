"""External witnesses: append-only stores the program names, beyond the file beside its key.

The witness file sits on the operator's disk; whoever can rewrite the database and that disk
can rewrite both. An external witness keeps checkpoints where the operator cannot reach:

- **a command** (`FOREWARN_WITNESS_COMMAND`, e.g. `ssh witness@host forewarn-witness` or a
  script posting to a transparency service): run once per signed checkpoint, with the
  checkpoint as one JSON line on standard input (the witness file's format); it must exit 0.
  It is run without a shell, from the operator's own settings, never from outside input.
- **a folder** (`FOREWARN_WITNESS_DIR`, e.g. an NFS export or a WORM bucket mounted read-append):
  one file per checkpoint, `<size>-<root>.json`, created exclusively and never overwritten.
  `audit verify --witness` reads it back like the witness file.

Both receive a checkpoint after its transaction committed, as the witness file does; a
witness that refuses makes the command fail with the change kept (and says so).

What a witness keeps is worth something only once it is read back. `audit verify` checks the
log against every witness it can read (`ReadableWitness`):

- the folder, read directly;
- **a read command** (`FOREWARN_WITNESS_READ_COMMAND`, e.g. `ssh witness@host forewarn-witness
  --list` or a script fetching a cosigner's log): run once, without a shell, it prints the
  checkpoints the witness holds as JSON lines (the witness file's format) and exits 0;
- **a copy** fetched from the witness by other means (`audit verify --witness-from FILE`): JSON
  lines, or one JSON checkpoint or a JSON list of them (as the portal and `audit checkpoint`
  give them), so a cosigner's or a partner's copy checks the log as well.

A witness command with neither is reported by `audit verify` as not read back.
"""

from __future__ import annotations

import json
import os

# runs the witness command of the operator's own settings, never outside input
import subprocess  # nosec B404
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from forewarn.bounded import read_bounded_text
from forewarn.errors import IntegrityError, ValidationError
from forewarn.program.merkle import Checkpoint
from forewarn.program.witness import checkpoint_line, parse_checkpoint_line

WITNESS_COMMAND_TIMEOUT_SECONDS = 30.0
"""How long a witness command may take for one checkpoint."""

MAX_CHECKPOINT_FILE_BYTES = 4096
"""Largest checkpoint file read back from a witness folder."""

MAX_READ_BYTES = 64 * 1024**2
"""Largest answer of a witness read command or witness copy (about 250,000 checkpoints)."""

_RETRY_HINT = (
    "the change was committed; fix the witness, then run `forewarn audit verify --witness` "
    "(the next checkpoint covers this one)"
)


class ExternalWitness(Protocol):
    """An append-only store outside the program that receives every signed checkpoint."""

    @property
    def name(self) -> str:
        """Where it is, for messages and reports."""
        ...

    def send(self, checkpoints: Sequence[Checkpoint]) -> None:
        """Hand over `checkpoints`; raise `ValidationError` when the witness refuses."""
        ...


class ReadableWitness(Protocol):
    """A witness whose checkpoints can be read back, to check the log against."""

    @property
    def name(self) -> str:
        """Where it is, for messages and reports."""
        ...

    def read(self) -> list[Checkpoint]:
        """Every checkpoint it holds; `IntegrityError` if it cannot say."""
        ...


class CommandWitness:
    """A program that receives each checkpoint on standard input and must exit 0."""

    def __init__(self, argv: Sequence[str]) -> None:
        if not argv:
            raise ValidationError("the witness command is empty")
        self.argv = tuple(argv)

    @property
    def name(self) -> str:
        """The command's program."""
        return f"witness command {self.argv[0]}"

    def send(self, checkpoints: Sequence[Checkpoint]) -> None:
        """Run the command once per checkpoint, in order."""
        for checkpoint in checkpoints:
            try:
                # the operator's argv, no shell
                done = subprocess.run(  # noqa: S603  # nosec B603
                    self.argv,
                    input=(checkpoint_line(checkpoint) + "\n").encode("ascii"),
                    capture_output=True,
                    timeout=WITNESS_COMMAND_TIMEOUT_SECONDS,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise ValidationError(
                    f"the {self.name} could not be run: {exc}", hint=_RETRY_HINT
                ) from None
            if done.returncode != 0:
                raise ValidationError(
                    f"the {self.name} refused the checkpoint of {checkpoint.size} leaves "
                    f"(exit {done.returncode})",
                    hint=_RETRY_HINT,
                )


class DirectoryWitness:
    """A folder of checkpoint files, each created once and never replaced."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        """The folder."""
        return f"witness folder {self.path}"

    def send(self, checkpoints: Sequence[Checkpoint]) -> None:
        """Create one file per checkpoint (named by its size and root, so a retry finds its own)."""
        for checkpoint in checkpoints:
            line = (checkpoint_line(checkpoint) + "\n").encode("ascii")
            target = self.path / f"{checkpoint.size:012d}-{checkpoint.root.hex()}.json"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            try:
                fd = os.open(target, flags, 0o600)
            except FileExistsError:
                continue  # the same size and root: witnessed already (a retry)
            except OSError as exc:
                raise ValidationError(
                    f"cannot write to the {self.name}: {exc.strerror or exc}", hint=_RETRY_HINT
                ) from exc
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def read(self) -> list[Checkpoint]:
        """Every checkpoint in the folder, smallest first."""
        if not self.path.is_dir():
            raise IntegrityError(f"the {self.name} is missing")
        found = []
        for entry in sorted(self.path.glob("*.json")):
            text = read_bounded_text(entry, limit=MAX_CHECKPOINT_FILE_BYTES, what="checkpoint")
            found.append(parse_checkpoint_line(text.strip(), 1, entry))
        return found


class ReadCommandWitness:
    """A program that prints the checkpoints a witness holds, as JSON lines, and exits 0."""

    def __init__(self, argv: Sequence[str]) -> None:
        if not argv:
            raise ValidationError("the witness read command is empty")
        self.argv = tuple(argv)

    @property
    def name(self) -> str:
        """The command's program."""
        return f"witness read command {self.argv[0]}"

    def read(self) -> list[Checkpoint]:
        """Run the command once; what it printed, checked line by line."""
        try:
            # the operator's argv, no shell, nothing on its standard input
            done = subprocess.run(  # noqa: S603  # nosec B603
                self.argv,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=WITNESS_COMMAND_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise IntegrityError(
                f"the {self.name} could not be run: {exc}",
                hint="the log cannot be checked against that witness until it answers",
            ) from None
        if done.returncode != 0:
            raise IntegrityError(
                f"the {self.name} failed (exit {done.returncode})",
                hint="the log cannot be checked against that witness until it answers",
            )
        if len(done.stdout) > MAX_READ_BYTES:
            raise IntegrityError(f"the {self.name} printed more than {MAX_READ_BYTES} bytes")
        return parse_checkpoints(done.stdout.decode("utf-8", errors="replace"), self.name)


class WitnessCopy:
    """The checkpoints of a witness, fetched from it by other means and kept in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        """The file."""
        return f"witness copy {self.path}"

    def read(self) -> list[Checkpoint]:
        """The checkpoints in the file (JSON lines, one JSON checkpoint, or a JSON list)."""
        text = read_bounded_text(self.path, limit=MAX_READ_BYTES, what="witness copy")
        return parse_checkpoints(text, self.name)


def parse_checkpoints(text: str, where: str) -> list[Checkpoint]:
    """Checkpoints from a witness's answer: JSON lines, or one JSON document (a checkpoint or
    a list of them); anything else is an `IntegrityError` naming the place."""
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        document = json.loads(text) if lines else []
    except (ValueError, RecursionError):
        return [parse_checkpoint_line(line, n, where) for n, line in enumerate(lines, start=1)]
    items = document if isinstance(document, list) else [document]
    return [parse_checkpoint_line(json.dumps(item), n, where) for n, item in enumerate(items, 1)]


def readable_witnesses(
    read_command: Sequence[str], directory: Path | None, copies: Sequence[Path] = ()
) -> tuple[ReadableWitness, ...]:
    """The witnesses `audit verify` reads back: the folder, the read command, the copies."""
    found: list[ReadableWitness] = []
    if directory is not None:
        found.append(DirectoryWitness(directory))
    if read_command:
        found.append(ReadCommandWitness(read_command))
    found += [WitnessCopy(path) for path in copies]
    return tuple(found)


def external_witnesses(
    command: Sequence[str] | None, directory: Path | None
) -> tuple[ExternalWitness, ...]:
    """The external witnesses the settings name (none by default)."""
    found: list[ExternalWitness] = []
    if command:
        found.append(CommandWitness(command))
    if directory is not None:
        found.append(DirectoryWitness(directory))
    return tuple(found)
