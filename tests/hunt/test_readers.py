"""Safe reading: archives, limits, traversal names, encodings and kinds."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from pathlib import Path

import pytest

from forewarn.errors import HuntError
from forewarn.hunt import ItemKind, Limits, read_bytes, read_paths

PY = b"import os\n\ndef main(argv):\n    return len(argv)\n"
IIS = b"#Software: Microsoft Internet Information Services 10.0\n#Fields: date time cs-uri-stem\n"
APACHE = (
    b'127.0.0.1 - - [23/Feb/2021:10:00:00 +0000] "GET /owa/x HTTP/1.1" 200 512 "-" "curl/8"\n'
    b'127.0.0.1 - - [23/Feb/2021:10:00:01 +0000] "POST /ecp/y HTTP/1.1" 302 - "-" "curl/8"\n'
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind", "language"),
    [
        ("tool.py", PY, ItemKind.PYTHON, "python"),
        ("noext", b"#!/usr/bin/env python3\nprint(1)\n", ItemKind.PYTHON, "python"),
        ("noext2", PY, ItemKind.PYTHON, "python"),
        ("Poc.java", b"class Poc { }\n", ItemKind.SOURCE, "java"),
        ("x.ps1", b"Write-Host 'hi'\n", ItemKind.SOURCE, "powershell"),
        ("run", b"#!/bin/bash\necho hi\n", ItemKind.SOURCE, "shell"),
        ("app.ts", b"let x: number = 1;\n", ItemKind.SOURCE, "typescript"),
        ("u_ex210228.log", IIS, ItemKind.WEBLOG, None),
        ("access.log", APACHE, ItemKind.WEBLOG, None),
        ("notes.md", b"Patch on Tuesday.\n", ItemKind.TEXT, None),
        ("sample.bin", b"MZ\x90\x00\x03\x00\x00\x00", ItemKind.BINARY, None),
    ],
)
def test_kinds(name: str, data: bytes, kind: ItemKind, language: str | None) -> None:
    (item,) = read_bytes(name, data)
    assert (item.kind, item.language, item.error) == (kind, language, None)


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        ("héllo wörld".encode(), "utf-8", "héllo wörld"),
        ("héllo".encode("utf-16"), "utf-16", "héllo"),
        (b"\xef\xbb\xbfbom", "utf-8-sig", "bom"),
        ("café".encode("latin-1"), "latin-1", "café"),
    ],
)
def test_encodings(data: bytes, encoding: str, text: str) -> None:
    (item,) = read_bytes("a.txt", data)
    assert item.kind is ItemKind.TEXT
    assert item.encoding == encoding
    assert item.text(1000) == text


def test_nested_archives_and_traversal_names_stay_in_memory(tmp_path: Path) -> None:
    inner = gzip.compress(_tar({"logs/access.log": APACHE, "../../../etc/passwd": b"x\n"}))
    data = _zip({"/abs/tool.py": PY, "..\\..\\win.ps1": b"Get-Item .\n", "inner.tar.gz": inner})
    (tmp_path / "s.zip").write_bytes(data)
    items = list(read_paths([tmp_path]))
    paths = [i.path.split("!", 1)[1] for i in items]
    assert paths == [
        "abs/tool.py",
        "win.ps1",
        "inner.tar.gz!inner.tar!logs/access.log",
        "inner.tar.gz!inner.tar!etc/passwd",
    ]
    assert [i.kind for i in items[:3]] == [ItemKind.PYTHON, ItemKind.SOURCE, ItemKind.WEBLOG]
    assert all(i.archive == str(tmp_path / "s.zip") for i in items)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["s.zip"]  # nothing extracted


def test_zip_bomb_refused_and_the_rest_still_read() -> None:
    data = _zip({"a.py": PY, "bomb.txt": b"\0" * (20 * 1024**2), "z.txt": b"after\n"})
    items = list(read_bytes("s.zip", data))
    assert [i.path for i in items] == ["s.zip!a.py", "s.zip!bomb.txt", "s.zip!z.txt"]
    assert items[1].error is not None and "zip bomb" in items[1].error
    assert items[0].error is None and items[2].text(100) == "after\n"


@pytest.mark.parametrize(
    ("compress", "name"),
    [(gzip.compress, "x.gz"), (bz2.compress, "x.bz2"), (lzma.compress, "x.xz")],
)
def test_compressed_stream_bombs_refused(compress: object, name: str) -> None:
    bomb = compress(b"A" * (8 * 1024**2))  # type: ignore[operator]
    (item,) = read_bytes(name, bomb)
    assert item.error is not None and "ratio" in item.error
    (ok,) = read_bytes(name, compress(PY))  # type: ignore[operator]
    assert ok.kind is ItemKind.PYTHON and ok.path == f"{name}!x"


def test_member_size_depth_and_count_limits() -> None:
    limits = Limits(max_member_bytes=100, max_depth=2, max_members=3)
    (big,) = read_bytes("s.zip", _zip({"big.txt": b"y" * 101}), limits)
    assert big.error is not None and "larger than 100" in big.error
    deep = _zip({"l2.zip": _zip({"l3.zip": _zip({"a.py": PY})})})
    (too_deep,) = read_bytes("d.zip", deep, Limits(max_depth=2))
    assert too_deep.error is not None and "nested deeper than 2" in too_deep.error
    (shallow,) = read_bytes("d.zip", deep, Limits(max_depth=3))
    assert shallow.path == "d.zip!l2.zip!l3.zip!a.py" and shallow.error is None
    many = list(read_bytes("m.zip", _zip({f"{i}.txt": b"x" for i in range(6)}), limits))
    assert [i.error is None for i in many] == [True, True, True, False]
    assert many[-1].error is not None and "more than 3" in many[-1].error


def test_total_bytes_limit_spans_nesting() -> None:
    limits = Limits(max_total_bytes=150)
    data = _zip({"a.txt": b"a" * 100, "b.txt": b"b" * 100})
    items = list(read_bytes("s.zip", data, limits))
    assert items[0].error is None
    assert items[1].error is not None and "150 bytes in total" in items[1].error


def test_corrupt_archive_reported_not_raised() -> None:
    data = _zip({"a.py": PY})
    (item,) = read_bytes("s.zip", data[:40])
    assert item.error is not None and item.error.startswith("unreadable zip archive")


def test_missing_path_reported(tmp_path: Path) -> None:
    (item,) = read_paths([tmp_path / "nope"])
    assert item.error == "not found or not a regular file"


def test_large_file_streams_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    path.write_bytes(APACHE * 5000)
    (item,) = read_paths([path], Limits(chunk_bytes=4096))
    chunks = list(item.chunks(4096))
    assert item.data is None and item.kind is ItemKind.WEBLOG
    assert max(len(c) for c in chunks) == 4096 and b"".join(chunks) == APACHE * 5000


@pytest.mark.parametrize("field", ["max_total_bytes", "max_member_bytes", "chunk_bytes"])
def test_limits_validated(field: str) -> None:
    with pytest.raises(HuntError, match=field):
        Limits(**{field: 0})


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_concatenated_streams_are_read_whole(compress: object) -> None:
    parts = [f"line {i}\n".encode() for i in range(3000)]
    data = b"".join(compress(p) for p in parts)  # type: ignore[operator]
    (item,) = read_bytes("many.log.gz", data)
    assert item.error is None and item.text(10**6) == b"".join(parts).decode()


def test_a_flood_of_empty_gzip_streams_is_refused_by_count() -> None:
    flood = gzip.compress(b"") * 300_000  # 6 MB of empty members: once 316 s, now linear
    (item,) = read_bytes("flood.gz", flood)
    assert item.error is not None and "concatenated streams" in item.error


def test_a_zip_behind_a_self_extractor_stub_is_opened() -> None:
    stub = b"MZ" + b"\x90" * 4094  # an executable stub before the archive, as SFX tools write
    (item,) = read_bytes("setup.exe", stub + _zip({"poc.py": PY}))
    assert item.path == "setup.exe!poc.py" and item.error is None
