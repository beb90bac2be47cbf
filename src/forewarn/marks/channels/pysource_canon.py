"""Name- and form-insensitive reading of Python source: choice points and their anchors.

The Python source channel hides bits in equivalent forms (`x != y` / `not x == y`, `{}` / `dict()`).
To find a choice point again in a copy that was reformatted, renamed, minified or cut, every choice
point is anchored on a *canonical* serialisation of its surroundings that ignores identifiers,
string values, layout and the choice forms themselves: both forms of every choice serialise the
same way, so the anchor survives every partner's marks and the attacker's cosmetics. A unit (a
function, a class, a top-level statement) is identified by the hash of its canonical form; inside a
unit a choice point is `(kind, canonical form of its node, occurrence)`.

Only `ast` is used here: suspects are parsed, never executed.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from forewarn.marks.channels.pysource_kinds import (
    MIRROR,
    NEGATED,
    POSITIVE,
    default_keyword,
    default_site,
    format_call_args,
    fstring_args,
    is_and,
    is_literalish,
    kwarg_pairs,
    num_const,
    pivot_pairs,
    side_effect_free,
    sym_const,
)

_DIGIT_RUN = re.compile(r"\d{3,}")

_HOISTED = "Assign([_],_)"
"""Canonical text of `name = name` and `name = "text"`, the lines minifiers hoist."""

MIN_UNIT_WEIGHT = 20
"""Units with fewer AST nodes are too common in unrelated code to anchor a choice point."""


@dataclass(frozen=True, slots=True)
class Site:
    """One choice point as seen in one file."""

    kind: str
    """Which family of equivalent forms (`negcmp`, `ifswap`, ...)."""
    unit: str
    """Hash of the canonical form of the enclosing unit."""
    key: str
    """Canonical form of the choice point itself (the same for both forms)."""
    occurrence: int
    """Index among sites of the same unit, kind and key, in canonical order."""
    bit: int | None
    """The form this file shows; `None` when only the original can tell (statement order)."""
    nodes: tuple[ast.AST, ...]
    """The AST node(s) carrying the choice, for the rewriter."""
    detail: tuple[str, ...] = ()
    """Kind-specific facts: keyword names of a pair, literal values of a statement pair."""

    @property
    def anchor(self) -> tuple[str, str, str, int]:
        """Where to look for this choice point in another file."""
        return (self.unit, self.kind, self.key, self.occurrence)


@dataclass(slots=True)
class _Raw:
    kind: str
    key: str
    bit: int | None
    nodes: tuple[ast.AST, ...]
    detail: tuple[str, ...] = ()


@dataclass(slots=True)
class Analysis:
    """Every choice point of one file, with the facts needed to trust an anchor."""

    sites: list[Site] = field(default_factory=list)
    """Choice points in canonical order of units, then of traversal."""
    unit_counts: Counter[str] = field(default_factory=Counter)
    """How many units of each hash the file holds (anchors in repeated units are ambiguous)."""
    unit_weight: dict[str, int] = field(default_factory=dict)
    """AST node count per unit hash."""


def _first(item: tuple[str, list[_Raw]]) -> str:
    return item[0]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class _Walker:
    """Serialises a tree canonically and records choice points on the way."""

    def __init__(self) -> None:
        self.sink: list[_Raw] = []
        self.analysis = Analysis()
        self.units: list[tuple[str, list[_Raw], int]] = []

    @contextmanager
    def capture(self) -> Iterator[list[_Raw]]:
        saved, self.sink = self.sink, []
        try:
            yield self.sink
        finally:
            self.sink = saved

    def entry(self, key: ast.expr | None, value: ast.expr) -> tuple[str, list[_Raw]]:
        with self.capture() as got:
            text = ("**" if key is None else self.c(key)) + ":" + self.c(value)
        return text, got

    def part(self, node: ast.AST, *, swappable_test: bool = False) -> tuple[str, list[_Raw]]:
        with self.capture() as got:
            text = self.c(node, swappable_test=swappable_test)
        return text, got

    # -- units ---------------------------------------------------------------------------------

    def unit(self, label: str, node: ast.AST, body: str) -> str:
        digest = _digest(label + body)
        self.units.append((digest, self.sink, sum(1 for _ in ast.walk(node))))
        return digest

    def module(self, tree: ast.Module) -> None:
        run: list[ast.stmt] = []
        for stmt in [*tree.body, None]:
            if stmt is not None and _pairable(stmt):
                run.append(stmt)
                continue
            if run:
                with self.capture():
                    text = ";".join(self.run_pairs(run)[0])
                    self.unit("RUN", ast.Module(body=run, type_ignores=[]), text)
                run = []
            if stmt is None or _skipped(stmt):
                continue
            with self.capture():
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    self.c(stmt)
                else:
                    text = self.block([stmt], top=True)
                    self.unit("TOP", stmt, text)
        self.finish()

    def finish(self) -> None:
        result = self.analysis
        for digest, raws, weight in self.units:
            result.unit_counts[digest] += 1
            result.unit_weight[digest] = weight
            seen: Counter[tuple[str, str]] = Counter()
            for raw in raws:
                occurrence = seen[(raw.kind, raw.key)]
                seen[(raw.kind, raw.key)] += 1
                result.sites.append(
                    Site(raw.kind, digest, raw.key, occurrence, raw.bit, raw.nodes, raw.detail)
                )

    # -- blocks --------------------------------------------------------------------------------

    def block(self, stmts: list[ast.stmt], *, top: bool = False, pairs: bool = True) -> str:
        """Statements in order, swappable pairs sorted.

        The leading run of `name = literal` / `name = name` statements of a body is written as a
        sorted multiset without its string, name and constant members: that is where a minifier
        inserts the literals and aliases it hoists, and where statement-order marks sit.
        """
        kept = [s for s in stmts if not _skipped(s)]
        out: list[str] = []
        start = 0
        if pairs and not top:
            while start < len(kept) and _pairable(kept[start]):
                start += 1
            _, texts = self.run_pairs(kept[:start])
            out.append("LEAD(" + ",".join(sorted(t for t in texts if t != _HOISTED)) + ")")
        run: list[ast.stmt] = []
        for stmt in [*kept[start:], None]:
            if pairs and stmt is not None and _pairable(stmt):
                run.append(stmt)
                continue
            out.extend(self.run_pairs(run)[0])
            run = []
            if stmt is not None:
                out.append(self.c(stmt))
        return "[" + ";".join(out) + "]"

    def run_pairs(self, run: list[ast.stmt]) -> tuple[list[str], list[str]]:
        """Canonical text of a run of pairable statements, and of each statement."""
        out: list[str] = []
        texts = [self.c(stmt) for stmt in run]
        for i in range(0, len(run) - 1, 2):
            first, second = run[i], run[i + 1]
            out.append("PAIR(" + ",".join(sorted(texts[i : i + 2])) + ")")
            assert isinstance(first, ast.Assign) and isinstance(second, ast.Assign)
            values = (_literal_key(first), _literal_key(second))
            names = (_target(first), _target(second))
            literal = _literal_value(first.value) and _literal_value(second.value)
            if literal and names[0] != names[1] and values[0] != values[1]:
                low, high = sorted(values)
                bit = 0 if values[0] == low else 1
                self.sink.append(_Raw("stmtorder", "PAIR", bit, (first, second), (low, high)))
        if len(run) % 2:
            out.append(texts[-1])
        return out, texts

    # -- the serialiser -------------------------------------------------------------------------

    def c(self, node: ast.AST, *, swappable_test: bool = False) -> str:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            deco = ",".join(self.c(d) for d in node.decorator_list)
            args = self.c(node.args)
            body = list(node.body)
            while body and (_skipped(body[-1]) or _bare_return(body[-1])):
                body.pop()
            with self.capture():
                text = self.block(body)
                digest = self.unit("DEF", node, f"{type(node).__name__}({deco}|{args}|{text})")
            return "DEF#" + digest
        if isinstance(node, ast.ClassDef):
            bases = ",".join(
                self.c(b) for b in node.bases if not (isinstance(b, ast.Name) and b.id == "object")
            )
            with self.capture():
                text = self.block(node.body, pairs=False)
                digest = self.unit("CLS", node, f"CLS({bases}|{text})")
            return "CLS#" + digest
        if isinstance(node, ast.Name):
            return "_"
        if isinstance(node, ast.Constant):
            return _const_tag(node.value)
        if isinstance(node, ast.Attribute):
            return "A(" + self.c(node.value) + ")"
        if isinstance(node, ast.keyword):
            return "K(" + self.c(node.value) + ")"
        if isinstance(node, ast.arg):
            return "ARG"
        if isinstance(node, ast.arguments):
            every = [*node.posonlyargs, *node.args]
            defaults = ",".join(self.c(d) for d in node.defaults)
            kw_defaults = ",".join("-" if d is None else self.c(d) for d in node.kw_defaults)
            return (
                f"ARGS({len(every)},{defaults},{len(node.kwonlyargs)},{kw_defaults},"
                f"{node.vararg is not None},{node.kwarg is not None})"
            )
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Pass):
            return ""
        if isinstance(node, ast.Return):
            if node.value is None or _is_none(node.value):
                return "RET"
            return "RET(" + self.c(node.value) + ")"
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call = node.exc
            if not call.args and not call.keywords and node.cause is None:
                return "RAISE(" + self.c(call.func) + ")"
        if isinstance(node, ast.AnnAssign):
            if node.value is None:
                return ""
            return "ASG(" + self.c(node.target) + "," + self.c(node.value) + ")"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = node.operand
            if (
                not swappable_test
                and isinstance(inner, ast.Compare)
                and len(inner.ops) == 1
                and type(inner.ops[0]) in NEGATED.values()
            ):
                return self.negcmp(node, inner, negated=True)
            return "NOT(" + self.c(inner) + ")"
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            if type(node.ops[0]) in NEGATED and not swappable_test:
                return self.negcmp(node, node, negated=False)
            return self.compare(node)
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            if type(node.op) in (ast.Add, ast.Sub) and num_const(node.value):
                text = f"AUG({type(node.op).__name__},{self.c(node.value)})"
                self.sink.append(_Raw("augassign", text, 0, (node,)))
                return text
        if isinstance(node, ast.Assign) and _aug_form(node):
            assert isinstance(node.value, ast.BinOp)
            text = f"AUG({type(node.value.op).__name__},{self.c(node.value.right)})"
            self.sink.append(_Raw("augassign", text, 1, (node,)))
            return text
        if isinstance(node, ast.Dict | ast.List) and not _elements(node):
            text = "DICT0" if isinstance(node, ast.Dict) else "LIST0"
            self.sink.append(_Raw("empty", text, 0, (node,)))
            return text
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Tuple | ast.List) and isinstance(node.ctx, ast.Load):
            parts = sorted((self.part(e) for e in node.elts), key=_first)
            for _, sites in parts:
                self.sink.extend(sites)
            return "SEQ(" + ",".join(t for t, _ in parts) + ")"
        if isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Tuple):
            text = self.unordered(node.type)
            return "EXC(" + text + "|" + self.block(node.body) + ")"
        if isinstance(node, ast.For | ast.AsyncFor) and not node.orelse:
            if isinstance(node.iter, ast.Tuple | ast.List) and _const_seq(node.iter):
                bit = 0 if isinstance(node.iter, ast.Tuple) else 1
                self.sink.append(_Raw("seqkind", "FOR", bit, (node.iter,)))
        if isinstance(node, ast.Dict):
            parts = sorted(
                (self.entry(k, v) for k, v in zip(node.keys, node.values, strict=True)),
                key=_first,
            )
            for _, sites in parts:
                self.sink.extend(sites)
            return "DICT(" + ",".join(t for t, _ in parts) + ")"
        if isinstance(node, ast.JoinedStr):
            values = fstring_args(node)
            if values is not None:
                return self.fmt(node, values, 1)
        if isinstance(node, ast.If):
            return self.if_(node)
        if isinstance(node, ast.IfExp):
            return self.ifexp(node)
        if isinstance(node, ast.BinOp) and num_const(node.left) and num_const(node.right):
            return "N"
        return self.generic(node)

    def generic(self, node: ast.AST) -> str:
        parts: list[str] = []
        for name, value in ast.iter_fields(node):
            if name in ("ctx", "type_comment", "annotation", "returns", "name", "id", "attr"):
                continue
            if name == "asname" or name == "kind":
                continue
            if isinstance(value, ast.AST):
                parts.append(self.c(value))
            elif isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    parts.append(self.block(value))
                else:
                    parts.append(
                        "["
                        + ",".join(self.c(v) if isinstance(v, ast.AST) else "" for v in value)
                        + "]"
                    )
            elif isinstance(value, str | int) and name in ("level", "is_async", "conversion"):
                parts.append(str(value))
        return type(node).__name__ + "(" + ",".join(parts) + ")"

    # -- kinds ---------------------------------------------------------------------------------

    def negcmp(self, outer: ast.AST, compare: ast.Compare, *, negated: bool) -> str:
        op = type(compare.ops[0])
        canonical = POSITIVE[op] if negated else op
        inner = self.symmetric(canonical.__name__, compare.left, compare.comparators[0])
        self.sink.append(_Raw("negcmp", inner, 1 if negated else 0, (outer,)))
        self.seq_site(compare)
        return inner

    def seq_site(self, compare: ast.Compare) -> None:
        seq = compare.comparators[0]
        if type(compare.ops[0]) in (ast.In, ast.NotIn) and isinstance(seq, ast.Tuple | ast.List):
            if _const_seq(seq):
                bit = 0 if isinstance(seq, ast.Tuple) else 1
                self.sink.append(_Raw("seqkind", "IN", bit, (seq,)))
                self.order_sites(seq, [ast.dump(e) for e in seq.elts], "IN")

    def unordered(self, seq: ast.Tuple) -> str:
        """A tuple whose element order cannot matter (exception types, `isinstance` classes)."""
        parts = sorted((self.part(e) for e in seq.elts), key=_first)
        for _, sites in parts:
            self.sink.extend(sites)
        text = "SET(" + ",".join(t for t, _ in parts) + ")"
        if all(side_effect_free(e) for e in seq.elts):
            self.order_sites(seq, [ast.unparse(e) for e in seq.elts], text)
        return text

    def order_sites(self, seq: ast.Tuple | ast.List, items: list[str], key: str) -> None:
        for pivot, other, bit in pivot_pairs(items):
            detail = (pivot, other)
            self.sink.append(_Raw("tupleorder", key + f"<{pivot}|{other}>", bit, (seq,), detail))

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
            self.sink.append(_Raw("cmporder", text, 1 if const_left else 0, (node,)))
        return text

    def call(self, node: ast.Call) -> str:
        func = node.func
        builtin = func.id if isinstance(func, ast.Name) else None
        if builtin in ("dict", "list") and not node.args and not node.keywords:
            text = "DICT0" if builtin == "dict" else "LIST0"
            self.sink.append(_Raw("empty", text, 1, (node,)))
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
                self.sink.append(_Raw("range", text, len(args) - 1, (node,)))
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
            self.sink.append(_Raw("defaultarg", site[0], site[1], (node,)))
            if site == ("open", 1):
                positional = positional[:1]
        head = self.c(func) + "(" + ",".join(self.c(a) for a in positional)
        keywords = [k for k in node.keywords if k is not spelled]
        kws = sorted((self.part(k) for k in keywords), key=_first)
        for _, sites in kws:
            self.sink.extend(sites)
        text = head + "|" + ",".join(k for k, _ in kws) + ")"
        for first, second, bit in kwarg_pairs(node):
            self.sink.append(
                _Raw("kwargorder", text + f"<{first},{second}>", bit, (node,), (first, second))
            )
        return text

    def fmt(self, node: ast.expr, args: list[ast.expr], bit: int) -> str:
        text = "FMT(" + ",".join(self.c(a) for a in args) + ")"
        self.sink.append(_Raw("fstring", text, bit, (node,)))
        return text

    def if_(self, node: ast.If) -> str:
        orelse = [s for s in node.orelse if not isinstance(s, ast.Pass)]
        if orelse and not (len(orelse) == 1 and isinstance(orelse[0], ast.If)):
            test, body, other = node.test, node.body, orelse
            bit = 0
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, body, other, bit = test.operand, orelse, node.body, 1
            text = self.c(test, swappable_test=True)
            text = "IFE(" + text + "|" + self.block(body) + "|" + self.block(other) + ")"
            lone_if = len(node.body) == 1 and isinstance(node.body[0], ast.If)
            idle = all(isinstance(s, ast.Pass) for s in node.body)
            if not _double_not(node.test) and not lone_if and not idle:
                self.sink.append(_Raw("ifswap", text, bit, (node,)))
            return text
        if orelse:
            test, body = self.c(node.test), self.block(node.body)
            return "IF(" + test + "|" + body + "|" + self.block(orelse) + ")"
        tests: list[ast.expr] = []
        inner = node
        while True:
            test = inner.test
            tests.extend(test.values if isinstance(test, ast.BoolOp) and is_and(test) else [test])
            nested = _sole_if(inner.body)
            if nested is None:
                break
            inner = nested
        text = "IFA(" + ",".join(self.c(t) for t in tests) + "|" + self.block(inner.body) + ")"
        form = nested_if_form(node)
        if form is not None:
            self.sink.append(_Raw("nestedif", text, form, (node,)))
        return text

    def ifexp(self, node: ast.IfExp) -> str:
        test, body, other, bit = node.test, node.body, node.orelse, 0
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, body, other, bit = test.operand, other, body, 1
        text = "IFX(" + self.c(test, swappable_test=True) + "|" + self.c(body) + "|"
        text += self.c(other) + ")"
        simple = not any(
            isinstance(b, ast.IfExp | ast.Lambda | ast.NamedExpr) for b in (node.body, node.orelse)
        )
        if simple and not _double_not(node.test):
            self.sink.append(_Raw("ternary", text, bit, (node,)))
        return text


def nested_if_form(node: ast.If) -> int | None:
    """`if a and b:` is form 0, `if a: if b:` form 1, `None` when `node` is not such a site.

    Chains of three or more are left alone (the caller also excludes an `if` that is the sole body
    of an else-less `if`, see `_Walker.if_`), so both forms stay recognisable in any copy.
    """
    if node.orelse:
        return None
    inner = _sole_if(node.body)
    if inner is not None:
        if _sole_if(inner.body) is None and not is_and(node.test) and not is_and(inner.test):
            return 1
        return None
    test = node.test
    if is_and(test):
        assert isinstance(test, ast.BoolOp)
        if len(test.values) == 2 and not any(is_and(v) for v in test.values):
            return 0
    return None


def _sole_if(body: list[ast.stmt]) -> ast.If | None:
    if len(body) == 1 and isinstance(body[0], ast.If) and not body[0].orelse:
        return body[0]
    return None


def _double_not(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.UnaryOp)
        and isinstance(test.operand.op, ast.Not)
    )


def _skipped(stmt: ast.stmt) -> bool:
    """Statements minifiers drop or merge: docstrings, `pass`, imports."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True
    return isinstance(stmt, ast.Pass | ast.Import | ast.ImportFrom)


