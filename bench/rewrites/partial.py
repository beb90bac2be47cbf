"""One function of the PoC, alone: the request builder, renamed, as a tool author reuses it."""

from __future__ import annotations

import ast

from rewrites.model import Leak, Output
from rewrites.transforms import rename_all


def single_function(leak: Leak) -> Output:
    """The imports, the constants it reads and `Poc.builder`, with every name renamed."""
    tree = ast.parse(leak.source)
    builder = next(
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == leak.poc.builder
    )
    used = {n.id for n in ast.walk(builder) if isinstance(n, ast.Name)}
    kept: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            kept.append(node)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in used for t in node.targets
        ):
            kept.append(node)
    kept.append(builder)
    text = rename_all(ast.unparse(ast.Module(kept, [])))
    return Output({"builder.py": (text + "\n").encode()}, script=False)
