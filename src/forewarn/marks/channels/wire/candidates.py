"""Places in a PoC's source that *might* change what it sends, whatever client or spelling.

The payload writer knows only header dicts and `urlencode` dicts. A PoC may instead build its
headers as lists of pairs, pass names to `putheader`, or send a raw template over a socket. So
this module proposes, syntactically and generously, every edit that could show on the wire:

- a digit run (3 or more digits, never an address or a port) inside a string or bytes literal;
- the letter case of a literal, or of a `Name:` inside a raw template, that the PoC sends as a
  header name;
- the order of the entries of a dict, list or tuple display whose keys (or first elements) are
  string literals: header, query and JSON orders, whichever way they are spelt.

Nothing here is trusted: `signatures` evaluates each edit and keeps only those that change the
requests, the same way under every background. Edits are spans of the original text, so the
copy is the original byte for byte elsewhere. Scheme 3 (`fine=True`) proposes finer digit
edits (`digits`) and padding letters here, and the kinds of `choices` beside them.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forewarn.domain.wire import HttpRequest
from forewarn.marks.channels._python.order import pivot_pairs
from forewarn.marks.channels._python.variants import PADDING_LETTERS
from forewarn.marks.channels.wire.digits import natural_frozen, run_edits

DIGITS = re.compile(r"(?<![\\\d])\d{3,}")
"""Digit runs that can change by one unnoticed (not part of an escape like `\\101`)."""

HOSTLIKE = re.compile(r"\d{1,3}(\.\d{1,3}){3}|:\d{2,5}\b|\bport\b", re.IGNORECASE)
"""Literals holding an address or a port: never edited, a changed one reaches another machine."""

HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,63}$")
"""A literal that can be a header name; it is one when the PoC sends a header of that name."""

MIN_PADDING = 8
"""Repeat counts of a string (`"A" * 37`) from which one more or less is padding, not syntax."""

TEMPLATE_NAME = re.compile(r"(?:^|\\n|\\r\\n|\n)([A-Za-z][A-Za-z0-9-]{1,40}):[ \t]")
"""A `Name: ` at a line start of a raw request template, in the literal's source text."""


@dataclass(frozen=True, slots=True)
class Literal:
    """Replace one span of the original with `forms[bit]`."""

    span: tuple[int, int]
    """Character offsets in the original."""
    forms: tuple[str, str]
    """The text for bit 0 and for bit 1 (one of them is the original's)."""
    kind: str
    """`digits`, `case` or `padding`; scheme 3 adds `digit`, `date`, `letter`, `value`,
    `separator` and `role:…` (`choices`)."""


@dataclass(frozen=True, slots=True)
class Order:
    """The entries of one display, whose order carries `len(keys) - 1` bits (pivot pairs)."""

    spans: tuple[tuple[int, int], ...]
    """Each entry's source span, in the original order."""
    keys: tuple[str, ...]
    """Each entry's key, in the original order (distinct)."""
    display: tuple[int, int] = (0, 0)
    """The whole display's span (to find its libcst node)."""
    kind: str = "display"
    """`display` (a dict, list or tuple) or `statements` (a run of statements, scheme 3)."""

    def pairs(self) -> list[tuple[str, str, int]]:
        """`(pivot, other, original bit)` per bit."""
        return pivot_pairs(list(self.keys))


Candidate = Literal | tuple[Order, int]
"""A one-bit edit: a literal's two forms, or bit `k` of a display's order."""


