"""Write payload bits by splicing text: the libcst work is done once per original.

Finding where each wire literal and header dict sits (a libcst parse with positions, ~35 ms for a
200-line PoC) depends only on the original, so `PayloadLayout` does it once and keeps, per edited
literal, its character span and token shape, and per reordered dict, the spans of its elements.
Writing a partner's copy is then string splicing (well under a millisecond): the same bytes the
libcst rewrite gave, i.e. every byte outside the edited literals and dict elements unchanged, each
moved dict element keeping the comma and spacing of the slot it lands in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from forewarn.errors import MarkError
from forewarn.marks.channels._python.order import arrange
from forewarn.marks.channels._python.source_map import source_map_of
from forewarn.marks.channels.payload.sites import PayloadKind, PayloadSite, base


@dataclass(frozen=True, slots=True)
class LiteralEdit:
    """A string or integer token the payload rewrites."""

    start: int
    """Offset of the token in the original."""
    end: int
    """Offset just past the token."""
    head: int
    """Strings: length of prefix and opening quote; integers: 0."""
    tail: int
    """Strings: length of the closing quote; integers: 0."""
    sites: tuple[int, ...]
    """Indexes of the sites written into this token, in site order."""


@dataclass(frozen=True, slots=True)
class DictEdit:
    """A dict display whose element order carries bits."""

    start: int
    """Offset of the first element."""
    end: int
    """Offset just past the last element."""
    elements: tuple[tuple[int, int], ...]
    """Span of each element without its comma; commas and spacing stay in their slots."""
    items: tuple[str, ...]
    """Element names as the order sites compare them (header names folded to lower case)."""
    sites: tuple[int, ...]
    """Indexes of the order sites of this dict."""


class PayloadLayout:
    """Where every payload site of one original is written; built once per original."""

    def __init__(self, original: str, sites: Sequence[PayloadSite]) -> None:
        self.original = original
        self.sites = tuple(sites)
        source_map = source_map_of(original)
        self.module = source_map.wrapper.module
        """The original's libcst tree (shared, never changed)."""
        positions = source_map.wrapper.resolve(PositionProvider)
        starts = _line_starts(original)
        literals: dict[int, tuple[cst.CSTNode, list[int]]] = {}
        dicts: dict[int, tuple[cst.Dict, list[int]]] = {}
        for index, site in enumerate(self.sites):
            token: type[cst.CSTNode]
            match site.kind:
                case PayloadKind.HEADER_ORDER | PayloadKind.QUERY_ORDER:
                    found = source_map.find(site.node, cst.Dict)
                    if not isinstance(found, cst.Dict):
                        raise MarkError("a payload dict cannot be located in the source")
                    dicts.setdefault(id(found), (found, []))[1].append(index)
                    continue
                case PayloadKind.PADDING:
                    token = cst.Integer
                case PayloadKind.HEADER_CASE | PayloadKind.DIGITS:
                    token = cst.SimpleString
                case _:
                    assert_never(site.kind)
            node = source_map.find(site.node, token)
            if node is None:
                raise MarkError("a payload literal cannot be located in the source")
            literals.setdefault(id(node), (node, []))[1].append(index)
        self._literals = [
            _literal(node, indexes, _span(positions[node], starts))
            for node, indexes in literals.values()
        ]
        for literal, (node, _) in zip(self._literals, literals.values(), strict=True):
            assert isinstance(node, cst.SimpleString | cst.Integer)
            self._check(literal.start, literal.end, node.value)
        self._dicts = [
            self._dict(node, indexes, positions, starts) for node, indexes in dicts.values()
        ]
        self.literal_nodes = dict(zip(literals, self._literals, strict=True))
        """Each edited literal by the `id` of its node in `module`."""
        self.dict_nodes = dict(zip(dicts, self._dicts, strict=True))
        """Each reordered dict by the `id` of its node in `module`."""

    def _dict(
        self,
        node: cst.Dict,
        indexes: list[int],
        positions: Mapping[cst.CSTNode, CodeRange],
        starts: list[int],
    ) -> DictEdit:
        elements = tuple(_span(positions[e], starts) for e in node.elements)
        for (start, end), element in zip(elements, node.elements, strict=True):
            bare = element.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            self._check(start, end, cst.Module([]).code_for_node(bare))
        first = self.sites[indexes[0]]
        folded = first.kind is PayloadKind.HEADER_ORDER
        items = tuple(k.lower() if folded else k for k in first.keys)
        if len(items) != len(elements):
            raise MarkError("a payload dict's keys do not match its elements")
        return DictEdit(elements[0][0], elements[-1][1], elements, items, tuple(indexes))

    def _check(self, start: int, end: int, expected: str) -> None:
        """Refuse spans that do not hold the node's own text (odd line endings, say)."""
        if self.original[start:end] != expected:
            raise MarkError("a payload literal's position does not match its text")

    def write(self, bits: Sequence[int]) -> str:
        """The original with site `k` set to `bits[k]`."""
        pieces: list[tuple[int, int, str]] = []
        inside: list[list[tuple[int, int, str]]] = [[] for _ in self._dicts]
        for literal in self._literals:
            piece = (literal.start, literal.end, self.literal_text(literal, bits))
            owner = next(
                (k for k, d in enumerate(self._dicts) if d.start <= literal.start < d.end), None
            )
            (pieces if owner is None else inside[owner]).append(piece)
        for found, nested in zip(self._dicts, inside, strict=True):
            pieces.append((found.start, found.end, self._dict_text(found, bits, nested)))
        return _splice(self.original, 0, len(self.original), pieces)

    def literal_text(self, literal: LiteralEdit, bits: Sequence[int]) -> str:
        token = self.original[literal.start : literal.end]
        if literal.head == 0:
            index = literal.sites[0]
            return str(base(self.sites[index].number) + bits[index])
        body = list(token[literal.head : len(token) - literal.tail])
        for index in literal.sites:
            site, bit = self.sites[index], bits[index]
            if site.kind is PayloadKind.HEADER_CASE:
                body = list(site.detail[bit])
            else:
                start, end = site.span
                body[start:end] = list(str(base(site.number) + bit).zfill(end - start))
        return token[: literal.head] + "".join(body) + token[len(token) - literal.tail :]

    def order(self, found: DictEdit, bits: Sequence[int]) -> list[str]:
        """The dict's element names in the order `bits` ask for."""
        return arrange(list(found.items), {self.sites[k].detail[1]: bits[k] for k in found.sites})

    def _dict_text(
        self, found: DictEdit, bits: Sequence[int], nested: list[tuple[int, int, str]]
    ) -> str:
        wanted = self.order(found, bits)
        texts = [
            _splice(self.original, start, end, [p for p in nested if start <= p[0] < end])
            for start, end in found.elements
        ]
        out: list[str] = []
        for slot, name in enumerate(wanted):
            out.append(texts[found.items.index(name)])
            if slot + 1 < len(found.elements):
                out.append(self.original[found.elements[slot][1] : found.elements[slot + 1][0]])
        return "".join(out)


def _literal(node: cst.CSTNode, indexes: list[int], span: tuple[int, int]) -> LiteralEdit:
    if isinstance(node, cst.SimpleString):
        return LiteralEdit(
            *span, len(node.prefix) + len(node.quote), len(node.quote), tuple(indexes)
        )
    return LiteralEdit(*span, 0, 0, tuple(indexes))


def _line_starts(text: str) -> list[int]:
    """Offset of each line's first character (libcst positions are 1-based lines, char columns)."""
    starts = [0]
    for offset, char in enumerate(text):
        if char == "\n":
            starts.append(offset + 1)
    return starts


def _span(where: CodeRange, starts: list[int]) -> tuple[int, int]:
    return (
        starts[where.start.line - 1] + where.start.column,
        starts[where.end.line - 1] + where.end.column,
    )


def _splice(text: str, start: int, end: int, pieces: list[tuple[int, int, str]]) -> str:
    """`text[start:end]` with each non-overlapping `(from, to, replacement)` put in."""
    out: list[str] = []
    at = start
    for begin, stop, replacement in sorted(pieces):
        if begin < at:
            raise MarkError("payload edits overlap")
        out.append(text[at:begin])
        out.append(replacement)
        at = stop
    out.append(text[at:end])
    return "".join(out)
