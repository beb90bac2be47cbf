"""Shape matchers: every verified token, across chunk boundaries, same results either engine."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.domain import TokenHit
from forewarn.errors import HuntError
from forewarn.hunt import build_matcher
from forewarn.hunt.matchers import PythonMatcher

from .fakes import LiteralShapes

OWNER = TokenHit("tok", "Contoso Labs", "poc.py", case="FW-2021-0001")


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text("abc", max_size=40), min_size=1, max_size=8),
    st.lists(st.integers(0, 3), max_size=8),
    st.lists(st.integers(0, 400), max_size=10),
)
def test_all_matchers_find_every_token_wherever_the_chunks_cut(
    background: list[str], planted: list[int], cuts: list[int]
) -> None:
    tokens = [f"<tok-{k}>" for k in range(4)]
    owners = {t: TokenHit(t, f"P{k}", "poc.py") for k, t in enumerate(tokens)}
    pieces, expected, at = [], [], 0
    for k, text in enumerate(background):
        pieces.append(text)
        at += len(text)
        if k < len(planted):
            token = tokens[planted[k]]
            expected.append((at, token.encode()))
            pieces.append(token)
            at += len(token)
    data = "".join(pieces).encode()
    for prefer in ("hyperscan", "python"):
        result = build_matcher(LiteralShapes(owners), prefer=prefer).scan(_split(data, cuts))
        assert [(h.start, h.pattern) for h in result.hits] == expected
        assert all(data[h.start : h.end] == h.pattern for h in result.hits)
        assert result.bytes_scanned == len(data) and result.total_hits == len(expected)


def test_token_across_chunk_boundary_reports_stream_offset() -> None:
    matcher = build_matcher(LiteralShapes({"canary-7f3a": OWNER}))
    result = matcher.scan([b"x" * 1000 + b"can", b"ary-7", b"f3a tail"])
    assert [(h.start, h.end, h.owner.partner) for h in result.hits] == [
        (1000, 1011, "Contoso Labs")
    ]
    assert matcher.engine == "hyperscan"


def test_hits_beyond_the_maximum_are_counted_not_kept() -> None:
    result = build_matcher(LiteralShapes({"ab": OWNER})).scan([b"ab" * 50], max_hits=10)
    assert (len(result.hits), result.total_hits, result.truncated) == (10, 50, True)


class _Refusing(LiteralShapes):
    """Every match fails the check: nothing is a token."""

    def verify(self, index: int, window: bytes, end: int) -> tuple[int, TokenHit] | None:
        return None


@pytest.mark.parametrize("prefer", ["hyperscan", "python"])
def test_a_match_the_check_refuses_is_no_hit(prefer: str) -> None:
    result = build_matcher(_Refusing({"ab": OWNER}), prefer=prefer).scan([b"ab ab"])
    assert (result.hits, result.total_hits, result.candidates) == ((), 0, 2)


@pytest.mark.parametrize("prefer", ["hyperscan", "python"])
def test_matcher_survives_pickling(prefer: str) -> None:
    shapes = LiteralShapes({"tok-1": OWNER, "tok-2": OWNER})
    clone = pickle.loads(pickle.dumps(build_matcher(shapes, prefer=prefer)))
    assert clone.pattern_count == 2
    assert [h.pattern for h in clone.scan([b"..tok-2..tok-1"]).hits] == [b"tok-2", b"tok-1"]


@pytest.mark.parametrize("prefer", ["hyperscan", "python"])
def test_no_shapes_refused(prefer: str) -> None:
    with pytest.raises(HuntError):
        build_matcher(LiteralShapes({}), prefer=prefer)


def test_fallback_handles_binary_shapes() -> None:
    matcher = PythonMatcher(LiteralShapes({"\x00(": OWNER, "[.*]": OWNER}))
    result = matcher.scan([b"a\x00(b[.*]"])
    assert [h.start for h in result.hits] == [1, 4]