def _bare_return(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Return) and (stmt.value is None or _is_none(stmt.value))


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _const_tag(value: object) -> str:
    if isinstance(value, str | bool) or value is None or value is Ellipsis:
        return "_"
    if isinstance(value, bytes):
        return "B"
    return "N"


def _elements(node: ast.Dict | ast.List) -> list[ast.expr | None]:
    return list(node.keys) if isinstance(node, ast.Dict) else list(node.elts)


def _const_seq(node: ast.Tuple | ast.List) -> bool:
    return (
        isinstance(node.ctx, ast.Load)
        and len(node.elts) >= 2
        and all(isinstance(e, ast.Constant) for e in node.elts)
    )


def _aug_form(node: ast.Assign) -> bool:
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
        return False
    value = node.value
    return (
        isinstance(value, ast.BinOp)
        and type(value.op) in (ast.Add, ast.Sub)
        and isinstance(value.left, ast.Name)
        and value.left.id == node.targets[0].id
        and num_const(value.right)
    )


def _pairable(stmt: ast.stmt) -> bool:
    """`name = literal` or `name = name`: the statements runs of swappable pairs are cut from.

    A minifier turns repeated literals into names, so names count here to keep the pairing of a
    copy aligned with the original's; only pairs of two literal values are choice points.
    """
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return False
    target = stmt.targets[0]
    if not isinstance(target, ast.Name) or target.id.startswith("__"):
        return False
    return isinstance(stmt.value, ast.Name) or _literal_value(stmt.value)


