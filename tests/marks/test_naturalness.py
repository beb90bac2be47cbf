"""Scheme 5's marks are natural: checked against the naturalness table measured on the stdlib."""

from __future__ import annotations

import ast
from itertools import product
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import forewarn
from forewarn.domain import ArtifactKind
from forewarn.marks import CodeSpec, Marker
from forewarn.marks.channels._python.agents import (
    CHROME_BUILDS,
    FIREFOX_MAJORS,
    SAFARI_VERSIONS,
    agent_partners,
    coherent_agent,
)
from forewarn.marks.channels.pysource import PythonSourceChannel
from forewarn.marks.channels.pysource import natural as source_natural
from forewarn.marks.channels.pysource.canon import analyse
from forewarn.marks.channels.text import natural as text_natural
from forewarn.marks.channels.wire import WireChannel
from forewarn.marks.naturalness import MIN_SHARE, NaturalnessTable, Row
from forewarn.marks.naturalness.census import source_rows
from forewarn.marks.naturalness.check import shipped_table, unnatural_lines
from forewarn.marks.naturalness.corpus import read_corpus
from forewarn.marks.naturalness.table import MIN_COUNT
from forewarn.marks.schemes import CURRENT_SCHEME, registry_for

SCENARIOS = Path(forewarn.__file__).parent / "data/scenarios"
BENCH_POC = Path(__file__).parents[2] / "bench/pocs/ticketdesk_requests.py"
ARTIFACTS = [
    (SCENARIOS / "exchange-2021/poc.py", ArtifactKind.POC),
    (SCENARIOS / "mapp-2012/poc.py", ArtifactKind.POC),
    (BENCH_POC, ArtifactKind.POC),
    (SCENARIOS / "exchange-2021/advisory.md", ArtifactKind.ADVISORY),
    (SCENARIOS / "exchange-2021/detection.md", ArtifactKind.DETECTION),
]
PARTNERS = ("Acme AV", "Northwind CERT", "Contoso Labs")


def _copies(scheme: int, path: Path, kind: ArtifactKind) -> tuple[str, list[str]]:
    marker = Marker(bytes(range(32)), "FW-2021-0001", CodeSpec(n_partners=20), registry_for(scheme))
    original = path.read_text(encoding="utf-8")
    return original, [
        marker.mark(path.name, kind, original.encode(), p).content.decode() for p in PARTNERS
    ]


def test_scheme_6_is_current_and_schemes_5_and_6_mark_only_kinds_the_table_keeps() -> None:
    table = shipped_table()
    assert CURRENT_SCHEME == 6
    assert source_natural.NATURAL_KINDS <= table.kept("python_source")
    assert source_natural.SCHEME6_KINDS <= table.kept("python_source")
    for kinds in (text_natural.NATURAL_KINDS, text_natural.SCHEME6_KINDS):
        assert kinds - text_natural.ADVISORY_VOCABULARY <= table.kept("text")
    for shape in ("ifswap:compare", "ternary:compare"):  # split kinds: only the plain shape
        assert not table.row("python_source", shape).kept
    for kind in text_natural.ADVISORY_VOCABULARY:  # kept by name only where the corpus is mute
        assert table.row("text", kind).total < MIN_COUNT
    for kind in ("negcmp", "cmporder", "ifswap", "ternary", "quote"):
        assert kind not in source_natural.NATURAL_KINDS  # the reviewer's odd forms
        assert not table.row("python_source", kind).kept


def test_the_rule_keeps_a_kind_only_when_its_rarer_form_is_common_enough() -> None:
    assert Row("t", "k", ("a", "b"), (95, 5)).kept
    assert not Row("t", "k", ("a", "b"), (96, 4)).kept
    assert not Row("t", "k", ("a", "b"), (5, 5)).kept  # too few seen to tell
    quote = Row("t", "q", ("a", "b", "same"), (40, 60, 1900))  # third form is not written
    assert (quote.share, quote.kept, quote.natural(2)) == (0.02, False, True)
    table = NaturalnessTable("3.11.7", 1, (quote,))
    assert NaturalnessTable.from_json(table.to_json()) == table
    assert "dropped" in table.markdown() and MIN_SHARE == 0.05


