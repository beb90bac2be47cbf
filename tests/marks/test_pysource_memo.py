"""The read-back's statement memo: the same analysis, the same copies, whatever it holds; and a
copy whose marks do not read back is still refused."""

from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
from collections.abc import Sequence

import pytest
from pysupport import poc_source, random_bits, stdlib_sources

from forewarn.domain import ArtifactKind
from forewarn.errors import MarkError
from forewarn.marks import ChannelRegistry, CodeSpec, Marker
from forewarn.marks.channels.pysource import memo
from forewarn.marks.channels.pysource.canon import Analysis, analyse
from forewarn.marks.channels.pysource.channel import PythonSourceChannel
from forewarn.marks.channels.pysource.natural import subkind_name
from forewarn.marks.channels.wire import WireChannel
from forewarn.marks.schemes import new_params

SECRET = bytes(range(32))
POC = poc_source()


def _reading(analysis: Analysis) -> tuple[object, ...]:
    """All a read-back uses of an analysis (nodes only through the natural-kind filter)."""
    sites = tuple(
        (s.kind, s.unit, s.key, s.occurrence, s.bit, s.detail, subkind_name(s))
        for s in analysis.sites
    )
    return sites, dict(analysis.unit_counts), analysis.unit_weight


def _copies() -> list[str]:
    """Marked copies of the PoC under the current scheme (every channel), and the original."""
    marker = Marker.for_case(SECRET, "CASE-MEMO", new_params(100))
    return [POC] + [
        marker.mark("poc.py", ArtifactKind.POC, POC.encode(), f"Partner {i}").content.decode()
        for i in range(3)
    ]


@pytest.mark.parametrize(("blind", "version"), [(False, 3), (True, 5), (True, 6)])
def test_read_back_analysis_is_the_same_cold_and_warm(blind: bool, version: int) -> None:
    texts = _copies() + stdlib_sources(4, max_bytes=25_000)
    expected = [_reading(analyse(ast.parse(t), t, blind, version)) for t in texts]
    memo.STATEMENTS.clear()
    memo.SIZES.clear()
    cold = [_reading(analyse(ast.parse(t), t, blind, version, reuse=True)) for t in texts]
    assert len(memo.STATEMENTS) > 0  # the memo was used
    warm = [_reading(analyse(ast.parse(t), t, blind, version, reuse=True)) for t in texts]
    backwards = [
        _reading(analyse(ast.parse(t), t, blind, version, reuse=True)) for t in reversed(texts)
    ]
    assert cold == expected
    assert warm == expected
    assert backwards[::-1] == expected


def test_a_statement_moved_or_reindented_is_not_taken_for_another() -> None:
    first = 'def f(resp):\n    if x != 5:\n        y = "a"\n    return resp\n'
    # Same statement text at another indent, and a literal quoted otherwise.
    second = 'def f(resp):\n    if x != 5:\n            y = "a"\n    return resp\n'
    third = "def f(resp):\n    if x != 5:\n        y = 'a'\n    return resp\n"
    for text in (first, second, third, first):
        assert _reading(analyse(ast.parse(text), text, reuse=True)) == _reading(
            analyse(ast.parse(text), text)
        )


def _digest(marker: Marker, partner: str) -> str:
    content = marker.mark("poc.py", ArtifactKind.POC, POC.encode(), partner).content
    return hashlib.sha256(content).hexdigest()


_COLD = """
import hashlib, sys
from forewarn.domain import ArtifactKind
from forewarn.marks import Marker
from forewarn.marks.schemes import new_params
sys.path.insert(0, {tests!r})
from pysupport import poc_source
poc = poc_source().encode()
marker = Marker.for_case(bytes(range(32)), "CASE-MEMO", new_params(100))
print(hashlib.sha256(marker.mark("poc.py", ArtifactKind.POC, poc, "Partner X").content).hexdigest())
"""


def test_a_copy_does_not_depend_on_what_was_marked_before() -> None:
    marker = Marker.for_case(SECRET, "CASE-MEMO", new_params(100))
    x = _digest(marker, "Partner X")
    y = _digest(marker, "Partner Y")
    assert x != y
    assert _digest(marker, "Partner X") == x
    fresh = Marker.for_case(SECRET, "CASE-MEMO", new_params(100))
    assert _digest(fresh, "Partner X") == x
    tests = os.path.dirname(os.path.abspath(__file__))
    cold = subprocess.run(
        [sys.executable, "-c", _COLD.format(tests=tests)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    assert cold.stdout.strip() == x


class _Tampering(PythonSourceChannel):
    """Writes one choice point in the other form than asked: its marks do not read back."""

    def embed(self, original: str, bits: Sequence[int], *, check: bool = True) -> str:
        wrong = list(bits)
        wrong[self.flip] ^= 1
        return super().embed(original, wrong, check=False)

    flip = 0


@pytest.mark.parametrize("flip", [0, 7, -1])
def test_a_copy_whose_marks_do_not_read_back_is_refused_with_a_warm_memo(flip: int) -> None:
    honest = ChannelRegistry(
        {ArtifactKind.POC: (WireChannel(version=6), PythonSourceChannel(blind=True, version=6))}
    )
    tampering = _Tampering(blind=True, version=6)
    tampering.flip = flip
    lying = ChannelRegistry({ArtifactKind.POC: (WireChannel(version=6), tampering)})
    spec = CodeSpec(100)
    for partner in ("Partner X", "Partner Y"):
        Marker(SECRET, "CASE-MEMO", spec, honest).mark(
            "poc.py", ArtifactKind.POC, POC.encode(), partner
        )
    assert len(memo.STATEMENTS) > 0
    for _ in range(2):  # the second time, the memo holds the tampered copy's statements too
        with pytest.raises(MarkError, match="do not read back"):
            Marker(SECRET, "CASE-MEMO", spec, lying).mark(
                "poc.py", ArtifactKind.POC, POC.encode(), "Partner X"
            )


def test_a_single_channel_copy_is_still_checked_with_a_warm_memo() -> None:
    channel = PythonSourceChannel(blind=True, version=6)
    count = channel.capacity(POC)
    bits = random_bits(count, 5)
    marked = channel.embed(POC, bits)
    assert channel.extract(POC, marked) == bits
    flipped = [*bits[:-1], 1 - bits[-1]]
    other = channel.embed(POC, flipped)
    assert channel.extract(POC, other) == flipped
    assert channel.extract(POC, marked) == bits