def _empty(node: ast.expr) -> str | None:
    """`LIST0` / `DICT0` for `[]`, `list()`, `{}`, `dict()` (both forms of an `empty` choice)."""
    if isinstance(node, ast.List | ast.Dict) and not _elements(node):
        return "LIST0" if isinstance(node, ast.List) else "DICT0"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in ("list", "dict") and not node.args and not node.keywords:
            return "LIST0" if node.func.id == "list" else "DICT0"
    return None


def _literal_value(node: ast.expr) -> bool:
    return _empty(node) is not None or is_literalish(node)


def _target(stmt: ast.stmt) -> str:
    assert isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
    return stmt.targets[0].id


def _literal_key(stmt: ast.stmt) -> str:
    """The statement's value, blind to the low bits the payload channel may set in it."""
    assert isinstance(stmt, ast.Assign)
    empty = _empty(stmt.value)
    if empty is not None:
        return empty
    parts: list[str] = []
    for node in ast.walk(stmt.value):
        if isinstance(node, ast.Constant):
            value = node.value
            if type(value) is int:
                value = value - (value & 1)
            elif isinstance(value, str):
                value = _DIGIT_RUN.sub(
                    lambda m: str(int(m.group()) & ~1).zfill(len(m.group())), value
                )
            parts.append(type(node.value).__name__ + ":" + repr(value))
        else:
            parts.append(type(node).__name__)
    return "|".join(parts)


def analyse(tree: ast.Module) -> Analysis:
    """All choice points of a parsed file, anchored."""
    walker = _Walker()
    walker.module(tree)
    return walker.analysis


__all__ = ["MIN_UNIT_WEIGHT", "Analysis", "Site", "analyse", "nested_if_form", "side_effect_free"]
