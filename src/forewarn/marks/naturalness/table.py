"""The naturalness table: per kind of choice point, how often each form occurs, and the rule.

A kind is *kept* when the corpus holds at least `MIN_COUNT` of its occurrences and each form
the channel writes is at least `MIN_SHARE` of them; a *form* is natural when it alone is at
least `MIN_SHARE` (so the common form of a dropped kind is natural, its rare form is not).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

MIN_SHARE = 0.05
"""Share of occurrences the rarer written form needs for a kind to be kept."""

MIN_COUNT = 20
"""Occurrences a kind needs in the corpus before its share means anything."""


@dataclass(frozen=True, slots=True)
class Row:
    """One kind of choice point and how the corpus writes it."""

    channel: str
    """The channel using the kind (`python_source`, `text`)."""
    kind: str
    """The kind, as the channel names it (`negcmp`, `word:flaw/vulnerability`, ...)."""
    forms: tuple[str, ...]
    """A label per form; the channel writes the first two, any others are counted beside."""
    counts: tuple[int, ...]
    """Occurrences of each form in the corpus."""

    @property
    def total(self) -> int:
        """Occurrences of the construct in any form."""
        return sum(self.counts)

    @property
    def share(self) -> float:
        """Share of the rarer of the two written forms (0 when the kind never occurs)."""
        return min(self.counts[:2]) / self.total if self.total else 0.0

    @property
    def kept(self) -> bool:
        """Whether both written forms are ones the corpus writes often enough."""
        return self.total >= MIN_COUNT and self.share >= MIN_SHARE

    def natural(self, form: int) -> bool:
        """Whether form `form` alone is common enough to pass unnoticed."""
        return self.total >= MIN_COUNT and self.counts[form] / self.total >= MIN_SHARE


@dataclass(frozen=True, slots=True)
class NaturalnessTable:
    """Every kind measured, with the corpus it was measured on."""

    python: str
    """Version of the CPython whose standard library is the corpus (`3.11.7`)."""
    files: int
    """Files of the corpus that parsed."""
    rows: tuple[Row, ...]
    """One row per kind, source kinds first."""

    def row(self, channel: str, kind: str) -> Row:
        """The row of `kind`; an unmeasured kind is an error (it would be unchecked)."""
        for row in self.rows:
            if (row.channel, row.kind) == (channel, kind):
                return row
        raise KeyError(f"{channel}:{kind} was not measured")

    def kept(self, channel: str) -> frozenset[str]:
        """The kinds of `channel` that pass the rule."""
        return frozenset(r.kind for r in self.rows if r.channel == channel and r.kept)

    def natural(self, channel: str, kind: str, form: int) -> bool:
        """Whether `form` of `kind` is one the corpus writes (`MIN_SHARE` of occurrences)."""
        return self.row(channel, kind).natural(form)

    def to_json(self) -> str:
        """The table as JSON (the shipped `naturalness.json`)."""
        return json.dumps(
            {
                "python": self.python,
                "files": self.files,
                "min_share": MIN_SHARE,
                "min_count": MIN_COUNT,
                "rows": [
                    {
                        "channel": r.channel,
                        "kind": r.kind,
                        "forms": list(r.forms),
                        "counts": list(r.counts),
                    }
                    for r in self.rows
                ],
            },
            indent=1,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> NaturalnessTable:
        """The table `to_json` wrote."""
        data = json.loads(text)
        rows = tuple(
            Row(r["channel"], r["kind"], tuple(r["forms"]), tuple(int(c) for c in r["counts"]))
            for r in data["rows"]
        )
        return cls(str(data["python"]), int(data["files"]), rows)

    def markdown(self) -> str:
        """The table as Markdown, one line per kind (docs and bench/RESULTS.md)."""
        lines = [
            "| channel | kind | form 0 | form 1 | counts | rarer share | verdict |",
            "|---|---|---|---|---|---:|---|",
        ]
        for r in self.rows:
            counts = " / ".join(str(c) for c in r.counts)
            others = f" (+ {', '.join(r.forms[2:])})" if len(r.forms) > 2 else ""
            verdict = "kept" if r.kept else "dropped"
            if r.total < MIN_COUNT:
                verdict += f" (< {MIN_COUNT} seen)"
            lines.append(
                f"| {r.channel} | `{r.kind}` | {_cell(r.forms[0])} | {_cell(r.forms[1])}{others} "
                f"| {counts} | {100 * r.share:.1f} % | {verdict} |"
            )
        return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


__all__ = ["MIN_COUNT", "MIN_SHARE", "NaturalnessTable", "Row"]
