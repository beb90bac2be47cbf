"""Marking a PoC once per original: spliced payload copies and reused Python source plans.

The fast paths must write exactly the bytes the straightforward libcst rewrite of each partner's
copy writes; these tests compare them on random bits.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysupport import poc_source, stdlib_sources

from forewarn.marks.channels._python.source_map import source_map_of
from forewarn.marks.channels.payload.channel import PayloadChannel, _layout
from forewarn.marks.channels.payload.derived import derivation, derived_tree
from forewarn.marks.channels.pysource import channel as python_source
from forewarn.marks.channels.pysource.rewrite import rewrite

POC = poc_source()
PAYLOAD = PayloadChannel()
SOURCE = python_source.PythonSourceChannel()
PAYLOAD_BITS = PAYLOAD.capacity(POC)
SOURCE_BITS = SOURCE.capacity(POC)

HEADERS = """\
import requests

UA = "Mozilla/5.0 (Windows NT 10.0) Chrome/88.0.4324.190"


def send(host):
    headers = {
        "X-Trace-Id": "req-20210302-7731",  # a trace id
        "User-Agent": UA,
        "X-Requested-With": 'XMLHttpRequest',
    }
    if host != "":
        return requests.get("http://" + host + "/ecp/readme_81442.txt", headers=headers)
    return None
"""

bit_lists = st.lists(st.integers(0, 1), min_size=PAYLOAD_BITS, max_size=PAYLOAD_BITS)


def _slow_source_embed(content: str, bits: list[int]) -> str:
    """The Python source channel's copy as written before plans were reused: parse it afresh."""
    plan = python_source._plan.__wrapped__(content)
    assert plan.module is not None and len(plan.located) == len(bits)
    return rewrite(plan.module, list(zip(plan.located, bits, strict=True)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bit_lists)
def test_the_rebuilt_tree_is_the_spliced_copy(bits: list[int]) -> None:
    layout = _layout(POC)
    assert derived_tree(layout, bits).module.code == layout.write(bits)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bit_lists, st.lists(st.integers(0, 1), min_size=SOURCE_BITS, max_size=SOURCE_BITS))
def test_reused_plans_write_what_a_fresh_parse_writes(
    bits: list[int], source_bits: list[int]
) -> None:
    content = PAYLOAD.embed(POC, bits)
    assert derivation(content) is not None
    fast = SOURCE.embed(content, source_bits)
    assert fast == _slow_source_embed(content, source_bits)
    assert SOURCE.extract(POC, fast) == source_bits


def test_a_copy_of_a_known_original_reuses_its_choice_points() -> None:
    content = PAYLOAD.embed(POC, [1] * PAYLOAD_BITS)
    reused = python_source._plan_of(content)
    original = python_source._plan(POC)
    assert [f.site for f in reused.located] == [f.site for f in original.located]
    assert reused.module is not original.module


def test_other_texts_are_planned_afresh() -> None:
    edited = POC.replace("\n", "\n\n", 1)
    assert derivation(edited) is None
    assert SOURCE.capacity(edited) == SOURCE_BITS


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=16, max_size=16))
def test_nested_header_literals_move_with_their_elements(bits: list[int]) -> None:
    count = PAYLOAD.capacity(HEADERS)
    assert count == 10
    payload_bits = bits[:count]
    content = PAYLOAD.embed(HEADERS, payload_bits)
    assert PAYLOAD.extract(HEADERS, content) == payload_bits
    assert derived_tree(_layout(HEADERS), payload_bits).module.code == content
    assert "# a trace id" in content
    source_bits = bits[count:]
    assert len(source_bits) == SOURCE.capacity(content) == SOURCE.capacity(HEADERS)
    marked = SOURCE.embed(content, source_bits)
    assert marked == _slow_source_embed(content, source_bits)
    assert SOURCE.extract(HEADERS, marked) == source_bits


def test_marking_still_works_after_the_source_map_cache_let_the_original_go() -> None:
    """A long-running process marks many originals: the shared source-map cache evicts the PoC's
    map while the payload layout built on it is still cached. The source channel must not carry
    the plan of one tree over to another (it once wrote the original back unchanged)."""
    _layout(POC)
    python_source._plan.cache_clear()
    source_map_of.cache_clear()
    for other in stdlib_sources(10, max_bytes=20_000):
        source_map_of(other)
    content = PAYLOAD.embed(POC, [1, 0] * (PAYLOAD_BITS // 2) + [1] * (PAYLOAD_BITS % 2))
    bits = [k % 2 for k in range(SOURCE_BITS)]
    marked = SOURCE.embed(content, bits)
    assert marked != content
    assert SOURCE.extract(POC, marked) == bits
