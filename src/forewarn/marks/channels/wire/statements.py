"""Scheme 3's statement orders: the order in which a PoC puts entries into one list or dict.

A cookie line is often built by appending its parts to a list and joining it; headers by
assigning them into a dict one by one. The order of those statements is the order on the wire
(cookie order, header order), and swapping two of them changes nothing else (`entries` says
which runs qualify). So a run of such statements is an order display, spelt as statements
(`Order(kind="statements")`). Runs with comments or several statements on one line are left
alone. Whether the order shows on the wire is for `signatures` to prove, as for every candidate.
"""

from __future__ import annotations

import ast

from forewarn.marks.channels._python.entries import entry_runs
from forewarn.marks.channels.wire.candidates import Offsets, Order


def statement_orders(source: str, tree: ast.Module) -> list[Order]:
    """Every run of two or more movable entry statements of one container, in source order."""
    offsets = Offsets(source)
    found: list[Order] = []
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                for run in entry_runs(block):
                    order = _order(source, offsets, run)
                    if order is not None:
                        found.append(order)
    found.sort(key=lambda order: order.spans[0][0])
    return found


def _order(source: str, offsets: Offsets, run: list[ast.stmt]) -> Order | None:
    spans = [offsets.span(stmt) for stmt in run]
    exact = [span for span in spans if span is not None]
    if len(exact) != len(run):
        return None
    for (_, end), (start, _) in zip(exact, exact[1:], strict=False):
        if source[end:start].strip():
            return None  # a comment or a `;` between: moving would misplace it
    line_end = source.find("\n", exact[-1][1])
    if source[exact[-1][1] : line_end if line_end >= 0 else len(source)].strip():
        return None
    keys = tuple(f"{k:03d}" for k in range(len(run)))  # sorted as written: base bits keep it
    return Order(tuple(exact), keys, (exact[0][0], exact[-1][1]), kind="statements")


__all__ = ["statement_orders"]
