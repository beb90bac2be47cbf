"""The choice-point kinds of the canonical walker, one method per kind family.

Split from `canon` so that the walk (units, blocks, the serialiser) and the kinds (which
node is a choice point, in which form) read separately; `_Walker` combines them.
"""

from __future__ import annotations

import ast
from abc import ABC, abstractmethod
from dataclasses import replace

from forewarn.marks.channels._python.order import pivot_pairs
from forewarn.marks.channels._python.variants import fold_stable
from forewarn.marks.channels.pysource.kinds import (
    MIRROR,
    NEGATED,
    POSITIVE,
    default_keyword,
    default_site,
    format_call_args,
    is_and,
    kwarg_pairs,
    len_compare,
    negatable,
    side_effect_free,
    sym_const,
)
from forewarn.marks.channels.pysource.raw import ChoiceKind, Raw, first
from forewarn.marks.channels.pysource.shapes import (
    const_seq,
    double_not,
    nested_if_form,
    sole_if,
)

Part = tuple[str, list[Raw]]
"""Canonical text of an entry of a display, and the choice points inside it."""


def literal_label(key: ast.expr | None) -> str | None:
    """A dict entry's own key for `KindWalker.tied`: its string key, folded as no mark
    changes it (`variants.fold_stable`); `None` for any other key."""
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return fold_stable(key.value)
    return None


def pair_label(element: ast.expr) -> str | None:
    """A sequence element's own key for `KindWalker.tied`: the first string of a pair
    (`("X-Id", value)`, a header or a form field), folded as `literal_label`."""
    if isinstance(element, ast.Tuple | ast.List) and element.elts:
        return literal_label(element.elts[0])
    return None


