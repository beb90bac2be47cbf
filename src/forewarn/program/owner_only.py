"""Files only their owner reads: how embargoed plaintext leaves the program when a user asks.

Every such file is created 0600 (folders 0700), opened without following a symbolic link, so a
link planted where the file will go cannot redirect embargoed content elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from forewarn.errors import ValidationError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def write_owner_only(path: Path, data: bytes) -> None:
    """Write `data` to `path`, readable by its owner only, never through a symbolic link."""
    write_no_follow(path, data, mode=0o600)


def write_no_follow(path: Path, data: bytes, *, mode: int) -> None:
    """Write `data` to `path` with `mode`, never through a symbolic link: the one file writer."""
    if path.is_symlink():
        raise ValidationError(f"refusing to write through the symbolic link {path}")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, mode)
    except OSError as exc:
        raise ValidationError(f"cannot write {path}: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), mode)
        handle.write(data)


def make_owner_folder(path: Path) -> None:
    """Create `path` (0700) and its missing parents; a symbolic link as `path` is refused."""
    if path.is_symlink():
        raise ValidationError(f"refusing to write through the symbolic link {path}")
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"cannot create {path}: {exc.strerror or exc}") from exc
    if not path.is_dir():
        raise ValidationError(f"{path} is not a folder")
