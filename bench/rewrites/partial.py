"""Fragments of the PoC, as a tool author reuses them: never runnable on their own.

- the request builder alone (`Poc.builder`, with the imports and the constants it reads), its
  `send` helper missing, every name renamed;
- the same builder with the helper's request call written in place (as an assistant inlines a
  one-use helper), so the builder calls the connection or session it is handed as a parameter;
- every function but the `send` helper (the tool brings its own transport), entry point
  dropped, so nothing calls the steps: the evaluator reads them as lone functions.
"""

from __future__ import annotations

import ast
import copy

from rewrites.model import Leak, Output
from rewrites.transforms import rename_all


def _function(tree: ast.Module, name: str) -> ast.FunctionDef:
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def _with_context(tree: ast.Module, kept: list[ast.stmt]) -> list[ast.stmt]:
    """The imports and the module constants the kept statements read, then the statements."""
    used = {n.id for stmt in kept for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    context: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            context.append(node)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in used for t in node.targets
        ):
            context.append(node)
    return context + kept


def _output(name: str, body: list[ast.stmt]) -> Output:
    text = rename_all(ast.unparse(ast.fix_missing_locations(ast.Module(body, []))))
    return Output({name: (text + "\n").encode()}, script=False)


def single_function(leak: Leak) -> Output:
    """The imports, the constants it reads and `Poc.builder`, with every name renamed."""
    tree = ast.parse(leak.source)
    builder = _function(tree, leak.poc.builder)
    return _output("builder.py", _with_context(tree, [builder]))


class _Substitute(ast.NodeTransformer):
    def __init__(self, values: dict[str, ast.expr]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.AST:
        found = self.values.get(node.id)
        return (
            copy.deepcopy(found) if found is not None and isinstance(node.ctx, ast.Load) else node
        )


def _bound(helper: ast.FunctionDef, call: ast.Call) -> dict[str, ast.expr]:
    """The helper's parameters bound to the call's arguments (defaults where not given)."""
    params = [a.arg for a in helper.args.args]
    tail = params[len(params) - len(helper.args.defaults) :]
    defaults = dict(zip(tail, helper.args.defaults, strict=True))
    values: dict[str, ast.expr] = dict(defaults)
    values.update(zip(params, call.args, strict=False))
    values.update((k.arg, k.value) for k in call.keywords if k.arg is not None)
    return values


def _answer_read(helper: ast.FunctionDef) -> ast.expr:
    """How the helper reads the answer (`response.read(n)`, `response.content[:n]`), kept as
    the copy wrote it: its size is one of the copy's behaviour constants."""
    for node in ast.walk(helper):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "read":
                return node
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            if node.value.attr == "content":
                return node
    raise ValueError(f"{helper.name} reads no answer")


def _inlined(
    helper: ast.FunctionDef, target: ast.expr, call: ast.Call, client: str
) -> list[ast.stmt]:
    """`target = send(conn, …)` as the helper's own request call, then its answer read."""
    values = _bound(helper, call)
    first = helper.args.args[0].arg
    request = next(
        n
        for n in ast.walk(helper)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == first
        and n.func.attr == "request"
    )
    sent = _Substitute(values).visit(copy.deepcopy(request))
    connection = ast.unparse(values[first])
    read = ast.unparse(_answer_read(helper))
    if client == "http.client":
        code = (f"{connection}.getresponse()", f"(response.status, {read})")
        lines = [ast.Expr(sent), ast.parse(f"response = {code[0]}").body[0]]
    else:
        code = ("", f"(response.status_code, {read})")
        lines = [ast.Assign([ast.Name("response", ast.Store())], sent)]
    answer = ast.parse(code[1], mode="eval").body
    return [*lines, ast.Assign([target], answer)]


class _Inline(ast.NodeTransformer):
    def __init__(self, helper: ast.FunctionDef, client: str) -> None:
        self.helper, self.client = helper, client

    def visit_Assign(self, node: ast.Assign) -> ast.AST | list[ast.stmt]:
        value = node.value
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == self.helper.name
            and len(node.targets) == 1
        ):
            return _inlined(self.helper, node.targets[0], value, self.client)
        return node


def inlined_builder(leak: Leak) -> Output:
    """`Poc.builder` with its `send` helper's request written in place: it now calls the
    connection or session it receives as a parameter."""
    tree = ast.parse(leak.source)
    builder = _Inline(_function(tree, leak.poc.sender), leak.poc.client).visit(
        copy.deepcopy(_function(tree, leak.poc.builder))
    )
    return _output("builder.py", _with_context(tree, [builder]))


def without_sender(leak: Leak) -> Output:
    """Every function of the copy but its `send` helper, and no entry point."""
    tree = ast.parse(leak.source)
    kept = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name != leak.poc.sender
    ]
    return _output("steps.py", _with_context(tree, kept))


FRAGMENTS = {
    "request builder alone, renamed": single_function,
    "request builder, send helper inlined, client a parameter, renamed": inlined_builder,
    "every function but the send helper, never called, renamed": without_sender,
}
"""Every fragment attack, by name."""
