"""A module's code, reusing the code of every statement it shares with trees written before.

Every partner's copy of a PoC is the original's libcst tree with a few nodes rebuilt: libcst's
transformers, `DerivedTree` and the source channel's rewrite keep every untouched subtree as the
very same object. Writing a copy's module statement by statement, with each statement's code
remembered by identity, skips every statement no channel touched, at any depth: a function that
one choice point rebuilt is written as its header and the one rebuilt statement, with the code of
its other statements taken as it was. The result is `module.code` byte for byte: libcst writes a
module as its header, body and footer lines one after the other (`Module._codegen_impl`), an
indented block as its header, then each statement with the block's indent pushed, then its
footer (`IndentedBlock._codegen_impl`), and a statement's code depends only on it, the stack of
indents it is written under and the module's default indent and newline (`CodegenState`).
tests/marks/test_codegen.py compares it with `module.code` on rewritten trees.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from contextlib import AbstractContextManager, nullcontext

import libcst as cst
from libcst._nodes.internal import CodegenState

_LIMIT = 2048
"""Statements kept that were written more than once, least recently written out first: the
original's untouched ones, written for every copy."""

_RECENT = 512
"""Statements kept that were written once, first in first out: a copy's rebuilt ones, which
its next channel writes again, and then never; holding them longer would only make the garbage
collector walk every partner's rebuilt trees."""

_TRY = ("body", "handlers", "orelse", "finalbody")
_BLOCKS: dict[type[cst.CSTNode], tuple[str, ...]] = {
    cst.If: ("body", "orelse"),
    cst.Else: ("body",),
    cst.For: ("body", "orelse"),
    cst.While: ("body", "orelse"),
    cst.Try: _TRY,
    cst.TryStar: _TRY,
    cst.ExceptHandler: ("body",),
    cst.ExceptStarHandler: ("body",),
    cst.Finally: ("body",),
    cst.With: ("body",),
    cst.FunctionDef: ("body",),
    cst.ClassDef: ("body",),
}
"""Nodes whose indented blocks are written at their own indent, and the fields holding them or
their clauses. Not `Match`: it writes its cases one indent deeper (`Match._codegen_impl`), so it
is written whole, as is any node not named here."""

_Key = tuple[int, tuple[str, ...], str, str]

_known: OrderedDict[_Key, tuple[cst.CSTNode, str]] = OrderedDict()
_recent: OrderedDict[_Key, tuple[cst.CSTNode, str]] = OrderedDict()
_lock = threading.Lock()  # the API server marks (regenerates) copies in worker threads


_NOTHING = nullcontext()


@dataclasses.dataclass
class _State(CodegenState):
    """libcst's plain codegen state, whose `record_syntactic_position` only yields (positions
    are for `PositionProvider`'s state), without a generator-based context manager per node."""

    def record_syntactic_position(  # type: ignore[override]  # any context manager will do
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        return _NOTHING


@dataclasses.dataclass(frozen=True)
class _Written(cst.BaseStatement):
    """A statement of known code, in the shell of the compound statement being written."""

    text: str
    """Its code, under the indents it stands at."""

    def _visit_and_replace_children(self, visitor: cst.CSTVisitorT) -> _Written:
        return self

    def _codegen_impl(self, state: CodegenState) -> None:
        state.tokens.append(self.text)


def module_code(module: cst.Module) -> str:
    """`module.code`, each statement (at any depth) written once per distinct object."""
    if not module.has_trailing_newline:
        return module.code  # libcst then drops the last token, which a joined text cannot tell
    writer = _Writer(module.default_indent, module.default_newline)
    parts = [writer.code(node, ()) for node in (*module.header, *module.body, *module.footer)]
    code = "".join(parts)
    return code if code else module.code


class _Writer:
    def __init__(self, default_indent: str, default_newline: str) -> None:
        self.default_indent = default_indent
        self.default_newline = default_newline

    def code(self, node: cst.CSTNode, indents: tuple[str, ...]) -> str:
        """The code of `node` (a statement or a module's line) under `indents`."""
        key = (id(node), indents, self.default_indent, self.default_newline)
        with _lock:
            known = _known.get(key)
            if known is not None and known[0] is node:
                _known.move_to_end(key)
                return known[1]
            known = _recent.pop(key, None)
            if known is not None and known[0] is node:
                _keep(_known, key, known, _LIMIT)  # written twice: likely an original's
                return known[1]
        shell = self.shell(node, indents) if type(node) in _BLOCKS else node
        state = _State(self.default_indent, self.default_newline, indent_tokens=[*indents])
        shell._codegen(state)
        text = "".join(state.tokens)
        with _lock:
            _keep(_recent, key, (node, text), _RECENT)
        return text

    def shell(self, node: cst.CSTNode, indents: tuple[str, ...]) -> cst.CSTNode:
        """`node` with the statements of its indented blocks replaced by their code."""
        changes: dict[str, object] = {}
        for name in _BLOCKS[type(node)]:
            value = getattr(node, name)
            if type(value) is cst.IndentedBlock:
                inner = (*indents, self.default_indent if value.indent is None else value.indent)
                body = [_Written(self.code(stmt, inner)) for stmt in value.body]
                changes[name] = value.with_changes(body=body)
            elif type(value) in _BLOCKS:
                changes[name] = self.shell(value, indents)
            elif isinstance(value, tuple | list):
                changes[name] = [self.shell(v, indents) if type(v) in _BLOCKS else v for v in value]
        return node.with_changes(**changes) if changes else node


def _keep(
    kept: OrderedDict[_Key, tuple[cst.CSTNode, str]],
    key: _Key,
    value: tuple[cst.CSTNode, str],
    limit: int,
) -> None:
    kept[key] = value
    kept.move_to_end(key)
    if len(kept) > limit:
        kept.popitem(last=False)


__all__ = ["module_code"]
