"""Canary matchers: every occurrence, across chunk boundaries, same results either engine."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.domain import TokenHit
from forewarn.errors import HuntError
from forewarn.hunt import build_matcher
from forewarn.hunt.matchers import LiteralMatcher

OWNER = TokenHit("canary", "Contoso Labs", "poc.py", case="FW-2021-0001")


def _naive(patterns: list[bytes], data: bytes) -> list[tuple[int, bytes]]:
    found = []
    for pattern in patterns:
        start = data.find(pattern)
        while start != -1:
            found.append((start, pattern))
            start = data.find(pattern, start + 1)
    return sorted(found)


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text("abc", min_size=1, max_size=6).map(str.encode), min_size=1, max_size=8),
    st.text("abcd", max_size=300).map(str.encode),
    st.lists(st.integers(0, 400), max_size=10),
)
def test_all_matchers_find_every_occurrence(
    patterns: list[bytes], data: bytes, cuts: list[int]
) -> None:
    unique = list(dict.fromkeys(patterns))
    mapping = dict.fromkeys(unique, OWNER)
    expected = _naive(unique, data)
    for prefer in ("hyperscan", "python"):
        result = build_matcher(mapping, prefer=prefer).scan(_split(data, cuts))
        assert [(h.start, h.pattern) for h in result.hits] == expected
        assert all(data[h.start : h.end] == h.pattern for h in result.hits)
        assert result.bytes_scanned == len(data)


def test_match_across_chunk_boundary_reports_stream_offset() -> None:
    matcher = build_matcher({b"canary-7f3a": OWNER})
    result = matcher.scan([b"x" * 1000 + b"can", b"ary-7", b"f3a tail"])
    assert [(h.start, h.end, h.owner.partner) for h in result.hits] == [
        (1000, 1011, "Contoso Labs")
    ]
    assert matcher.engine == "hyperscan"


def test_hits_beyond_the_maximum_are_counted_not_kept() -> None:
    result = build_matcher({b"ab": OWNER}).scan([b"ab" * 50], max_hits=10)
    assert (len(result.hits), result.total_hits, result.truncated) == (10, 50, True)


@pytest.mark.parametrize("prefer", ["hyperscan", "python"])
def test_matcher_survives_pickling(prefer: str) -> None:
    matcher = build_matcher({b"tok-1": OWNER, b"tok-2": OWNER}, prefer=prefer)
    clone = pickle.loads(pickle.dumps(matcher))
    assert clone.pattern_count == 2
    assert [h.pattern for h in clone.scan([b"..tok-2..tok-1"]).hits] == [b"tok-2", b"tok-1"]


@pytest.mark.parametrize("patterns", [{}, {b"": OWNER}])
@pytest.mark.parametrize("prefer", ["hyperscan", "python"])
def test_empty_pattern_sets_refused(patterns: dict[bytes, TokenHit], prefer: str) -> None:
    with pytest.raises(HuntError):
        build_matcher(patterns, prefer=prefer)


def test_fallback_handles_binary_patterns() -> None:
    matcher = LiteralMatcher({b"\x00\xff(": OWNER, b"[.*]": OWNER})
    result = matcher.scan([b"a\x00\xff(b[.*]"])
    assert [h.start for h in result.hits] == [1, 5]


WORKER = """
import pickle, sys
matcher = pickle.loads(sys.stdin.buffer.read())
for _ in range(2):  # every stream closes cleanly, the database is reused
    hits = matcher.scan([b"..tok-2..to", b"k-1.."]).hits
print(matcher.deserialised, [(h.pattern.decode(), h.start) for h in hits])
"""


def test_a_pickled_hyperscan_matcher_is_deserialised_in_a_fresh_process_not_recompiled() -> None:
    matcher = build_matcher({b"tok-1": OWNER, b"tok-2": OWNER}, prefer="hyperscan")
    assert matcher.engine == "hyperscan" and not matcher.deserialised  # type: ignore[attr-defined]
    done = subprocess.run(
        [sys.executable, "-c", WORKER],
        input=pickle.dumps(matcher),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()  # the binding's loadb used to crash here
    assert done.stdout.decode().strip() == "True [('tok-2', 2), ('tok-1', 9)]"


def test_compiled_patterns_this_machine_cannot_use_are_compiled_again() -> None:
    from forewarn.hunt.matchers.hyperscan import HyperscanMatcher

    matcher = HyperscanMatcher({b"tok-1": OWNER}, compiled=b"not a hyperscan database")
    assert not matcher.deserialised
    assert [h.pattern for h in matcher.scan([b"tok-1"]).hits] == [b"tok-1"]
