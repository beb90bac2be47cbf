"""Malformed bytes and archives fed to every reader: refused or read, never a crash."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.errors import HuntError
from forewarn.hunt import Limits, read_bytes
from forewarn.hunt.similarity import fingerprint

SMALL = Limits(max_member_bytes=64 * 1024, max_total_bytes=256 * 1024, max_members=50)


def _zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/b.py", data)
        archive.writestr("c.txt", data[::-1])
    return buffer.getvalue()


def _tar(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("x.log")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


CONTAINERS = [
    _zip,
    _tar,
    gzip.compress,
    bz2.compress,
    lzma.compress,
    lambda d: gzip.compress(_tar(d)),
    lambda d: _zip(_zip(d)),
]


def _read_all(name: str, data: bytes) -> None:
    try:
        for item in read_bytes(name, data, SMALL):
            assert item.error is not None or item.size == len(item.head(10**9))
            if item.error is None:
                item.text(4096)
    except HuntError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048), st.sampled_from(["x.zip", "x.gz", "x.tar", "x.py", "x"]))
def test_random_bytes_never_crash(data: bytes, name: str) -> None:
    _read_all(name, data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=512),
    st.sampled_from(range(len(CONTAINERS))),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    st.integers(0, 10**6),
)
def test_mutated_archives_never_crash(
    payload: bytes, which: int, flips: list[tuple[int, int]], cut: int
) -> None:
    data = bytearray(CONTAINERS[which](payload))
    for position, value in flips:
        data[position % len(data)] = value
    _read_all("sample", bytes(data[: max(1, cut % (len(data) + 1))]))


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=400),
    st.sampled_from(["python", "java", "c", "cpp", "csharp", "javascript", "shell", None]),
)
def test_fingerprint_any_text(text: str, language: str | None) -> None:
    print_ = fingerprint(text, language)
    assert len(set(print_.features.tolist())) == len(print_.features)


def test_deeply_nested_code_does_not_overflow_the_stack() -> None:
    print_ = fingerprint("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n", "python")
    assert print_.lines == 2
