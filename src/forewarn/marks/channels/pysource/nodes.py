"""The canonical text of each node type that the walk treats specially, one method per type.

`canon._Walker.c` looks a node's type up in `SERIALISERS`; a method returns the node's canonical
text, or `None` to fall back to the generic serialisation. The kind recognisers of `sites` record
the choice points met on the way.
"""

from __future__ import annotations

import ast
from abc import abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from forewarn.marks.channels.pysource.kinds import (
    NEGATED,
    builtin_exception,
    exit_argument,
    fstring_args,
    len_zero,
    num_const,
)
from forewarn.marks.channels.pysource.raw import ChoiceKind, Raw
from forewarn.marks.channels.pysource.shapes import (
    aug_form,
    bare_return,
    const_seq,
    const_tag,
    elements,
    is_none,
    quote_content,
    quote_key,
    quote_style,
    skipped,
)
from forewarn.marks.channels.pysource.sites import KindWalker, literal_label, pair_label


class NodeSerialiser(KindWalker):
    """The per-type serialisers; the walk's state and units live in `canon._Walker`."""

    lines: list[bytes]
    """The file's lines as bytes (`ast` columns are byte offsets)."""
    in_fstring: int
    """How deep inside f-strings the walk is (quotes there are not choice points)."""
    marked: frozenset[int]
    """`id`s of the names singled out for the name layer's anchor."""
    defs: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]]
    """Every function met, with its unit hash."""
    blind: bool
    """Whether anchors ignore what scheme 3's wire channel may change in literals."""
    version: int
    """The scheme whose kinds the walk records (5 adds scheme 5's; below, scheme 3's)."""

    @abstractmethod
    def capture(self) -> AbstractContextManager[list[Raw]]:
        """Collect the choice points recorded inside the `with` block apart."""

    @abstractmethod
    def entry(self, key: ast.expr | None, value: ast.expr) -> tuple[str, list[Raw]]:
        """Canonical text of one dict entry and the choice points inside it."""

    @abstractmethod
    def unit(self, label: str, node: ast.AST, body: str) -> str:
        """Close a unit: its hash, with the choice points collected for it."""

    def c_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef, _test: bool) -> str:
        deco = ",".join(self.c(d) for d in node.decorator_list)
        args = self.c(node.args)
        body = list(node.body)
        while body and (skipped(body[-1]) or bare_return(body[-1])):
            body.pop()
        with self.capture():
            text = self.block(body)
            digest = self.unit("DEF", node, f"{type(node).__name__}({deco}|{args}|{text})")
        self.defs.append((node, digest))
        return "DEF#" + digest

    def c_class(self, node: ast.ClassDef, _test: bool) -> str:
        bases = ",".join(
            self.c(b) for b in node.bases if not (isinstance(b, ast.Name) and b.id == "object")
        )
        with self.capture():
            text = self.block(node.body, pairs=False)
            digest = self.unit("CLS", node, f"CLS({bases}|{text})")
        return "CLS#" + digest

    def c_name(self, node: ast.Name, _test: bool) -> str:
        return "@" if id(node) in self.marked else "_"

    def c_constant(self, node: ast.Constant, _test: bool) -> str:
        style = None if self.in_fstring else quote_style(node, self.lines)
        if style is not None:
            assert isinstance(node.value, str | bytes)  # `quote_style` styles only these
            key = quote_key(node.value, self.blind)
            content = (quote_content(node.value),)
            self.sink.append(Raw(ChoiceKind.QUOTE, key, style, (node,), content=content))
        return const_tag(node.value)

    def c_attribute(self, node: ast.Attribute, _test: bool) -> str:
        return "A(" + self.c(node.value) + ")"

    def c_keyword(self, node: ast.keyword, _test: bool) -> str:
        return "K(" + self.c(node.value) + ")"

    def c_arg(self, node: ast.arg, _test: bool) -> str:
        return "ARG"

    def c_arguments(self, node: ast.arguments, _test: bool) -> str:
        every = [*node.posonlyargs, *node.args]
        defaults = ",".join(self.c(d) for d in node.defaults)
        kw_defaults = ",".join("-" if d is None else self.c(d) for d in node.kw_defaults)
        return (
            f"ARGS({len(every)},{defaults},{len(node.kwonlyargs)},{kw_defaults},"
            f"{node.vararg is not None},{node.kwarg is not None})"
        )

    def c_nothing(self, node: ast.AST, _test: bool) -> str:
        return ""

    def c_return(self, node: ast.Return, _test: bool) -> str:
        if node.value is None or is_none(node.value):
            return "RET"
        return "RET(" + self.c(node.value) + ")"

    def c_exit(self, node: ast.Expr | ast.Raise) -> str | None:
        """Scheme 6: `sys.exit(x)` and `raise SystemExit(x)` written alike."""
        found = exit_argument(node) if self.version >= 6 else None
        if found is None:
            return None
        argument, bit = found
        self.sink.append(Raw(ChoiceKind.SYSEXIT, "EXIT", bit, (node,)))
        return "EXIT(" + self.c(argument) + ")"

    def c_expr(self, node: ast.Expr, _test: bool) -> str | None:
        return self.c_exit(node)

    def c_raise(self, node: ast.Raise, _test: bool) -> str | None:
        if (exited := self.c_exit(node)) is not None:
            return exited
        call = node.exc
        if isinstance(call, ast.Call) and not call.args and not call.keywords:
            if node.cause is None:
                if self.version >= 5 and builtin_exception(call.func):
                    self.sink.append(Raw(ChoiceKind.RAISECALL, "RAISE", 1, (node,)))
                return "RAISE(" + self.c(call.func) + ")"
        if self.version >= 5 and node.cause is None and builtin_exception(call):
            self.sink.append(Raw(ChoiceKind.RAISECALL, "RAISE", 0, (node,)))
            assert call is not None
            return "RAISE(" + self.c(call) + ")"
        return None

    def c_while(self, node: ast.While, _test: bool) -> str | None:
        test = node.test
        if self.version < 5 or not isinstance(test, ast.Constant) or node.orelse:
            return None
        if test.value is True or (type(test.value) is int and test.value == 1):
            bit = int(test.value is not True)
            self.sink.append(Raw(ChoiceKind.WHILETRUE, "WHILE", bit, (test,)))
            return "WHILE1(" + self.block(node.body) + ")"
        return None

    def c_annassign(self, node: ast.AnnAssign, _test: bool) -> str:
        if node.value is None:
            return ""
        return "ASG(" + self.c(node.target) + "," + self.c(node.value) + ")"

    def c_unaryop(self, node: ast.UnaryOp, swappable_test: bool) -> str | None:
        if not isinstance(node.op, ast.Not):
            return None
        inner = node.operand
        if (
            not swappable_test
            and isinstance(inner, ast.Compare)
            and len(inner.ops) == 1
            and type(inner.ops[0]) in NEGATED.values()
        ):
            return self.negcmp(node, inner, negated=True)
        return "NOT(" + self.c(inner) + ")"

    def c_compare(self, node: ast.Compare, swappable_test: bool) -> str | None:
        if len(node.ops) != 1:
            return None
        found = len_zero(node) if self.version >= 6 else None
        if found is not None:
            self.sink.append(Raw(ChoiceKind.LENZERO, "LEN0", found[1], (node,)))
            return "LEN0(" + self.c(found[0]) + ")"
        if type(node.ops[0]) in NEGATED and not swappable_test:
            return self.negcmp(node, node, negated=False)
        return self.compare(node)

    def c_augassign(self, node: ast.AugAssign, _test: bool) -> str | None:
        if isinstance(node.target, ast.Name) and type(node.op) in (ast.Add, ast.Sub):
            if num_const(node.value):
                text = f"AUG({type(node.op).__name__},{self.c(node.value)})"
                self.sink.append(Raw(ChoiceKind.AUGASSIGN, text, 0, (node,)))
                return text
        return None

    def c_assign(self, node: ast.Assign, _test: bool) -> str | None:
        if not aug_form(node):
            return None
        assert isinstance(node.value, ast.BinOp)
        text = f"AUG({type(node.value.op).__name__},{self.c(node.value.right)})"
        self.sink.append(Raw(ChoiceKind.AUGASSIGN, text, 1, (node,)))
        return text

    def c_empty(self, node: ast.Dict | ast.List) -> str | None:
        if elements(node):
            return None
        text = "DICT0" if isinstance(node, ast.Dict) else "LIST0"
        self.sink.append(Raw(ChoiceKind.EMPTY, text, 0, (node,)))
        return text

    def c_call(self, node: ast.Call, _test: bool) -> str:
        return self.call(node)

    def c_sequence(self, node: ast.Tuple | ast.List, _test: bool) -> str | None:
        if isinstance(node, ast.List) and (empty := self.c_empty(node)) is not None:
            return empty
        if not isinstance(node.ctx, ast.Load):
            return None
        parts = self.tied([self.part(e) for e in node.elts], [pair_label(e) for e in node.elts])
        for _, sites in parts:
            self.sink.extend(sites)
        return "SEQ(" + ",".join(t for t, _ in parts) + ")"

    def c_except(self, node: ast.ExceptHandler, _test: bool) -> str | None:
        if not isinstance(node.type, ast.Tuple):
            return None
        text = self.unordered(node.type)
        return "EXC(" + text + "|" + self.block(node.body) + ")"

    def c_for(self, node: ast.For | ast.AsyncFor, _test: bool) -> None:
        if not node.orelse and isinstance(node.iter, ast.Tuple | ast.List):
            if const_seq(node.iter):
                bit = 0 if isinstance(node.iter, ast.Tuple) else 1
                self.sink.append(Raw(ChoiceKind.SEQKIND, "FOR", bit, (node.iter,)))
        return None

    def c_dict(self, node: ast.Dict, _test: bool) -> str:
        if (empty := self.c_empty(node)) is not None:
            return empty
        entries = [self.entry(k, v) for k, v in zip(node.keys, node.values, strict=True)]
        parts = self.tied(entries, [literal_label(k) for k in node.keys])
        for _, sites in parts:
            self.sink.extend(sites)
        return "DICT(" + ",".join(t for t, _ in parts) + ")"

    def c_fstring(self, node: ast.JoinedStr, _test: bool) -> str:
        values = fstring_args(node)
        if values is not None:
            return self.fmt(node, values, 1)
        self.in_fstring += 1
        try:
            return self.generic(node)
        finally:
            self.in_fstring -= 1

    def c_if(self, node: ast.If, _test: bool) -> str:
        return self.if_(node)

    def c_ifexp(self, node: ast.IfExp, _test: bool) -> str:
        return self.ifexp(node)

    def c_binop(self, node: ast.BinOp, _test: bool) -> str | None:
        return "N" if num_const(node.left) and num_const(node.right) else None