def test_the_shipped_table_is_the_census_of_the_stdlib_on_a_sample() -> None:
    """The census is the source walker's: a sample of stdlib files counted again adds up to
    no more than the table, for every kind (a guard against a walker changed unmeasured)."""
    table = shipped_table()
    sample = sorted(Path(ast.__file__).parent.glob("[a-c]*.py"))[:25]
    for row in source_rows(list(read_corpus(sample))):
        shipped = table.row("python_source", row.kind)
        assert all(a <= b for a, b in zip(row.counts, shipped.counts, strict=True)), row


SCHEME_ARTIFACTS = [(scheme, *a) for scheme in (5, 6) for a in ARTIFACTS]


def _ids(value: object) -> str:
    return getattr(value, "name", str(value))


@pytest.mark.parametrize(("scheme", "path", "kind"), SCHEME_ARTIFACTS, ids=_ids)
def test_a_marked_copy_passes_the_naturalness_check(
    scheme: int, path: Path, kind: ArtifactKind
) -> None:
    original, copies = _copies(scheme, path, kind)
    python = kind is ArtifactKind.POC
    assert any(copy != original for copy in copies)
    for copy in copies:
        assert unnatural_lines(original, copy, python=python) == []


@pytest.mark.parametrize(("scheme", "path", "kind"), SCHEME_ARTIFACTS, ids=_ids)
def test_two_partners_copies_differ_only_in_forms_the_table_holds(
    scheme: int, path: Path, kind: ArtifactKind
) -> None:
    _, copies = _copies(scheme, path, kind)
    python = kind is ArtifactKind.POC
    for first, second in zip(copies, copies[1:], strict=False):
        assert first != second
        assert unnatural_lines(first, second, python=python) == []
        assert unnatural_lines(second, first, python=python) == []


def test_the_check_fails_on_scheme_3_copies() -> None:
    """The check can fail: scheme 3's copies hold the forms a reviewer noticed."""
    original, copies = _copies(3, SCENARIOS / "exchange-2021/poc.py", ArtifactKind.POC)
    forms = {f.form.split(" form ")[0] for f in unnatural_lines(original, copies[0], python=True)}
    assert {"quote", "cmporder"} <= forms
    text, marked = _copies(3, SCENARIOS / "exchange-2021/advisory.md", ArtifactKind.ADVISORY)
    assert unnatural_lines(text, marked[0], python=False)


def test_the_check_sees_an_incoherent_user_agent_and_zone() -> None:
    before = 'UA = "x"\nDATE = "x"\n'
    after = (
        'UA = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/120.0"\n'
        'DATE = "Tue, 02 Mar 2021 10:00:00 -0001"\n'
    )
    assert [f.form for f in unnatural_lines(before, after, python=True)] == [
        "user agent",
        "time zone",
    ]


def test_scheme_5_source_kinds_round_trip_in_their_natural_forms() -> None:
    source = (
        "def check(value, limit):\n"
        "    total = 0\n"
        "    while True:\n"
        "        if value is not None:\n"
        "            total += 1\n"
        '            label = "big" if value == limit else "small"\n'
        "        else:\n"
        "            raise ValueError\n"
        "        print(label, total)\n"
        "        break\n"
        "    return total\n"
    )
    channel = PythonSourceChannel(blind=True, version=5)
    assert channel.capacity(source) >= 4
    assert "if value is None:" in channel.embed(source, [0] * channel.capacity(source))
    flipped = channel.embed(source, [1] * channel.capacity(source))
    assert "while 1:" in flipped and "if value is not None:" in flipped
    assert "raise ValueError()" in flipped and "value != limit" in flipped
    assert channel.extract(source, flipped) == [1] * channel.capacity(source)
    ns: dict[str, object] = {}
    exec(compile(flipped, "<marked>", "exec"), ns)  # our own test code, not material from the wild
    assert ns["check"](1, 1) == 1  # type: ignore[operator]
    assert not unnatural_lines(source, flipped, python=True)
    assert {s.kind.value for s in analyse(ast.parse(flipped), flipped, version=5).sites} >= {
        "ifnegate",
        "ternegate",
        "raisecall",
        "whiletrue",
    }


