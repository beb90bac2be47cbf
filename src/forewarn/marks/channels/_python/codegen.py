"""A module's code, reusing the code of top-level statements it shares with trees written before.

Every partner's copy of a PoC is the original's libcst tree with a few nodes rebuilt: libcst's
transformers and `DerivedTree` keep every untouched subtree as the very same object. Writing a
copy's module statement by statement, with each statement's code remembered by identity, skips
the statements no channel touched (a third of a PoC's code, its constants and imports, and most
of it in the wire channel's tree check). The result is `module.code` byte for byte: libcst writes
a module as its header, body and footer lines one after the other (`Module._codegen_impl`), and a
top-level statement's code depends only on it and the module's indent and newline.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import libcst as cst

_LIMIT = 256
"""Statements remembered, least recently written out first: the original's untouched ones are
written for every copy and stay; a copy's rebuilt ones (each held alive here) soon go."""

_known: OrderedDict[tuple[int, str, str], tuple[cst.CSTNode, str]] = OrderedDict()
_lock = threading.Lock()  # the API server marks (regenerates) copies in worker threads


def module_code(module: cst.Module) -> str:
    """`module.code`, each top-level line or statement written once per distinct object."""
    if not module.has_trailing_newline:
        return module.code  # libcst then drops the last token, which a joined text cannot tell
    parts = []
    for node in (*module.header, *module.body, *module.footer):
        key = (id(node), module.default_indent, module.default_newline)
        with _lock:
            known = _known.get(key)
            if known is not None and known[0] is node:
                _known.move_to_end(key)
        if known is None or known[0] is not node:
            known = (node, module.code_for_node(node))
            with _lock:
                _known[key] = known
                if len(_known) > _LIMIT:
                    _known.popitem(last=False)
        parts.append(known[1])
    code = "".join(parts)
    return code if code else module.code


__all__ = ["module_code"]
