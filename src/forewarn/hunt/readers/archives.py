"""Container readers: zip, tar and compressed streams (gzip, bz2, xz), all in memory, bounded.

Members are read into memory through bounded reads; nothing is extracted to disk, so hostile
member names (`../../etc/passwd`, absolute paths) can do no harm and are only sanitised for
display. Sizes are checked twice: against the declared headers and while decompressing,
because headers lie in crafted archives.
"""

from __future__ import annotations

import bz2
import io
import logging
import lzma
import posixpath
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Protocol

from forewarn.hunt.readers.interface import Budget, Member

logger = logging.getLogger(__name__)

READ_BLOCK = 64 * 1024

# The standard library's parsers raise all of these on malformed input; each is turned
# into a recorded problem for the one member or archive concerned.
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    tarfile.TarError,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    KeyError,
    IndexError,
    OverflowError,
    TypeError,
    AttributeError,
    struct.error,
    zlib.error,
    lzma.LZMAError,
)


def safe_name(name: str) -> str:
    """A display name without drive letters, absolute roots or `..` components."""
    cleaned = name.replace("\\", "/").replace("\x00", "")
    if len(cleaned) > 1 and cleaned[1] == ":":
        cleaned = cleaned[2:]
    parts = [p for p in posixpath.normpath("/" + cleaned).split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "unnamed"


def _ratio_refusal(budget: Budget, produced: int, compressed: int) -> str | None:
    limits = budget.limits
    if produced > limits.ratio_grace_bytes and produced > limits.max_ratio * max(compressed, 1):
        return (
            f"refused: compression ratio above {limits.max_ratio:g} "
            f"({produced} bytes out of {compressed}), a likely zip bomb"
        )
    return None


def _size_refusal(budget: Budget, produced: int) -> str | None:
    limits = budget.limits
    if produced > limits.max_member_bytes:
        return f"refused: member larger than {limits.max_member_bytes} bytes"
    if budget.total + produced > limits.max_total_bytes:
        return f"refused: input expands beyond {limits.max_total_bytes} bytes in total"
    return None


def _count_member(budget: Budget) -> str | None:
    budget.members += 1
    if budget.members > budget.limits.max_members:
        return f"refused: more than {budget.limits.max_members} archive members"
    return None


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _bounded_read(stream: _Readable, budget: Budget, compressed: int) -> tuple[bytes, str | None]:
    """Read a member block by block, stopping at the first limit it crosses."""
    out = bytearray()
    while block := stream.read(READ_BLOCK):
        out += block
        refusal = _size_refusal(budget, len(out)) or _ratio_refusal(budget, len(out), compressed)
        if refusal is not None:
            return b"", refusal
    budget.total += len(out)
    return bytes(out), None


TAIL_BYTES = 1024**2
"""Bytes from a file's end shown to `sniff`: a zip's end record and a central directory of
thousands of members fit."""

_EOCD = struct.Struct("<4sHHHHIIH")


def _zip_at_end(tail: bytes) -> bool:
    """An end-of-central-directory record in `tail` pointing back at a central directory."""
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        return False
    fields = _EOCD.unpack_from(tail, at)
    directory_size = fields[5]
    start = at - directory_size
    return start >= 0 and directory_size > 0 and tail[start : start + 4] == b"PK\x01\x02"


class ZipReader:
    """Zip archives; encrypted members are refused, not cracked."""

    name = "zip"

    def sniff(self, head: bytes, tail: bytes = b"") -> bool:
        """Local file header or empty-archive end record; or a zip behind a stub (`tail`).

        Self-extracting archives put an executable before the zip, so only the end of the file
        says what it is: an end-of-central-directory record whose central directory, found
        where the record says, starts with its signature.
        """
        return head.startswith((b"PK\x03\x04", b"PK\x05\x06")) or _zip_at_end(tail)

    def members(self, data: bytes, budget: Budget) -> Iterator[Member]:
        """Each regular member, bounded; directories skipped."""
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = safe_name(info.filename)
                refusal = _count_member(budget)
                if refusal is None and info.flag_bits & 0x1:
                    refusal = "refused: encrypted member"
                if refusal is None:
                    refusal = _size_refusal(budget, info.file_size) or _ratio_refusal(
                        budget, info.file_size, info.compress_size
                    )
                if refusal is not None:
                    yield Member(name, error=refusal)
                    if budget.members > budget.limits.max_members:
                        return
                    continue
                try:
                    with archive.open(info) as stream:
                        content, refusal = _bounded_read(stream, budget, info.compress_size)
                except PARSE_ERRORS as exc:
                    yield Member(name, error=f"unreadable zip member: {type(exc).__name__}")
                    continue
                yield Member(name, content, refusal)


class TarReader:
    """Uncompressed tar (compression is peeled off first by `CompressedReader`)."""

    name = "tar"

    def sniff(self, head: bytes, tail: bytes = b"") -> bool:
        """POSIX and GNU tar magic at offset 257."""
        return head[257:262] == b"ustar"

    def members(self, data: bytes, budget: Budget) -> Iterator[Member]:
        """Regular files only; links, devices and FIFOs are skipped, never followed."""
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            for info in archive:
                if not info.isfile():
                    continue
                name = safe_name(info.name)
                refusal = _count_member(budget) or _size_refusal(budget, info.size)
                if refusal is not None:
                    yield Member(name, error=refusal)
                    if budget.members > budget.limits.max_members:
                        return
                    continue
                stream = archive.extractfile(info)
                if stream is None:
                    continue
                with stream:
                    content, refusal = _bounded_read(stream, budget, max(info.size, 1))
                yield Member(name, content, refusal)


class _Decompressor(Protocol):
    def decompress(self, data: bytes | memoryview, max_length: int = -1, /) -> bytes: ...


class CompressedReader:
    """A single compressed stream (gzip, bz2, xz), seen as an archive of one member."""

    def __init__(
        self, name: str, magic: bytes, make: Callable[[], _Decompressor], suffixes: tuple[str, ...]
    ) -> None:
        self.name = name
        self._magic = magic
        self._make = make
        self._suffixes = suffixes

    def sniff(self, head: bytes, tail: bytes = b"") -> bool:
        """The format's magic bytes."""
        return head.startswith(self._magic)

    def inner_name(self, outer: str) -> str:
        """`logs.tar.gz` holds `logs.tar`; `x.tgz` holds `x.tar`."""
        for suffix in self._suffixes:
            if outer.lower().endswith(suffix):
                stem = outer[: -len(suffix)]
                return stem + ".tar" if suffix.startswith(".t") else stem
        return outer

    def members(self, data: bytes, budget: Budget) -> Iterator[Member]:
        """One member, decompressed block by block with the ratio checked as it grows.

        Input is fed in bounded chunks, so each stream's leftover (`unused_data`) is at most a
        chunk: many concatenated tiny streams cost linear time, not quadratic, and their count
        is bounded by the archive member limit.
        """
        refusal = _count_member(budget)
        if refusal is not None:
            yield Member("", error=refusal)
            return
        out = bytearray()
        view = memoryview(data)
        position = 0
        streams = 1
        decompressor = self._make()
        feed: bytes | memoryview = b""
        while True:
            if not feed and getattr(decompressor, "needs_input", True):
                if position >= len(data):
                    break  # all input read: a truncated stream keeps what was recovered
                feed = view[position : position + _CHUNK]
                position += len(feed)
            room = budget.limits.max_member_bytes + 1 - len(out)
            out += decompressor.decompress(feed, room)
            refusal = _size_refusal(budget, len(out)) or _ratio_refusal(budget, len(out), len(data))
            if refusal is not None:
                yield Member("", error=refusal)
                return
            if getattr(decompressor, "eof", False):
                position -= len(getattr(decompressor, "unused_data", b""))
                rest = view[position : position + _CHUNK]
                if position + len(rest) >= len(data) and not bytes(rest).strip(b"\x00"):
                    break
                streams += 1
                if streams > budget.limits.max_members:
                    yield Member("", error=f"refused: more than {streams - 1} concatenated streams")
                    return
                decompressor = self._make()  # concatenated streams (`cat a.gz b.gz`)
                feed = b""
                continue
            tail = getattr(decompressor, "unconsumed_tail", None)
            feed = bytes(tail) if tail else b""  # zlib hands back what it did not consume
        budget.total += len(out)
        yield Member("", bytes(out))


_CHUNK = 64 * 1024
"""Compressed bytes fed to a decompressor at a time."""


def _gzip() -> _Decompressor:
    return zlib.decompressobj(16 + zlib.MAX_WBITS)


READERS: tuple[ZipReader | TarReader | CompressedReader, ...] = (
    ZipReader(),
    TarReader(),
    CompressedReader("gzip", b"\x1f\x8b", _gzip, (".tgz", ".gz")),
    CompressedReader("bz2", b"BZh", bz2.BZ2Decompressor, (".tbz2", ".bz2")),
    CompressedReader("xz", b"\xfd7zXZ\x00", lzma.LZMADecompressor, (".txz", ".xz")),
)
"""Every container reader, tried in order on an item's first bytes."""