def test_scheme_6_source_kinds_round_trip_in_their_natural_forms() -> None:
    source = (
        "import sys\n"
        "\n"
        "\n"
        "def check(items, strict):\n"
        "    total = 0\n"
        "    if len(items) > 0:\n"
        "        total = total + len(items)\n"
        "        print(total, items)\n"
        "    if strict:\n"
        "        label = 'strict'\n"
        "        print(label, total)\n"
        "    else:\n"
        "        label = 'lax'\n"
        "        print(total, label)\n"
        "    size = 'many' if strict else 'few'\n"
        "    if total > 10:\n"
        "        sys.exit('too many: ' + size)\n"
        "    return total\n"
    )
    five = PythonSourceChannel(blind=True, version=5)
    channel = PythonSourceChannel(blind=True, version=6)
    size = channel.capacity(source)
    assert size >= five.capacity(source) + 4
    flipped = channel.embed(source, [1 - b for b in channel.extract(source, source)])
    assert "len(items) != 0" in flipped and "if not strict:" in flipped
    assert "raise SystemExit('too many: ' + size)" in flipped
    assert "'few' if not strict else 'many'" in flipped
    assert channel.extract(source, flipped) == [1 - b for b in channel.extract(source, source)]
    assert not unnatural_lines(source, flipped, python=True)
    for marked in (source, flipped):
        ns: dict[str, object] = {}
        exec(compile(marked, "<marked>", "exec"), ns)  # our own test code, not from the wild
        check = ns["check"]
        assert check([1, 2], True) == 2 and check([], False) == 0  # type: ignore[operator]
        with pytest.raises(SystemExit, match="too many: few"):
            check(list(range(11)), False)  # type: ignore[operator]


def test_sys_exit_is_left_alone_where_sys_is_not_the_module() -> None:
    source = (
        "import os as sys\n"
        "\n"
        "\n"
        "def main(argv):\n"
        "    total = len(argv) + 1\n"
        "    print(total, argv, total + 1, argv[0], argv[-1])\n"
        "    if total > 4:\n"
        "        sys.exit(total)\n"
        "    raise SystemExit(total)\n"
    )
    channel = PythonSourceChannel(blind=True, version=6)
    flipped = channel.embed(source, [1] * channel.capacity(source))
    assert "sys.exit(total)" in flipped and "raise SystemExit(total)" in flipped


AGENTS = st.one_of(
    st.sampled_from(FIREFOX_MAJORS).map(
        lambda v: (
            f"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0"
        )
    ),
    st.sampled_from(FIREFOX_MAJORS).map(
        lambda v: f"Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0"
    ),
    st.sampled_from(CHROME_BUILDS).map(
        lambda b: (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            f"(KHTML, like Gecko) Chrome/{b} Safari/537.36"
        )
    ),
    st.integers(110, 130).map(
        lambda v: (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            f"(KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36"
        )
    ),
    st.sampled_from(SAFARI_VERSIONS).map(
        lambda v: (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            f"(KHTML, like Gecko) Version/{v} Safari/605.1.15"
        )
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    agent=AGENTS,
    bits=st.lists(st.booleans(), min_size=3, max_size=3),
    version=st.sampled_from((5, 6)),
)
def test_user_agents_stay_coherent_under_any_bits(
    agent: str, bits: list[bool], version: int
) -> None:
    assert coherent_agent(agent)
    parts = agent_partners(agent, version)
    assert parts
    if version == 6 and "Windows" in agent and "Chrome/1" not in agent:
        assert any(other in ("WOW64", "Win64; x64") for _, _, other in parts)
    out = agent
    for (start, end, other), bit in sorted(zip(parts, bits, strict=False), reverse=True):
        if bit:
            out = out[:start] + other + out[end:]
    assert coherent_agent(out), out


def test_incoherent_user_agents_are_refused() -> None:
    assert not coherent_agent(
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/120.0"
    )
    assert not coherent_agent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/88.0.4324.191 Safari/537.36"
    )


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_wire_channel_of_schemes_5_and_6_sends_only_real_user_agents(seed: int) -> None:
    """Random bits through the scheme 5 and 6 wire channels of both shipped HTTP PoCs: every
    user agent the copy holds is a real release's, and the bits read back."""
    for path, version in product((SCENARIOS / "exchange-2021/poc.py", BENCH_POC), (5, 6)):
        original = path.read_text(encoding="utf-8")
        channel = WireChannel(version=version)
        size = channel.capacity(original)
        bits = [(seed >> (k % 32)) & 1 for k in range(size)]
        marked = channel.embed(original, bits)
        assert channel.extract(original, marked) == bits
        agents = [
            node.value
            for node in ast.walk(ast.parse(marked))
            if isinstance(node, ast.Constant) and str(node.value).startswith("Mozilla/5.0 (")
        ]
        assert agents and all(coherent_agent(a) for a in agents)
