"""Which choice point of a suspect is which of the original: how a copy is read back.

Every choice point is found again by its anchor (`Site.anchor`: unit, kind, canonical form,
occurrence). Three things another channel does to a copy move what an anchor counts on, and
are read past here without changing anything written:

- entries that serialise alike in an order-free display (a dict's, a list's, a call's
  keywords) keep their source order, and the wire and payload channels reorder headers and
  form fields: two tied points would swap occurrences and read each other's bit. A point in
  tied entries (`Site.label`) is found by the entries' own keys instead, where the source
  channel wrote it by the original's plan: on the original, or on a copy the channel before
  it handed over as a derivation of the original (`interface.HandsOver`). A copy planned
  anew (the wire channel's, when its edits are not all found in the original's tree) had its
  tied points counted in its own order, and there the occurrence finds them, as it always did;
- the quote layer pairs literals by their keys, and scheme 3's wire channel moves a header
  value along a chain of partners (`application/json` → `application/json, text/plain, */*`)
  that its keys do not fold alike: the pair is found by its two literals' contents, folded as
  no mark changes them (`variants.fold_stable`), each one alone of its content in its unit;
- a statement pair is keyed by its values, which a reordered or recased header dict and a
  moved header value change: it is found by its two statements' folded contents.

Each falls back to the anchor where the contents or keys do not single the point out, in
the original or in the suspect; what the anchor reads is what it always read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from forewarn.marks.channels.pysource.raw import ChoiceKind
from forewarn.marks.channels.pysource.site import Analysis, Site

Anchor = tuple[str, ChoiceKind, str, int]
Labelled = tuple[str, ChoiceKind, str, tuple[str, ...], int]


@dataclass(frozen=True, slots=True)
class Contents:
    """What a file's literals single out, for matching quote and statement-order points."""

    quotes: dict[tuple[str, str], int]
    """Per unit and folded content held by exactly one plain literal of the unit: its quote
    style."""
    orders: dict[frozenset[str], str]
    """Per pair of distinct folded contents that exactly one statement pair of the file holds:
    the content of the statement written first."""

    @classmethod
    def of(cls, analysis: Analysis | None) -> Contents:
        """The contents `analysis` singles out (none for a file that did not parse)."""
        if analysis is None:
            return cls({}, {})
        quotes = {
            key: styles[0] for key, styles in analysis.quote_styles.items() if len(styles) == 1
        }
        pairs = [s for s in analysis.sites if _order_pair(s) is not None]
        counts = Counter(_order_pair(s) for s in pairs)
        orders: dict[frozenset[str], str] = {}
        for site in pairs:
            key = _order_pair(site)
            if key is not None and counts[key] == 1 and site.bit in (0, 1):
                orders[key] = site.content[site.bit or 0]
        return cls(quotes, orders)


def _order_pair(site: Site) -> frozenset[str] | None:
    if site.kind is not ChoiceKind.STMTORDER or len(site.content) != 2:
        return None
    key = frozenset(site.content)
    return key if len(key) == 2 else None


class Reading:
    """A suspect's choice points, indexed to be matched with the original's."""

    def __init__(self, seen: Analysis) -> None:
        self._units = seen.unit_counts
        self._anchors: dict[Anchor, Site] = {}
        self._labelled: dict[Labelled, Site] = {}
        for site in seen.sites:
            if site.kind is not ChoiceKind.STMTORDER and seen.unit_counts[site.unit] == 1:
                self._anchors[site.anchor] = site
                if site.label:
                    self._labelled[site.labelled] = site
        pairs = Counter(s.detail for s in seen.sites if s.kind is ChoiceKind.STMTORDER)
        self._pairs = {
            s.detail: s
            for s in seen.sites
            if s.kind is ChoiceKind.STMTORDER and pairs[s.detail] == 1
        }
        self._contents = Contents.of(seen)

    def bit(self, site: Site, original: Contents, *, labels: bool = True) -> int | None:
        """The form the suspect shows at the original's choice point `site`, or `None`
        (`original`: what the original's literals single out; `labels`: whether points in
        tied entries are found by the entries' keys, else by their occurrence)."""
        if site.kind is ChoiceKind.QUOTE:
            styles = self._quote_styles(site, original)
            if styles is not None:
                return 0 if styles == (0, 1) else 1 if styles == (1, 0) else None
        if site.kind is ChoiceKind.STMTORDER:
            key = _order_pair(site)
            if key is not None and key in original.orders and key in self._contents.orders:
                return 0 if self._contents.orders[key] == site.content[0] else 1
            found = self._pairs.get(site.detail)
            return None if found is None else found.bit
        found = self._labelled.get(site.labelled) if labels and site.label else None
        if found is None:
            found = self._anchors.get(site.anchor)
        return None if found is None else found.bit

    def _quote_styles(self, site: Site, original: Contents) -> tuple[int, int] | None:
        """The quote styles of the suspect's literals holding the pair's two contents, when
        each is alone of its content in its unit here and in the original."""
        if len(site.content) != 2 or site.content[0] == site.content[1]:
            return None
        if self._units[site.unit] != 1:
            return None
        keys = [(site.unit, content) for content in site.content]
        if not all(key in original.quotes for key in keys):
            return None
        first, second = (self._contents.quotes.get(key) for key in keys)
        if first is None or second is None:
            return None
        return first, second


__all__ = ["Contents", "Reading"]
