"""Walk files, directories, (nested) archives and JSON threat-intel documents into classified
`Item`s, within `Limits`.

A refused or unreadable member becomes an `Item` carrying an `error`, and reading goes on
with the rest of the input: one zip bomb in a sample set must not hide the other samples.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from forewarn.hunt.limits import Limits
from forewarn.hunt.readers.archives import PARSE_ERRORS, READERS, CompressedReader
from forewarn.hunt.readers.classify import SNIFF_BYTES, classify
from forewarn.hunt.readers.documents import DocumentReader
from forewarn.hunt.readers.interface import Budget, ContainerReader, Item, ItemKind

logger = logging.getLogger(__name__)

DEFAULT_LIMITS = Limits()

CONTAINERS: tuple[ContainerReader, ...] = (*READERS, DocumentReader())
"""Archives, compressed streams, and threat-intelligence documents opened into their prose."""


def container_for(head: bytes) -> ContainerReader | None:
    """The reader whose format the first bytes announce, if any."""
    for reader in CONTAINERS:
        if reader.sniff(head):
            return reader
    return None


def read_paths(paths: Iterable[str | Path], limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    """Every item under the given files and directories, in a stable order.

    Directories are walked without following symbolic links; each top-level file gets its own
    `Budget`, so one hostile archive cannot starve the others.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    file = Path(root) / name
                    if file.is_file() and not file.is_symlink():
                        yield from read_file(file, limits)
        elif path.is_file():
            yield from read_file(path, limits)
        else:
            yield _refused(str(path), "not found or not a regular file")


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    """One file on disk: streamed when plain, opened in memory when it is an archive."""
    display = str(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            reader = container_for(head)
            if reader is None:
                kind, language, encoding = classify(display, head)
                yield Item(display, kind, size, language, encoding, source=str(path))
                return
            if size > limits.max_member_bytes:
                yield _refused(display, f"refused: archive larger than {limits.max_member_bytes}")
                return
            data = head + handle.read()
    except OSError as exc:
        yield _refused(display, f"unreadable: {exc.strerror or type(exc).__name__}")
        return
    yield from _expand(display, data, reader, 1, Budget(limits), display)


def read_bytes(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    """An input already in memory (an upload, a test), read exactly like a file on disk."""
    yield from _from_bytes(name, data, 0, Budget(limits), None)


def _from_bytes(
    name: str, data: bytes, depth: int, budget: Budget, archive: str | None
) -> Iterator[Item]:
    head = data[:SNIFF_BYTES]
    reader = container_for(head)
    if reader is not None:
        yield from _expand(name, data, reader, depth + 1, budget, archive or name)
        return
    kind, language, encoding = classify(name, head)
    yield Item(name, kind, len(data), language, encoding, archive=archive, data=data)


def _expand(
    name: str, data: bytes, reader: ContainerReader, depth: int, budget: Budget, archive: str
) -> Iterator[Item]:
    if depth > budget.limits.max_depth:
        yield _refused(name, f"refused: archives nested deeper than {budget.limits.max_depth}")
        return
    base = name.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    try:
        for member in reader.members(data, budget):
            if isinstance(reader, CompressedReader):
                inner = f"{name}!{reader.inner_name(base)}"
            else:
                inner = f"{name}!{member.name}"
            if member.error is not None:
                logger.info("%s: %s", inner, member.error)
                yield _refused(inner, member.error, archive)
                continue
            yield from _from_bytes(inner, member.data, depth, budget, archive)
    except PARSE_ERRORS as exc:
        yield _refused(name, f"unreadable {reader.name} archive: {type(exc).__name__}", archive)


def _refused(path: str, message: str, archive: str | None = None) -> Item:
    return Item(path, ItemKind.BINARY, 0, archive=archive, error=message)
