"""Chunked scanning shared by the matchers: each chunk with the previous one's tail.

A token spans at most `longest` bytes, so scanning each chunk behind the last `longest - 1`
bytes of the stream so far finds every token, including those across a boundary; a match is
kept only if it ends in the new chunk, so none is reported twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from forewarn.hunt.matchers.interface import Hit, ScanResult, Shapes

Ends = Callable[[bytes], Iterator[tuple[int, int]]]
"""`window -> (shape index, match end)` for every match of any shape in the window."""


def scan_windows(
    chunks: Iterable[bytes], shapes: Shapes, ends: Ends, *, max_hits: int
) -> ScanResult:
    """Run `ends` over each window, verify each match, and collect the hits in stream order."""
    keep = max(0, shapes.longest - 1)
    found: list[Hit] = []
    total = checked = 0
    tail = b""
    consumed = 0  # stream offset where `tail` begins
    for chunk in chunks:
        if not chunk:
            continue
        window = tail + chunk
        fresh = len(tail)
        for index, end in ends(window):
            if end <= fresh:
                continue
            checked += 1
            verified = shapes.verify(index, window, end)
            if verified is None:
                continue
            start, owner = verified
            total += 1
            if len(found) < max_hits:
                found.append(Hit(window[start:end], consumed + start, consumed + end, owner))
        cut = max(0, len(window) - keep)
        consumed += cut
        tail = window[cut:]
    found.sort(key=lambda h: (h.start, h.pattern))
    return ScanResult(tuple(found), total, consumed + len(tail), checked)
