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
"""

from __future__ import annotations

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
