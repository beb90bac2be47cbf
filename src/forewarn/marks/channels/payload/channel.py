"""The payload channel: bits in the values a PoC puts on the wire.

A leaked PoC may be rewritten from scratch, yet keep sending the same requests; the finder of
MS12-020 recognised his own packet that way. Bits sit in header order and header-name casing, query
parameter order, the low bit of long digit runs in wire strings (user agent build numbers, ids,
file names) and padding lengths. `embed` rewrites those literals in the PoC source; `extract` reads
them from a suspect that is Python source, W3C/IIS or Apache log lines, or raw HTTP requests. What
a form does not show (logs keep no header order) reads as erased.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import assert_never

import libcst as cst

from forewarn.errors import MarkError
from forewarn.marks.channels.interface import Capture, Routes
from forewarn.marks.channels.payload.derived import remember
from forewarn.marks.channels.payload.lines import RequestPath, request_paths
from forewarn.marks.channels.payload.read import (
    Suspect,
    is_wire_capture,
    padding_runs,
    read_suspect,
)
from forewarn.marks.channels.payload.sites import (
    DIGITS,
    PayloadKind,
    PayloadSite,
    base,
    find_sites,
    template,
)
from forewarn.marks.channels.payload.write import PayloadLayout

logger = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _sites(original: str) -> tuple[PayloadSite, ...]:
    try:
        return tuple(find_sites(original))
    except (SyntaxError, ValueError, RecursionError):
        return ()


@lru_cache(maxsize=32)
def _paths(original: str) -> tuple[RequestPath, ...]:
    return request_paths(original)


@lru_cache(maxsize=8)
def _layout(original: str) -> PayloadLayout:
    """Where the sites are written, once per original (partners differ only in their bits)."""
    try:
        return PayloadLayout(original, _sites(original))
    except (cst.ParserSyntaxError, cst.CSTValidationError, ValueError) as error:
        raise MarkError(f"cannot write payload marks: {error}") from error


def layout_of(original: str) -> PayloadLayout:
    """The payload writer of an original: its sites and where each is written (cached)."""
    return _layout(original)


class PayloadChannel:
    """Carries bits in wire values; survives rewrites of the code that keep the requests."""

    name = "payload"
    capture_text = True  # web-log lines and raw HTTP are read from their text

    def reads_capture(self, suspect: str) -> bool:
        """Web logs and raw HTTP show what the PoC sent: this channel reads them."""
        return is_wire_capture(suspect)

    def extract_capture(self, original: str, capture: Capture) -> list[int | None]:
        """Web-log lines and raw HTTP, read from their text (this scheme's form)."""
        return self.extract(original, capture.text)

    def routes(self, original: str) -> Routes | None:
        """Reads no request of a capture."""
        return frozenset()

    def capacity(self, original: str) -> int:
        """How many wire-value choice points the PoC offers."""
        return len(_sites(original))

    def embed(self, original: str, bits: Sequence[int], *, check: bool = True) -> str:
        """The PoC with its wire literals set to `bits`, every other byte unchanged."""
        sites = _sites(original)
        if len(bits) != len(sites):
            raise MarkError(f"payload offers {len(sites)} choice points, got {len(bits)} bits")
        if any(b not in (0, 1) for b in bits):
            raise MarkError("payload bits must be 0 or 1")
        if not sites:
            return original
        layout = _layout(original)
        marked = layout.write(bits)
        if check and self.extract(original, marked) != list(bits):
            raise MarkError("the marked payload does not read back as written")
        remember(marked, layout, bits)
        return marked

    def hands_over(self, original: str) -> bool:
        """Whether `embed` hands its copies of `original` on as derivations (`remember`):
        whenever it has a site to set."""
        return bool(_sites(original))

    def extract(self, original: str, suspect: str) -> list[int | None]:
        """Per choice point, the bit the suspect's wire values show, or `None`."""
        sites = _sites(original)
        if not sites:
            return []
        seen = read_suspect(suspect, _paths(original))
        out = [_read(site, seen) for site in sites]
        logger.debug(
            "payload (%s): %d of %d choice points read",
            seen.form,
            len(out) - out.count(None),
            len(out),
        )
        return out


def _agree(readings: list[int | None]) -> int | None:
    values = {r for r in readings if r is not None}
    return values.pop() if len(values) == 1 else None


def _read(site: PayloadSite, seen: Suspect) -> int | None:
    match site.kind:
        case PayloadKind.HEADER_ORDER | PayloadKind.HEADER_CASE | PayloadKind.QUERY_ORDER:
            return _read_names(site, seen)
        case PayloadKind.PADDING:
            return _read_padding(site, seen)
        case PayloadKind.DIGITS:
            return _read_digits(site, seen)
        case _:
            assert_never(site.kind)


def _read_names(site: PayloadSite, seen: Suspect) -> int | None:
    """Order or case of names in the suspect's header or query blocks that hold them all."""
    folded = site.kind is not PayloadKind.QUERY_ORDER
    want = {k.lower() if folded else k for k in site.keys}
    blocks = seen.header_blocks if folded else seen.query_blocks
    readings: list[int | None] = []
    for block in blocks:
        names = [n.lower() if folded else n for n in block]
        if not want <= set(names):
            continue
        if site.kind is PayloadKind.HEADER_CASE:
            written = block[names.index(site.detail[0].lower())]
            readings.append(site.detail.index(written) if written in site.detail else None)
        else:
            pivot, other = site.detail
            readings.append(int(names.index(other) < names.index(pivot)))
    return _agree(readings)


def _read_padding(site: PayloadSite, seen: Suspect) -> int | None:
    low = base(site.number)
    unit = site.detail[0]
    counts = [c for u, c in seen.paddings if u == unit] or padding_runs(
        seen.text, unit, site.number
    )
    return _agree([c - low if c in (low, low + 1) else None for c in counts])


def _read_digits(site: PayloadSite, seen: Suspect) -> int | None:
    low = base(site.number)
    spans = sorted(m.span() for m in DIGITS.finditer(site.detail[0]))
    pattern = template(site.detail[0], spans)
    group = spans.index(site.span) + 1
    readings = []
    for match in pattern.finditer(seen.text):
        value = int(match.group(group))
        readings.append(value - low if value in (low, low + 1) else None)
    return _agree(readings) if None not in readings else None


__all__ = ["PayloadChannel", "layout_of"]
