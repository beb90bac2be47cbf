"""The anchored sites of a walked file: each unit's choice points numbered within the unit.

`canon._Walker` walks a file into units (a digest, the raw choice points met inside, a weight);
here each point gets its anchor's occurrence (how many points of its kind and canonical form the
unit met before it) and its rank among those of its label, and the quote layer's literals are
paired. Nothing here depends on more than one unit at a time.
"""

from __future__ import annotations

from collections import Counter

from forewarn.marks.channels.pysource.raw import ChoiceKind, Raw
from forewarn.marks.channels.pysource.shapes import quote_pairs
from forewarn.marks.channels.pysource.site import Analysis, Site

Unit = tuple[str, list[Raw], int]
"""A walked unit: its digest, the choice points met inside it and its weight (AST nodes)."""


def anchor_units(result: Analysis, units: list[Unit]) -> None:
    """Add `units`' counts, weights, quote styles and anchored sites to `result`, in order."""
    for digest, raws, weight in units:
        result.unit_counts[digest] += 1
        result.unit_weight[digest] = weight
        seen: Counter[tuple[ChoiceKind, str]] = Counter()
        ranks: Counter[tuple[ChoiceKind, str, tuple[str, ...]]] = Counter()
        quotes = [r for r in raws if r.kind is ChoiceKind.QUOTE]
        for quote in quotes:
            if quote.bit is not None and quote.content:
                styles = result.quote_styles.setdefault((digest, quote.content[0]), [])
                styles.append(quote.bit)
        raws = [r for r in raws if r.kind is not ChoiceKind.QUOTE] + quote_pairs(quotes)
        for raw in raws:
            occurrence = seen[(raw.kind, raw.key)]
            seen[(raw.kind, raw.key)] += 1
            rank = ranks[(raw.kind, raw.key, raw.label)]
            ranks[(raw.kind, raw.key, raw.label)] += 1
            result.sites.append(
                Site(
                    raw.kind,
                    digest,
                    raw.key,
                    occurrence,
                    raw.bit,
                    raw.nodes,
                    raw.detail,
                    raw.label,
                    rank,
                    raw.content,
                )
            )


__all__ = ["Unit", "anchor_units"]