SERIALISERS: dict[type[ast.AST], Callable[[NodeSerialiser, Any, bool], str | None]] = {
    ast.FunctionDef: NodeSerialiser.c_def,
    ast.AsyncFunctionDef: NodeSerialiser.c_def,
    ast.ClassDef: NodeSerialiser.c_class,
    ast.Name: NodeSerialiser.c_name,
    ast.Constant: NodeSerialiser.c_constant,
    ast.Attribute: NodeSerialiser.c_attribute,
    ast.keyword: NodeSerialiser.c_keyword,
    ast.arg: NodeSerialiser.c_arg,
    ast.arguments: NodeSerialiser.c_arguments,
    ast.Import: NodeSerialiser.c_nothing,
    ast.ImportFrom: NodeSerialiser.c_nothing,
    ast.Pass: NodeSerialiser.c_nothing,
    ast.Return: NodeSerialiser.c_return,
    ast.Raise: NodeSerialiser.c_raise,
    ast.AnnAssign: NodeSerialiser.c_annassign,
    ast.UnaryOp: NodeSerialiser.c_unaryop,
    ast.Compare: NodeSerialiser.c_compare,
    ast.AugAssign: NodeSerialiser.c_augassign,
    ast.Assign: NodeSerialiser.c_assign,
    ast.Call: NodeSerialiser.c_call,
    ast.Tuple: NodeSerialiser.c_sequence,
    ast.List: NodeSerialiser.c_sequence,
    ast.ExceptHandler: NodeSerialiser.c_except,
    ast.For: NodeSerialiser.c_for,
    ast.AsyncFor: NodeSerialiser.c_for,
    ast.Dict: NodeSerialiser.c_dict,
    ast.JoinedStr: NodeSerialiser.c_fstring,
    ast.If: NodeSerialiser.c_if,
    ast.IfExp: NodeSerialiser.c_ifexp,
    ast.BinOp: NodeSerialiser.c_binop,
    ast.While: NodeSerialiser.c_while,
    ast.Expr: NodeSerialiser.c_expr,
}
"""The node types whose canonical text is not `generic`'s, and the method that writes it."""