class Offsets:
    """Converts `ast` positions (1-based lines, UTF-8 byte columns) to string offsets."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def at(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return self.starts[line - 1] + len(
            text.encode("utf-8")[:byte_col].decode("utf-8", "replace")
        )

    def span(self, node: ast.AST) -> tuple[int, int] | None:
        end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
        if end_line is None or end_col is None:
            return None
        return self.at(node.lineno, node.col_offset), self.at(end_line, end_col)  # type: ignore[attr-defined]


def candidates(
    source: str,
    tree: ast.Module,
    requests: Sequence[HttpRequest],
    *,
    fine: bool = False,
    natural: bool = False,
) -> list[Candidate]:
    """Every one-bit edit worth evaluating, in source order (`fine`: scheme 3's digits and
    padding letters; `natural`: scheme 5's, which leaves every digit of a user agent, a time
    of day and a time zone as written)."""
    wire = _wire_text(requests)
    names = {name.lower() for r in requests for name, _ in r.headers}
    offsets = Offsets(source)
    inside_fstrings = {
        id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values
    }
    constants = _module_constants(tree)
    found: list[Candidate] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            if id(node) not in inside_fstrings:
                found.extend(
                    _literal_edits(source, offsets, node, wire, names, fine=fine, natural=natural)
                )
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            found.extend(_padding(source, offsets, node, constants, fine=fine))
        elif isinstance(node, ast.Dict | ast.List | ast.Tuple):
            order = _order(offsets, node)
            if order is not None and any(key.lower() in wire.lower() for key in order.keys):
                found.extend((order, k) for k in range(len(order.keys) - 1))
    found.sort(key=_position)
    return found


def _position(candidate: Candidate) -> int:
    if isinstance(candidate, Literal):
        return candidate.span[0]
    return candidate[0].spans[0][0]


def _wire_text(requests: Sequence[HttpRequest]) -> str:
    parts: list[str] = []
    for request in requests:
        parts.append(request.path)
        parts.extend(f"{k}={v}" for k, v in request.query)
        parts.extend(f"{k}: {v}" for k, v in request.headers)
        parts.append(request.body.decode("utf-8", "replace"))
    return "\n".join(parts)


def _literal_edits(
    source: str,
    offsets: Offsets,
    node: ast.Constant,
    wire: str,
    names: set[str],
    *,
    fine: bool = False,
    natural: bool = False,
) -> Iterable[Literal]:
    span = offsets.span(node)
    if span is None:
        return
    start, end = span
    text = source[start:end]
    raw = node.value
    value = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
    if HOSTLIKE.search(value):
        return
    body = _body(text)
    if body is None:
        return
    inner, first = body
    frozen = natural_frozen(inner) if natural else []
    for match in DIGITS.finditer(inner):
        run = match.group()
        if run not in wire:
            continue
        if any(match.start() < end and start < match.end() for start, end in frozen):
            continue
        finer = run_edits(inner, *match.span()) if fine else None
        if finer is not None:
            for offset, forms, kind in finer:
                yield Literal((start + first + offset, start + first + offset + 1), forms, kind)
            continue
        low = int(run) - (int(run) & 1)
        forms = (str(low).zfill(len(run)), str(low + 1).zfill(len(run)))
        if len(forms[1]) != len(run):
            continue
        at = start + first + match.start()
        yield Literal((at, at + len(run)), forms, "digits")
    if HEADER_NAME.match(value) and value.lower() in names and inner == value:
        yield Literal((start + first, start + first + len(inner)), _cases(inner), "case")
    for match in TEMPLATE_NAME.finditer(inner):
        name = match.group(1)
        if name.lower() in names:
            at = start + first + match.start(1)
            yield Literal((at, at + len(name)), _cases(name), "case")


def _module_constants(tree: ast.Module) -> dict[str, ast.Constant]:
    """Module-level names bound exactly once in the whole file, to a literal."""
    stores = Counter(
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    )
    found: dict[str, ast.Constant] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and isinstance(stmt.value, ast.Constant):
                if stores[target.id] == 1:
                    found[target.id] = stmt.value
    return found


def _padding(
    source: str,
    offsets: Offsets,
    node: ast.BinOp,
    constants: dict[str, ast.Constant],
    *,
    fine: bool = False,
) -> Iterable[Literal]:
    """The count of `"A" * 37` (or of two module constants), one more or less; with `fine`,
    also its letter (`A` ↔ `X`)."""
    sides = [_resolve(side, constants) for side in (node.left, node.right)]
    texts = [s for s in sides if s is not None and isinstance(s.value, str | bytes)]
    counts = [s for s in sides if s is not None and type(s.value) is int]
    if len(texts) != 1 or len(counts) != 1:
        return
    number = counts[0].value
    assert isinstance(number, int)
    span = offsets.span(counts[0])
    if number < MIN_PADDING or span is None or source[span[0] : span[1]] != str(number):
        return
    low = number - (number & 1)
    yield Literal(span, (str(low), str(low + 1)), "padding")
    letter = texts[0].value
    if fine and isinstance(letter, str) and letter in PADDING_LETTERS:
        where = offsets.span(texts[0])
        if where is not None and source[where[0] : where[1]] in (f'"{letter}"', f"'{letter}'"):
            at = where[0] + 1
            yield Literal((at, at + 1), (letter, PADDING_LETTERS[letter]), "letter")


def _resolve(node: ast.expr, constants: dict[str, ast.Constant]) -> ast.Constant | None:
    if isinstance(node, ast.Constant):
        return node
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _cases(name: str) -> tuple[str, str]:
    other = (
        name.lower() if name != name.lower() else "-".join(p.capitalize() for p in name.split("-"))
    )
    return (name, other)


def _body(text: str) -> tuple[str, int] | None:
    """The text between a literal's quotes and where it starts; `None` for forms not handled."""
    match = re.match(r"^([rRbBuU]{0,2})('''|\"\"\"|'|\")", text)
    if match is None or text[-len(match.group(2)) :] != match.group(2):
        return None
    first = match.end()
    return text[first : len(text) - len(match.group(2))], first


def _order(offsets: Offsets, node: ast.Dict | ast.List | ast.Tuple) -> Order | None:
    keys: list[str | None]
    spans: list[tuple[int, int] | None]
    if isinstance(node, ast.Dict):
        if any(key is None for key in node.keys):
            return None  # a `**merge` entry: its place in the order matters
        keys = [_str(key) for key in node.keys]
        spans = [
            _join(offsets.span(k), offsets.span(v))
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        ]
    else:
        keys = [_pair_key(e) for e in node.elts]
        spans = [offsets.span(e) for e in node.elts]
    if len(keys) < 2 or None in keys or None in spans or len(set(keys)) != len(keys):
        return None
    display = offsets.span(node) or (0, 0)
    return Order(
        tuple(s for s in spans if s is not None), tuple(k for k in keys if k is not None), display
    )


def _str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _join(first: tuple[int, int] | None, last: tuple[int, int] | None) -> tuple[int, int] | None:
    return None if first is None or last is None else (first[0], last[1])


def _pair_key(node: ast.expr) -> str | None:
    if isinstance(node, ast.Tuple | ast.List) and len(node.elts) == 2:
        return _str(node.elts[0])
    return None


__all__ = ["Candidate", "Literal", "Offsets", "Order", "candidates"]