class KindWalker(ABC):
    """Choice-point recognisers; the serialiser they call back into lives in `_Walker`."""

    sink: list[Raw]
    """Where recognised choice points of the current unit go."""
    version: int
    """The scheme whose kinds the walk records."""

    @abstractmethod
    def c(self, node: ast.AST, *, swappable_test: bool = False) -> str:
        """Canonical text of `node`."""

    @abstractmethod
    def block(self, stmts: list[ast.stmt], *, top: bool = False, pairs: bool = True) -> str:
        """Canonical text of a statement list."""

    @abstractmethod
    def part(self, node: ast.AST, *, swappable_test: bool = False) -> tuple[str, list[Raw]]:
        """Canonical text of `node` and the choice points inside it."""

    @abstractmethod
    def generic(self, node: ast.AST) -> str:
        """Canonical text of a node no kind cares about."""

    def tied(self, parts: list[Part], labels: list[str | None]) -> list[Part]:
        """The entries of an order-free display (`parts`, in source order) in canonical order,
        the choice points of tied ones labelled with each entry's own key (`labels`).

        Entries whose canonical text ties keep their source order, which another channel may
        change (the wire channel reorders a dict's headers): their choice points would swap
        occurrences. Where every tied entry has a key and no two are alike, each one's points
        carry it (`Raw.label`) and are read back by it; the order, and so every anchor and
        occurrence, stays as it always was: nothing written changes.
        """
        order = sorted(range(len(parts)), key=lambda k: parts[k][0])
        groups: dict[str, list[str | None]] = {}
        for k in order:
            groups.setdefault(parts[k][0], []).append(labels[k])
        out: list[Part] = []
        for k in order:
            text, raws = parts[k]
            keys = groups[text]
            label = labels[k]
            if raws and label is not None and len(keys) > 1 and None not in keys:
                if len(set(keys)) == len(keys):
                    raws = [replace(r, label=(label, *r.label)) for r in raws]
            out.append((text, raws))
        return out

    def negcmp(self, outer: ast.AST, compare: ast.Compare, *, negated: bool) -> str:
        op = type(compare.ops[0])
        canonical = POSITIVE[op] if negated else op
        inner = self.symmetric(canonical.__name__, compare.left, compare.comparators[0])
        self.sink.append(Raw(ChoiceKind.NEGCMP, inner, 1 if negated else 0, (outer,)))
        self.seq_site(compare)
        return inner

    def seq_site(self, compare: ast.Compare) -> None:
        seq = compare.comparators[0]
        if type(compare.ops[0]) in (ast.In, ast.NotIn) and isinstance(seq, ast.Tuple | ast.List):
            if const_seq(seq):
                bit = 0 if isinstance(seq, ast.Tuple) else 1
                self.sink.append(Raw(ChoiceKind.SEQKIND, "IN", bit, (seq,)))
                self.order_sites(seq, [ast.dump(e) for e in seq.elts], "IN")

    def unordered(self, seq: ast.Tuple) -> str:
        """A tuple whose element order cannot matter (exception types, `isinstance` classes)."""
        parts = sorted((self.part(e) for e in seq.elts), key=first)
        for _, sites in parts:
            self.sink.extend(sites)
        text = "SET(" + ",".join(t for t, _ in parts) + ")"
        if all(side_effect_free(e) for e in seq.elts):
            self.order_sites(seq, [ast.unparse(e) for e in seq.elts], text)
        return text

    def order_sites(self, seq: ast.Tuple | ast.List, items: list[str], key: str) -> None:
        for pivot, other, bit in pivot_pairs(items):
            detail = (pivot, other)
            self.sink.append(
                Raw(ChoiceKind.TUPLEORDER, key + f"<{pivot}|{other}>", bit, (seq,), detail)
            )

    def symmetric(self, op: str, left: ast.expr, right: ast.expr) -> str:
        (a, sa), (b, sb) = self.part(left), self.part(right)
        if (a, op) <= (b, op):
            self.sink.extend([*sa, *sb])
            return f"{op}({a},{b})"
        self.sink.extend([*sb, *sa])
        return f"{op}({b},{a})"

    def compare(self, node: ast.Compare) -> str:
        op = type(node.ops[0])
        left, right = node.left, node.comparators[0]
        if op not in MIRROR:
            text = self.generic(node)
            self.seq_site(node)
            return text
        (a, sa), (b, sb) = self.part(left), self.part(right)
        forward, backward = f"{op.__name__}({a},{b})", f"{MIRROR[op].__name__}({b},{a})"
        if forward <= backward:
            self.sink.extend([*sa, *sb])
        else:
            self.sink.extend([*sb, *sa])
        text = min(forward, backward)
        const_left, const_right = sym_const(left, op), sym_const(right, op)
        if const_left != const_right:
            self.sink.append(Raw(ChoiceKind.CMPORDER, text, 1 if const_left else 0, (node,)))
        return text

    def call(self, node: ast.Call) -> str:
        func = node.func
        builtin = func.id if isinstance(func, ast.Name) else None
        if builtin in ("dict", "list") and not node.args and not node.keywords:
            text = "DICT0" if builtin == "dict" else "LIST0"
            self.sink.append(Raw(ChoiceKind.EMPTY, text, 1, (node,)))
            return text
        plain = not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)
        if builtin == "range" and plain and len(node.args) in (1, 2):
            args = node.args
            if len(args) == 1 or (
                isinstance(args[0], ast.Constant)
                and type(args[0].value) is int
                and args[0].value == 0
            ):
                text = "RANGE(" + self.c(args[-1]) + ")"
                self.sink.append(Raw(ChoiceKind.RANGE, text, len(args) - 1, (node,)))
                return text
        format_args = format_call_args(node)
        if format_args is not None:
            return self.fmt(node, format_args, 0)
        if builtin in ("isinstance", "issubclass") and plain and len(node.args) == 2:
            if isinstance(node.args[1], ast.Tuple):
                return "ISI(" + self.c(node.args[0]) + "," + self.unordered(node.args[1]) + ")"
        site = default_site(node)
        positional = list(node.args)
        spelled = default_keyword(node)
        if site is not None:
            self.sink.append(Raw(ChoiceKind.DEFAULTARG, site[0], site[1], (node,)))
            if site == ("open", 1):
                positional = positional[:1]
        head = self.c(func) + "(" + ",".join(self.c(a) for a in positional)
        keywords = [k for k in node.keywords if k is not spelled]
        kws = self.tied([self.part(k) for k in keywords], [k.arg for k in keywords])
        for _, sites in kws:
            self.sink.extend(sites)
        text = head + "|" + ",".join(k for k, _ in kws) + ")"
        for pivot, other, bit in kwarg_pairs(node):
            self.sink.append(
                Raw(
                    ChoiceKind.KWARGORDER, text + f"<{pivot},{other}>", bit, (node,), (pivot, other)
                )
            )
        return text

    def fmt(self, node: ast.expr, args: list[ast.expr], bit: int) -> str:
        text = "FMT(" + ",".join(self.c(a) for a in args) + ")"
        self.sink.append(Raw(ChoiceKind.FSTRING, text, bit, (node,)))
        return text

    def if_(self, node: ast.If) -> str:
        orelse = [s for s in node.orelse if not isinstance(s, ast.Pass)]
        if orelse and not (len(orelse) == 1 and isinstance(orelse[0], ast.If)):
            test, body, other = node.test, node.body, orelse
            bit = 0
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, body, other, bit = test.operand, orelse, node.body, 1
            negated = self.negation(test) if bit == 0 else None
            if negated is not None:
                test, negated_bit = negated
                if negated_bit:
                    body, other = other, body
            text = self.c(test, swappable_test=True)
            text = "IFE(" + text + "|" + self.block(body) + "|" + self.block(other) + ")"
            lone_if = len(node.body) == 1 and isinstance(node.body[0], ast.If)
            idle = all(isinstance(s, ast.Pass) for s in node.body)
            if not double_not(node.test) and not lone_if and not idle:
                self.sink.append(Raw(ChoiceKind.IFSWAP, text, bit, (node,)))
                if negated is not None:
                    self.sink.append(Raw(ChoiceKind.IFNEGATE, text, negated[1], (node,)))
            return text
        if orelse:
            head, block = self.c(node.test), self.block(node.body)
            return "IF(" + head + "|" + block + "|" + self.block(orelse) + ")"
        tests: list[ast.expr] = []
        inner = node
        while True:
            test = inner.test
            tests.extend(test.values if isinstance(test, ast.BoolOp) and is_and(test) else [test])
            nested = sole_if(inner.body)
            if nested is None:
                break
            inner = nested
        text = "IFA(" + ",".join(self.c(t) for t in tests) + "|" + self.block(inner.body) + ")"
        form = nested_if_form(node)
        if form is not None:
            self.sink.append(Raw(ChoiceKind.NESTEDIF, text, form, (node,)))
        return text

    def ifexp(self, node: ast.IfExp) -> str:
        test, body, other, bit = node.test, node.body, node.orelse, 0
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, body, other, bit = test.operand, other, body, 1
        negated = self.negation(test) if bit == 0 else None
        if negated is not None:
            test = negated[0]
            if negated[1]:
                body, other = other, body
        text = "IFX(" + self.c(test, swappable_test=True) + "|" + self.c(body) + "|"
        text += self.c(other) + ")"
        simple = not any(
            isinstance(b, ast.IfExp | ast.Lambda | ast.NamedExpr) for b in (node.body, node.orelse)
        )
        if simple and not double_not(node.test):
            self.sink.append(Raw(ChoiceKind.TERNARY, text, bit, (node,)))
            if negated is not None:
                self.sink.append(Raw(ChoiceKind.TERNEGATE, text, negated[1], (node,)))
        return text

    def negation(self, test: ast.expr) -> tuple[ast.expr, int] | None:
        """Scheme 5: a test `a != b` (`is not`, `not in`) as the positive comparison it negates,
        with bit 1, or a positive one with bit 0; `None` below scheme 5 or for other tests.
        Both forms of `if a != b: B else: A` / `if a == b: A else: B` then anchor alike."""
        op = negatable(test) if self.version >= 5 else None
        if self.version >= 6 and len_compare(test):
            op = None  # scheme 6: `len(x) != 0` is a `lenzero` site, never negated
        if op is None:
            return None
        assert isinstance(test, ast.Compare)
        if op in NEGATED:
            positive = ast.Compare(
                left=test.left, ops=[NEGATED[op]()], comparators=test.comparators
            )
            return ast.copy_location(positive, test), 1
        return test, 0
