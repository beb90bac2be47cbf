"""The literals channel: wire values in the string literals of non-Python PoCs."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from literal_run import POCS, run
from pysupport import poc_source

from forewarn.domain import ArtifactKind
from forewarn.errors import MarkError
from forewarn.marks import ChannelRegistry, CodeSpec, Marker
from forewarn.marks.channels.interface import Channel
from forewarn.marks.channels.literals import LiteralChannel
from forewarn.marks.channels.literals.channel import plan
from forewarn.marks.channels.literals.grammars import parse_as
from forewarn.marks.channels.payload.sites import DIGITS

CHANNEL = LiteralChannel()
FIXTURES = {p.name: p.read_text(encoding="utf-8") for p in sorted(POCS.iterdir())}
LANGUAGES = {
    "poc.js": "javascript",
    "poc.ts": "typescript",
    "poc.sh": "shell",
    "poc.ps1": "powershell",
    "poc.c": "c",
    "Poc.java": "java",
    "Poc.cs": "csharp",
}
MINIMUM = {"poc.js": 8, "poc.sh": 8, "Poc.java": 7, "poc.c": 7, "Poc.cs": 7, "poc.ps1": 5}


def _bits(seed: int, count: int) -> list[int]:
    digest = hashlib.sha256(str(seed).encode()).digest() * (count // 256 + 1)
    return [(digest[k // 8] >> (k % 8)) & 1 for k in range(count)]


def _literal_spans(text: str) -> list[tuple[int, int]]:
    return [(lit.start, lit.end) for lit in plan(text).literals]


def test_channel_satisfies_the_protocol() -> None:
    channel: Channel = CHANNEL
    assert channel.name == "literals"
    assert not channel.reads_capture("GET /x HTTP/1.1\r\nHost: a\r\n\r\n")


@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_language_is_the_grammar_with_fewest_errors(name: str) -> None:
    chosen = plan(FIXTURES[name]).parsed
    assert (chosen.language, chosen.errors) == (LANGUAGES[name], 0)


@pytest.mark.parametrize("name", sorted(MINIMUM))
def test_each_language_offers_digit_and_case_points(name: str) -> None:
    points = plan(FIXTURES[name]).points
    assert len(points) >= MINIMUM[name]
    assert {p.kind for p in points} == {"digits", "case"}


def test_a_python_poc_offers_nothing() -> None:
    assert CHANNEL.capacity(poc_source()) == 0
    assert CHANNEL.embed(poc_source(), []) == poc_source()
    assert CHANNEL.extract(poc_source(), poc_source()) == []


def test_hosts_ports_and_repeated_numbers_are_never_marked() -> None:
    text = FIXTURES["poc.js"] + FIXTURES["poc.sh"]
    for name in ("poc.js", "poc.sh", "poc.c", "Poc.cs", "poc.ps1"):
        chosen = plan(FIXTURES[name])
        for point in chosen.points:
            literal = chosen.literals[point.literal]
            before = literal.content[: point.span[0]]
            assert "127.0.0.1" not in literal.content[point.span[0] - 10 : point.span[1]]
            assert not before.endswith(":"), (name, literal.content)
    assert "User-Agent" in text  # used twice in poc.js: its casing is left alone
    js = plan(FIXTURES["poc.js"])
    names = [js.literals[p.literal].content for p in js.points if p.kind == "case"]
    assert "User-Agent" not in names and "Content-Length" not in names


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(LANGUAGES)), data=st.data())
def test_embed_then_extract_returns_the_bits(name: str, data: st.DataObject) -> None:
    original = FIXTURES[name]
    count = CHANNEL.capacity(original)
    bits = data.draw(st.lists(st.integers(0, 1), min_size=count, max_size=count))
    marked = CHANNEL.embed(original, bits)
    assert CHANNEL.extract(original, marked) == bits
    assert parse_as(LANGUAGES[name], marked.encode()).errors == 0
    before, after = original.encode(), marked.encode()
    assert len(before) == len(after)
    changed = [k for k in range(len(before)) if before[k] != after[k]]
    spans = _literal_spans(original)
    assert all(any(a <= k < b for a, b in spans) for k in changed)


def test_wrong_bit_counts_are_refused() -> None:
    with pytest.raises(MarkError):
        CHANNEL.embed(FIXTURES["poc.js"], [0])
    with pytest.raises(MarkError):
        CHANNEL.embed(FIXTURES["poc.js"], [2] * CHANNEL.capacity(FIXTURES["poc.js"]))


def _rename_and_restyle_js(text: str) -> str:
    """What a careless attacker does: rename, single quotes, other indentation, no comments."""
    for old, new in (("send", "doRequest"), ("agent", "ua"), ("note", "msg"), ("sid", "token")):
        text = re.sub(rf"\b{old}\b", new, text)
    text = re.sub(r'"([^"\\\n]*)"', r"'\1'", text)
    text = "\n".join(
        "    " * (len(row) - len(row.lstrip())) + row.strip() for row in text.splitlines()
    )
    return re.sub(r"^\s*//.*$", "", text, flags=re.MULTILINE)


def _rename_shell(text: str) -> str:
    for old, new in (("HOST", "TARGET"), ("BASE", "ROOT"), ("SID", "SESSION")):
        text = re.sub(rf"\b{old}\b", new, text)
    return text.replace("\\\n  ", "")


@pytest.mark.parametrize(
    ("name", "attack"), [("poc.js", _rename_and_restyle_js), ("poc.sh", _rename_shell)]
)
def test_marks_survive_renaming_and_reformatting(name: str, attack: object) -> None:
    original = FIXTURES[name]
    bits = _bits(7, CHANNEL.capacity(original))
    suspect = attack(CHANNEL.embed(original, bits))  # type: ignore[operator]
    assert suspect != CHANNEL.embed(original, bits)
    assert CHANNEL.extract(original, suspect) == bits


def test_a_duplicated_literal_is_read_by_its_neighbours_or_erased() -> None:
    original = FIXTURES["poc.js"]
    bits = _bits(3, CHANNEL.capacity(original))
    marked = CHANNEL.embed(original, bits)
    other = CHANNEL.embed(original, [1 - b for b in bits])
    # A merge that keeps both copies' request trace literal: the two readings disagree.
    line = next(row for row in other.splitlines() if "X-Request-Trace" in row)
    merged = marked.replace("async function main", line.strip() + "\nasync function main")
    read = CHANNEL.extract(original, merged)
    trace = next(
        k
        for k, p in enumerate(plan(original).points)
        if plan(original).literals[p.literal].content.startswith("trace-")
    )
    assert read[trace] == bits[trace]  # the copy in place has the original's neighbours
    assert read[:trace] + read[trace + 1 :] == bits[:trace] + bits[trace + 1 :]


@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_unrelated_files_read_as_erasures(name: str) -> None:
    unrelated = (
        'const http = require("http");\n'
        'http.get({ path: "/status/v2/health_1234.json", headers: { "X-Probe": "p-5678" } });\n'
        'xhr.setRequestHeader("X-Other-Trace", "other-20731");\n'
    )
    for suspect in (unrelated, FIXTURES["poc.ts" if name != "poc.ts" else "poc.js"], "", "\0\1"):
        assert set(CHANNEL.extract(FIXTURES[name], suspect)) <= {None}


def test_marked_copies_differ_per_partner_through_the_engine() -> None:
    registry = ChannelRegistry({ArtifactKind.POC: (LiteralChannel(),)})
    marker = Marker(b"k" * 32, "CASE-LIT-1", CodeSpec(n_partners=64), registry)
    original = FIXTURES["poc.sh"].encode()
    copies = {p: marker.mark("poc.sh", ArtifactKind.POC, original, p).content for p in "ABC"}
    assert len({hashlib.sha256(c).hexdigest() for c in copies.values()}) == 3
    seen = marker.extract("poc.sh", ArtifactKind.POC, original, copies["B"])
    assert len(seen) == CHANNEL.capacity(FIXTURES["poc.sh"])
    word = marker.codeword("B")
    assert all(word[o.position] == o.symbol for o in seen)


def _shape(request: object) -> tuple[object, ...]:
    """A request with the marked values blanked: digit runs and header-name casing."""
    method = request.method  # type: ignore[attr-defined]
    path = DIGITS.sub("#", request.path)  # type: ignore[attr-defined]
    query = tuple((k, DIGITS.sub("#", v)) for k, v in request.query)  # type: ignore[attr-defined]
    headers = tuple(
        (k.lower(), DIGITS.sub("#", v))
        for k, v in request.headers  # type: ignore[attr-defined]
        if k.lower() != "host"
    )
    return method, path, query, headers, request.body  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["poc.js", "poc.sh", "Poc.java", "poc.c"])
def test_marked_copies_behave_as_the_original(name: str, tmp_path: Path) -> None:
    original = FIXTURES[name]
    plain = run(name, original, tmp_path / "original")
    for seed in (1, 2):
        bits = _bits(seed, CHANNEL.capacity(original))
        marked = run(name, CHANNEL.embed(original, bits), tmp_path / f"marked{seed}")
        requests, printed = marked
        assert printed == plain[1]
        assert [_shape(r) for r in requests] == [_shape(r) for r in plain[0]]
        sent = "\n".join(f"{r.path}?{r.query} {r.headers}" for r in requests)
        assert sent != "\n".join(f"{r.path}?{r.query} {r.headers}" for r in plain[0])
