"""Records shared by the canonical walker and its kind recognisers."""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass
from typing import assert_never


class ChoiceKind(enum.StrEnum):
    """A family of equivalent forms (see the table in `pysource/channel.py`).

    The value is part of every anchor (`Site.anchor`) and of the order in which choice points are
    counted, so released copies decode only while each value stays spelled as it is.
    """

    NEGCMP = "negcmp"
    """`a != b` / `not a == b`."""
    CMPORDER = "cmporder"
    """`x < 5` / `5 > x`: operands of a comparison against a literal."""
    AUGASSIGN = "augassign"
    """`n += 1` / `n = n + 1`."""
    EMPTY = "empty"
    """`{}` / `dict()`, `[]` / `list()`."""
    RANGE = "range"
    """`range(n)` / `range(0, n)`."""
    KWARGORDER = "kwargorder"
    """Keyword order of a known standard-library call."""
    IFSWAP = "ifswap"
    """`if c: A else: B` / `if not c: B else: A`."""
    TERNARY = "ternary"
    """`x if c else y` / `y if not c else x`."""
    NESTEDIF = "nestedif"
    """`if a and b:` / `if a:` `if b:`."""
    SEQKIND = "seqkind"
    """`x in (1, 2)` / `x in [1, 2]`."""
    TUPLEORDER = "tupleorder"
    """Order inside a tuple whose order cannot matter."""
    STMTORDER = "stmtorder"
    """Order of two adjacent `name = literal` statements."""
    FSTRING = "fstring"
    """`"{}".format(a)` / `f"{a}"`."""
    DEFAULTARG = "defaultarg"
    """`print(x)` / `print(x, sep=" ")`: a builtin's default left out or spelled out."""
    QUOTE = "quote"
    """Quotes of a pair of plain literals (fragile)."""
    NAME = "name"
    """Spelling of a safe local variable (fragile)."""
    IFNEGATE = "ifnegate"
    """`if a == b: A else: B` / `if a != b: B else: A` (scheme 5: the operator negated)."""
    TERNEGATE = "ternegate"
    """`x if a is None else y` / `y if a is not None else x` (scheme 5)."""
    RAISECALL = "raisecall"
    """`raise ValueError` / `raise ValueError()`: a builtin exception class (scheme 5)."""
    WHILETRUE = "whiletrue"
    """`while True:` / `while 1:` (scheme 5)."""
    SYSEXIT = "sysexit"
    """`sys.exit(x)` / `raise SystemExit(x)`: one argument, `sys` the module (scheme 6)."""
    LENZERO = "lenzero"
    """`len(x) > 0` / `len(x) != 0` (scheme 6)."""


class Carrier(enum.Enum):
    """What carries a choice point in the file, deciding how it is found and rewritten."""

    NODE = enum.auto()
    """One node, rewritten in place."""
    STATEMENT_PAIR = enum.auto()
    """Two adjacent statement lines, swapped."""
    QUOTE_PAIR = enum.auto()
    """Two string literals, requoted."""
    NAMES = enum.auto()
    """Every occurrence of one local variable, respelled."""


def carrier(kind: ChoiceKind) -> Carrier:
    """What carries a choice point of `kind`."""
    match kind:
        case ChoiceKind.STMTORDER:
            return Carrier.STATEMENT_PAIR
        case ChoiceKind.QUOTE:
            return Carrier.QUOTE_PAIR
        case ChoiceKind.NAME:
            return Carrier.NAMES
        case (
            ChoiceKind.NEGCMP
            | ChoiceKind.CMPORDER
            | ChoiceKind.AUGASSIGN
            | ChoiceKind.EMPTY
            | ChoiceKind.RANGE
            | ChoiceKind.KWARGORDER
            | ChoiceKind.IFSWAP
            | ChoiceKind.TERNARY
            | ChoiceKind.NESTEDIF
            | ChoiceKind.SEQKIND
            | ChoiceKind.TUPLEORDER
            | ChoiceKind.FSTRING
            | ChoiceKind.DEFAULTARG
            | ChoiceKind.IFNEGATE
            | ChoiceKind.TERNEGATE
            | ChoiceKind.RAISECALL
            | ChoiceKind.WHILETRUE
            | ChoiceKind.SYSEXIT
            | ChoiceKind.LENZERO
        ):
            return Carrier.NODE
        case _:
            assert_never(kind)


@dataclass(slots=True)
class Raw:
    """A choice point found during the walk, before its unit and occurrence are known."""

    kind: ChoiceKind
    """Which family of equivalent forms."""
    key: str
    """Canonical form of the choice point (the same for both forms)."""
    bit: int | None
    """The form the walked file shows."""
    nodes: tuple[ast.AST, ...]
    """The AST node(s) carrying the choice."""
    detail: tuple[str, ...] = ()
    """Kind-specific facts (keyword names, literal values)."""
    label: tuple[str, ...] = ()
    """Which entry it sits in, where entries an order-free display may reorder serialise
    alike (`KindWalker.tied`): each such entry's own key, outermost first. Read back only."""
    content: tuple[str, ...] = ()
    """Quote and statement-order points: their literals' contents, folded as no mark changes
    them (`shapes.content_key`). Read back only."""


def first(item: tuple[str, list[Raw]]) -> str:
    """Sort key of `(canonical text, choice points)` pairs: the text."""
    return item[0]
