"""What a reader yields (`Item`) and the Protocol every container reader implements."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from forewarn.hunt.limits import DEFAULT_CHUNK_BYTES, Limits


class ItemKind(enum.StrEnum):
    """What an item holds, deciding which hunts apply to it."""

    PYTHON = "python"
    SOURCE = "source"
    TEXT = "text"
    WEBLOG = "weblog"
    CAPTURE = "capture"
    """Captured traffic (raw HTTP, pcap, pcapng, HAR, Suricata, Zeek): read by `hunt.wire`."""
    BINARY = "binary"


@dataclass(frozen=True, slots=True)
class Item:
    """One readable thing found in an input: a file, or a member of a (nested) archive.

    Items on disk keep only their path and are streamed; archive members are held in memory,
    bounded by `Limits.max_member_bytes`. Nothing is ever written to disk or executed.
    """

    path: str
    """Display path; archive members read `outer.zip!dir/inner.tar!file.py`."""
    kind: ItemKind
    """Content kind from the name and the first bytes."""
    size: int
    """Size in bytes of the (decompressed) content."""
    language: str | None = None
    """Programming language for python and source items (`java`, `c`, `shell`, ...)."""
    encoding: str | None = None
    """Text encoding guessed for text-like items."""
    archive: str | None = None
    """The top-level archive the item came from, when it is an archive member."""
    source: str | None = field(default=None, repr=False)
    """File on disk to stream from, when not held in memory."""
    data: bytes | None = field(default=None, repr=False)
    """Content held in memory (archive members)."""
    error: str | None = None
    """Why the item was refused or could not be read; it then has no content."""

    @property
    def in_archive(self) -> bool:
        """Whether the item is an archive member."""
        return self.archive is not None

    def chunks(self, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[bytes]:
        """Stream the content in chunks of at most `chunk_bytes` (constant memory on disk)."""
        if self.data is not None:
            view = memoryview(self.data)
            for start in range(0, len(view), chunk_bytes):
                yield bytes(view[start : start + chunk_bytes])
            return
        if self.source is None:
            return
        with open(self.source, "rb") as handle:
            while block := handle.read(chunk_bytes):
                yield block

    def head(self, size: int) -> bytes:
        """The first `size` bytes of the content."""
        if self.data is not None:
            return self.data[:size]
        if self.source is None:
            return b""
        with open(self.source, "rb") as handle:
            return handle.read(size)

    def text(self, max_bytes: int) -> str:
        """The first `max_bytes` decoded with the guessed encoding (undecodable bytes replaced)."""
        raw = self.head(max_bytes)
        return raw.decode(self.encoding or "latin-1", errors="replace")


class ContainerReader(Protocol):
    """Opens one container format (zip, tar, a compressed stream) into named members."""

    name: str
    """Short format name used in messages (`zip`, `tar`, `gzip`)."""

    def sniff(self, head: bytes, tail: bytes = b"") -> bool:
        """Whether the first bytes (or the last, `tail`) look like this format."""
        ...

    def members(self, data: bytes, budget: Budget) -> Iterator[Member]:
        """Yield members, refusing the ones beyond the limits as `Member` with an error."""
        ...


@dataclass(frozen=True, slots=True)
class Member:
    """One member as a container reader returns it, before classification."""

    name: str
    """Member name inside the container, sanitised (no absolute paths, no `..`)."""
    data: bytes = b""
    """The member's content (empty when refused)."""
    error: str | None = None
    """Why it was refused."""


class Budget:
    """What is left of the limits for one top-level input; shared by every nesting level."""

    __slots__ = ("limits", "members", "total")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.members = 0
        self.total = 0
