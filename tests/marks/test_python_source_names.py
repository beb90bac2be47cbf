"""The name layer of the Python source channel: fragile by design, never wrong."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysupport import (
    TRANSFORMS,
    poc_source,
    random_bits,
    rename_all,
    run_against_toy,
    stdlib_sources,
)

from forewarn.marks.channels.pysource.channel import PythonSourceChannel, _plan
from forewarn.marks.channels.pysource.names import PAIRS, SPELLINGS

CHANNEL = PythonSourceChannel()
POC = poc_source()
CAPACITY = CHANNEL.capacity(POC)
NAME_AT = [k for k, found in enumerate(_plan(POC).located) if found.site.kind == "name"]
"""Positions of the name layer's choice points among the channel's bits."""


def _names(read: list[int | None]) -> list[int | None]:
    return [read[k] for k in NAME_AT]


def test_the_pair_table_gives_each_spelling_one_pair() -> None:
    spellings = [s for pair in PAIRS for s in pair]
    assert len(spellings) == len(set(spellings)) == len(SPELLINGS)
    assert all(s.isidentifier() for s in spellings)


def test_the_poc_offers_name_bits() -> None:
    assert len(NAME_AT) >= 8


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 1), min_size=CAPACITY, max_size=CAPACITY))
def test_embed_then_extract_returns_the_name_bits(bits: list[int]) -> None:
    marked = CHANNEL.embed(POC, bits)
    read = CHANNEL.extract(POC, marked)
    assert read == bits
    for transform in ("black", "ast_unparse"):
        assert _names(CHANNEL.extract(POC, TRANSFORMS[transform](marked))) == _names(bits)


def test_names_change_with_the_bits() -> None:
    zeros = [0] * CAPACITY
    ones = list(zeros)
    for k in NAME_AT:
        ones[k] = 1
    short, long = CHANNEL.embed(POC, zeros), CHANNEL.embed(POC, ones)
    assert "resp =" in short and "response =" in long


def test_renaming_every_identifier_erases_the_name_layer() -> None:
    for seed in range(3):
        bits = random_bits(CAPACITY, seed)
        for transform in (rename_all, TRANSFORMS["minify"]):
            read = CHANNEL.extract(POC, transform(CHANNEL.embed(POC, bits)))
            assert _names(read) == [None] * len(NAME_AT)
            assert all(g is None or g == b for g, b in zip(read, bits, strict=True))


def test_a_clashing_rename_erases_rather_than_flips() -> None:
    """Two variables renamed to the same spelling no longer tell apart: erased, not misread."""
    marked = CHANNEL.embed(POC, [0] * CAPACITY)
    clashed = marked.replace("hdrs", "data")
    read = _names(CHANNEL.extract(POC, clashed))
    assert all(bit in (None, 0) for bit in read)


def test_unrelated_stdlib_modules_read_as_erasures() -> None:
    read = 0
    for source in stdlib_sources(40):
        read += sum(bit is not None for bit in _names(CHANNEL.extract(POC, source)))
    assert read == 0


def test_guarded_names_are_left_alone() -> None:
    """Parameters, strings, `locals()` and clashes keep a local out of the name layer."""
    source = '''\
def fetch(session, url):
    """Fetch `url`; the answer is kept as the data."""
    response = session.get(url)
    body = response.text
    result = body.strip()
    print(f"{result=}")
    msg = "%(resp)s" % locals()
    return msg


def store(conn, rows):
    cursor = conn.cursor()
    for item in rows:
        cmd = "insert " + str(item)
        cursor.execute(cmd)
    out = cursor.rowcount
    output = 0
    return out + output
'''
    located = [f.site for f in _plan(source).located if f.site.kind == "name"]
    names = {ast.unparse(site.nodes[0]) for site in located}
    assert names == {"cmd"}
    marked = CHANNEL.embed(source, [1] * CHANNEL.capacity(source))
    assert "command = " in marked and "cursor.execute(command)" in marked


def test_marked_poc_behaves_as_the_original(tmp_path: Path) -> None:
    original, _, _ = run_against_toy(POC, tmp_path / "original")
    bits = [0] * CAPACITY
    for k in NAME_AT:
        bits[k] = 1
    marked = CHANNEL.embed(POC, bits)
    seen, _, _ = run_against_toy(marked, tmp_path / "marked")
    assert "response" in marked and len(seen) == len(original) == 4
    assert _without_ports(seen) == _without_ports(original)


def _without_ports(requests: list[dict[str, object]]) -> str:
    """The recorded requests; the port each toy server drew is not the PoC's doing."""
    return re.sub(r":\d+", ":PORT", json.dumps(requests, sort_keys=True))


@pytest.mark.parametrize("module", ["shlex", "poplib"])
def test_renamed_stdlib_modules_pass_their_own_tests(module: str, tmp_path: Path) -> None:
    if importlib.util.find_spec(f"test.test_{module}") is None:
        pytest.skip(f"this interpreter ships no test.test_{module}")
    source = (Path(sysconfig.get_paths()["stdlib"]) / f"{module}.py").read_text(encoding="utf-8")
    located = _plan(source).located
    flipped = [1 - (f.site.bit or 0) if f.site.kind == "name" else 0 for f in located]
    assert any(f.site.kind == "name" for f in located)
    marked = CHANNEL.embed(source, flipped)
    (tmp_path / f"{module}.py").write_text(marked, encoding="utf-8")
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import {module}; "
        f"assert {module}.__file__.startswith({str(tmp_path)!r}); "
        f"import unittest, test.test_{module} as suite; unittest.main(module=suite)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
