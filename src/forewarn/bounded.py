"""Reading a user-named file with its size limit enforced while reading, never after.

`Path.read_bytes()` on `/dev/zero` runs out of memory, on a FIFO waits forever for a writer, and
on a 1 GB file allocates 1 GB before any size check can refuse it. Here a file is opened without
blocking, must be a regular file, and is read up to its limit plus one byte: anything beyond the
limit is refused without being read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from forewarn.errors import ValidationError

DEFAULT_LIMIT_BYTES = 256 * 1024**2
"""Largest file read when the caller names no limit (a bundle or an artifact stays far below)."""

_CHUNK = 1 << 20


def read_bounded(path: Path, *, limit: int = DEFAULT_LIMIT_BYTES, what: str = "file") -> bytes:
    """The bytes of the regular file `path`, at most `limit`; anything else a `ValidationError`."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ValidationError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # before `fdopen`, which refuses a directory
        os.close(fd)
        raise ValidationError(f"{what} {path} is not a regular file")
    with os.fdopen(fd, "rb", buffering=0) as handle:
        chunks: list[bytes] = []
        remaining = limit + 1
        try:
            while remaining > 0 and (chunk := handle.read(min(_CHUNK, remaining))):
                chunks.append(chunk)
                remaining -= len(chunk)
        except OSError as exc:
            raise ValidationError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    if remaining <= 0:
        raise ValidationError(
            f"{what} {path} is larger than {limit:,} bytes", hint="is this the right file?"
        )
    return b"".join(chunks)


def read_bounded_text(path: Path, *, limit: int = DEFAULT_LIMIT_BYTES, what: str = "file") -> str:
    """`read_bounded` decoded as UTF-8; bytes that are not UTF-8 are a `ValidationError`."""
    data = read_bounded(path, limit=limit, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{what} {path} is not UTF-8 text (byte {exc.start} is {data[exc.start]:#04x})"
        ) from None
