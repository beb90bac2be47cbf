"""The canonical tree's node and the operator rules every construct is rewritten with.

Mirrored comparisons (`5 < x` / `x > 5`), negated operators (`!=` / `not ==`) and the operand
order of commutative operators all reduce to one form here, so `canon` and `control` build
their rewritten nodes through the same three constructors."""

from __future__ import annotations

import functools
import hashlib

_U64 = (1 << 64) - 1
_MIRROR = {">": "<", ">=": "<="}
_NEGATED = {"!=": "==", "not in": "in", "is not": "is", "!==": "==="}
_COMMUTATIVE = frozenset(
    {"+", "*", "==", "===", "&", "|", "^", "and", "or", "&&", "||", "is", "-and", "-or", "-eq"}
)
_SAME_OPERATOR = {"&&": "and", "||": "or", "-and": "and", "-or": "or"}

MIRROR_OPERATORS = frozenset(_MIRROR)
NEGATED_OPERATORS = frozenset(_NEGATED)
COMMUTATIVE_OPERATORS = _COMMUTATIVE


@functools.cache
def label(text: str) -> int:
    """A stable 64-bit hash of a label (unlike `hash(str)`, the same in every process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


class CNode:
    """One node of the canonical tree, with its order-aware structural hash."""

    __slots__ = ("first", "function", "kids", "kind", "last", "operator", "size", "text", "value")

    def __init__(
        self,
        kind: str,
        kids: tuple[CNode, ...],
        lines: tuple[int, int],
        *,
        unordered: bool = False,
        function: bool = False,
        operator: bool = False,
        text: bytes = b"",
    ) -> None:
        if unordered:
            kids = tuple(sorted(kids, key=lambda k: k.value))
        self.kind: str = kind
        """Node type, canonical label (`BIN`, `NOT`, `ASSIGN`...) or token text."""
        self.kids: tuple[CNode, ...] = kids
        """Children in canonical order."""
        self.first: int = lines[0]
        self.last: int = lines[1]
        self.function: bool = function
        self.operator: bool = operator
        self.text: bytes = text
        """Content of string literals (for literal features)."""
        self.size: int = sum(k.size for k in kids) if kids else 1
        """Leaves below."""
        self.value: int = (
            hash((label(kind), *(k.value for k in kids))) & _U64 if kids else label(kind)
        )


def operator_leaf(text: str, row: int) -> CNode:
    """An operator token as a leaf (`=`, `not`, `?`): canonical nodes name their operator."""
    return CNode(text, (), (row, row), operator=True)


def binary(left: CNode, op: str, right: CNode, lines: tuple[int, int]) -> CNode:
    """`left op right` in its one canonical form: mirrored, negated or commuted."""
    op = _SAME_OPERATOR.get(op, op)
    if op in _MIRROR:
        left, op, right = right, _MIRROR[op], left
    if op in _NEGATED:
        return negate(binary(left, _NEGATED[op], right, lines), lines)
    pair = (left, right)
    if op in _COMMUTATIVE and right.value < left.value:
        pair = (right, left)
    return CNode("BIN", (pair[0], operator_leaf(op, lines[0]), pair[1]), lines)


def negate(inner: CNode, lines: tuple[int, int]) -> CNode:
    """`not inner`, with a double negation undone."""
    if inner.kind == "NOT":
        return inner.kids[1]
    return CNode("NOT", (operator_leaf("not", lines[0]), inner), lines)
