"""Reading the artifact files a program file names, confined to the program file's folder.

A program file comes from outside (an export, a colleague, a repository), and whatever its
artifacts' `file:` entries name is encrypted, marked and delivered to partners in the next wave.
So a `file:` must be a relative path that stays inside the program file's folder: no absolute
path, no `..`, no symbolic link anywhere on the way (each step is checked with `lstat`, and the
file is opened with `O_NOFOLLOW`), a regular file only (not a FIFO, a device or a directory),
and never one of the program's private files (its key file, its SQLite database), compared by
device and inode so that another spelling or a hard link is caught too. The checks raise
`SecurityError`; a refusal leaves the caller's transaction to roll back, so nothing is written.
An evidence manifest's files are read under the same rules (`Confinement` words the refusals).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from forewarn.errors import SecurityError, ValidationError

HINT = "put the artifact's file in the program file's folder and name it relative to it"
"""What to do when an artifact path is refused."""


@dataclass(frozen=True, slots=True)
class Confinement:
    """How refusals are worded, and how large a file may be: the same checks serve the program
    file's artifacts and an evidence manifest's files (`forewarn.program.evidence`)."""

    what: str = "artifact file"
    """What the files are, in messages."""
    folder: str = "the program file's folder"
    """What the folder is, in messages."""
    hint: str = HINT
    """What to do when a path is refused."""
    missing_hint: str = "check the artifact's `file:` in the program file"
    """What to do when a named file cannot be found or read."""
    max_bytes: int | None = None
    """Largest file read (checked on the open file before reading), `None` for no limit."""


ARTIFACT_FILES = Confinement()
"""The wording for a program file's artifacts."""

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
"""Never follow a link at the last step, never block on a FIFO."""


def _refuse(relative: str, why: str, rules: Confinement) -> SecurityError:
    return SecurityError(f"{rules.what} {relative!r} refused: {why}", hint=rules.hint)


def _identities(private: Mapping[str, Path]) -> dict[tuple[int, int], str]:
    """`(device, inode)` of each private file that exists, with what it is."""
    found = {}
    for label, path in private.items():
        try:
            info = path.stat()
        except OSError:
            continue
        found[(info.st_dev, info.st_ino)] = label
    return found


def _steps(relative: str, rules: Confinement) -> tuple[str, ...]:
    """The path's components, refusing absolute paths, `..` in either spelling, and names no
    file system call can take (a NUL, a lone surrogate): those raised `ValueError` there."""
    if not relative.strip():
        raise _refuse(relative, "the path is empty", rules)
    if "\x00" in relative:
        raise _refuse(relative, "it holds a NUL character, which no file name can", rules)
    try:
        os.fsencode(relative)
    except UnicodeEncodeError:  # a lone surrogate, from a `\ud800` escape in YAML or JSON
        raise _refuse(relative, "it is not a name the file system can hold", rules) from None
    posix, windows = PurePosixPath(relative), PureWindowsPath(relative)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or relative.startswith("~"):
        raise _refuse(relative, "it is an absolute path", rules)
    if ".." in posix.parts or ".." in windows.parts:
        raise _refuse(relative, f"it leaves {rules.folder}", rules)
    return tuple(part for part in posix.parts if part not in ("", "."))


def read_confined(
    folder: Path,
    relative: str,
    *,
    private: Mapping[str, Path] | None = None,
    rules: Confinement = ARTIFACT_FILES,
) -> bytes:
    """The bytes of `relative` inside `folder`, after every check in the module docstring.

    `private` names the files that must never be read (label → path), e.g.
    `Program.private_files()`; `rules` words the refusals and may cap the size.
    """
    try:
        root = folder.resolve(strict=True)
    except OSError as exc:
        raise ValidationError(f"cannot read {rules.folder} {folder}: {exc.strerror}") from exc
    steps = _steps(relative, rules)
    if not steps:
        raise _refuse(relative, f"it is {rules.folder}, not a file", rules)
    target = root
    for step in steps:
        target = target / step
        try:
            mode = target.lstat().st_mode
        except OSError as exc:
            raise ValidationError(
                f"cannot read {rules.what} {folder / relative}: {exc.strerror}",
                hint=rules.missing_hint,
            ) from exc
        if stat.S_ISLNK(mode):
            raise _refuse(relative, f"{target.relative_to(root)} is a symbolic link", rules)
    try:
        fd = os.open(target, _OPEN_FLAGS)
    except OSError as exc:
        raise _refuse(relative, f"it cannot be opened safely ({exc.strerror})", rules) from exc
    info = os.fstat(fd)
    refusal = None
    if not stat.S_ISREG(info.st_mode):
        refusal = "it is not a regular file"
    elif (label := _identities(private or {}).get((info.st_dev, info.st_ino))) is not None:
        refusal = f"it is {label}"
    elif rules.max_bytes is not None and info.st_size > rules.max_bytes:
        refusal = f"it is larger than {rules.max_bytes} bytes"
    if refusal is not None:
        os.close(fd)
        raise _refuse(relative, refusal, rules)
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read()
        except OSError as exc:
            raise ValidationError(
                f"cannot read {rules.what} {folder / relative}: {exc.strerror}"
            ) from exc


def refuse_private(path: Path, private: Mapping[str, Path], *, what: str = "artifact file") -> None:
    """Raise `SecurityError` when `path` (followed through links) is one of the `private` files
    (`Program.private_files()`): `case add-artifact` of the key file would deliver the program's
    secret to partners. Compared by device and inode, so another spelling is caught too."""
    try:
        info = path.stat()
    except OSError:
        return  # the read that follows says why it cannot be read
    label = _identities(private).get((info.st_dev, info.st_ino))
    if label is not None:
        raise SecurityError(
            f"{what} {path} refused: it is {label}",
            hint="what a case holds is delivered to partners: add the advisory or PoC itself",
        )


__all__ = ["ARTIFACT_FILES", "HINT", "Confinement", "read_confined", "refuse_private"]
