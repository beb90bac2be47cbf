"""Reading the artifact files a program file names, confined to the program file's folder.

A program file comes from outside (an export, a colleague, a repository), and whatever its
artifacts' `file:` entries name is encrypted, marked and delivered to partners in the next wave.
So a `file:` must be a relative path that stays inside the program file's folder: no absolute
path, no `..`, no symbolic link anywhere on the way (each step is checked with `lstat`, and the
file is opened with `O_NOFOLLOW`), a regular file only (not a FIFO, a device or a directory),
and never one of the program's private files (its key file, its SQLite database), compared by
device and inode so that another spelling or a hard link is caught too. The checks raise
`SecurityError`; a refusal leaves the caller's transaction to roll back, so nothing is written.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath

from forewarn.errors import SecurityError, ValidationError

HINT = "put the artifact's file in the program file's folder and name it relative to it"
"""What to do when an artifact path is refused."""

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
"""Never follow a link at the last step, never block on a FIFO."""


def _refuse(relative: str, why: str) -> SecurityError:
    return SecurityError(f"artifact file {relative!r} refused: {why}", hint=HINT)


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


def _steps(relative: str) -> tuple[str, ...]:
    """The path's components, refusing absolute paths and `..` in either spelling."""
    if not relative.strip():
        raise _refuse(relative, "the path is empty")
    posix, windows = PurePosixPath(relative), PureWindowsPath(relative)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or relative.startswith("~"):
        raise _refuse(relative, "it is an absolute path")
    if ".." in posix.parts or ".." in windows.parts:
        raise _refuse(relative, "it leaves the program file's folder")
    return tuple(part for part in posix.parts if part not in ("", "."))


def read_confined(
    folder: Path, relative: str, *, private: Mapping[str, Path] | None = None
) -> bytes:
    """The bytes of `relative` inside `folder`, after every check in the module docstring.

    `private` names the files that must never be read (label → path), e.g.
    `Program.private_files()`.
    """
    try:
        root = folder.resolve(strict=True)
    except OSError as exc:
        raise ValidationError(
            f"cannot read the program file's folder {folder}: {exc.strerror}"
        ) from exc
    steps = _steps(relative)
    if not steps:
        raise _refuse(relative, "it is the program file's folder, not a file")
    target = root
    for step in steps:
        target = target / step
        try:
            mode = target.lstat().st_mode
        except OSError as exc:
            raise ValidationError(
                f"cannot read artifact file {folder / relative}: {exc.strerror}",
                hint="check the artifact's `file:` in the program file",
            ) from exc
        if stat.S_ISLNK(mode):
            raise _refuse(relative, f"{target.relative_to(root)} is a symbolic link")
    try:
        fd = os.open(target, _OPEN_FLAGS)
    except OSError as exc:
        raise _refuse(relative, f"it cannot be opened safely ({exc.strerror})") from exc
    info = os.fstat(fd)
    refusal = None
    if not stat.S_ISREG(info.st_mode):
        refusal = "it is not a regular file"
    elif (label := _identities(private or {}).get((info.st_dev, info.st_ino))) is not None:
        refusal = f"it is {label}"
    if refusal is not None:
        os.close(fd)
        raise _refuse(relative, refusal)
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read()
        except OSError as exc:
            raise ValidationError(
                f"cannot read artifact file {folder / relative}: {exc.strerror}"
            ) from exc


__all__ = ["HINT", "read_confined"]
