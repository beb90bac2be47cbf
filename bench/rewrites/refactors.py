"""Structural refactors a code assistant makes while keeping the wire, as `ast` transformers.

Beside `transforms`' spelling changes: the steps that use the connection or session wrapped in
`try`/`except` that report and exit, module aliases (`import requests as rq`) and
`functools.partial` over the request method, a class-based client (the functions that take the
connection become methods of a class that keeps it, and the shared default headers, in
`__init__`), and for a requests PoC `session.request(…)` spelt as
`session.send(session.prepare_request(requests.Request(…)))`. Each runs after `restyle`'s
renaming, so it finds the client by shape, not by name: the first parameter of several
functions whose attributes one of them uses.
"""

from __future__ import annotations

import ast
from collections import Counter

from rewrites.transforms import Step

_ALIASES = {"requests": "rq", "http.client": "hc", "urllib.parse": "up"}
_SEND_ONLY = ("timeout", "allow_redirects", "proxies", "stream", "verify", "cert")


def _functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [s for s in tree.body if isinstance(s, ast.FunctionDef)]


def client_parameter(tree: ast.Module) -> str | None:
    """The name of the connection or session the PoC's functions pass around."""
    firsts = Counter(f.args.args[0].arg for f in _functions(tree) if f.args.args)
    receivers = {
        node.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
    }
    found = [name for name, count in firsts.most_common() if count >= 2 and name in receivers]
    return found[0] if found else None


def _uses(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _reporting(body: list[ast.stmt]) -> ast.Try:
    """`try: body` that reports an `OSError` on stderr and exits (a run that works is the same)."""
    report = ast.parse(
        "try:\n    pass\nexcept OSError as failure:\n"
        "    print('request failed:', failure, file=sys.stderr)\n"
        "    raise SystemExit(1) from failure\n"
    ).body[0]
    assert isinstance(report, ast.Try)
    report.body = body
    return report


def try_wrapped(tree: ast.Module) -> ast.Module:
    """Every statement of a function that uses the connection or session, inside a `try`."""
    client = client_parameter(tree)
    if client is None:
        return tree
    for function in _functions(tree):
        function.body = [_reporting([s]) if _uses(s, client) else s for s in function.body]
    return tree


class _Aliased(ast.NodeTransformer):
    def __init__(self, client: str | None) -> None:
        self.client = client

    def visit_Import(self, node: ast.Import) -> ast.AST:
        for alias in node.names:
            if alias.name in _ALIASES and alias.asname is None:
                alias.asname = _ALIASES[alias.name]
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.value, ast.Name) and f"{node.value.id}.{node.attr}" in _ALIASES:
            return ast.Name(_ALIASES[f"{node.value.id}.{node.attr}"], node.ctx)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in _ALIASES:
            return ast.Name(_ALIASES[node.id], node.ctx)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        on_client = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        if on_client and func.value.id == self.client and func.attr == "request" and node.args:  # type: ignore[attr-defined]
            partial = ast.Attribute(ast.Name("functools", ast.Load()), "partial", ast.Load())
            bound = ast.Call(partial, [func, node.args[0]], [])
            return ast.Call(bound, node.args[1:], node.keywords)
        return node


def aliases(tree: ast.Module) -> ast.Module:
    """`import requests as rq`, `import http.client as hc`, and the client's `request` method
    called through `functools.partial(client.request, method)`."""
    tree = _Aliased(client_parameter(tree)).visit(tree)
    tree.body.insert(0, ast.Import([ast.alias("functools")]))
    return tree


class _Methods(ast.NodeTransformer):
    """Inside a method: the client is `self.transport`, sibling calls are `self.f(…)`."""

    def __init__(self, client: str, methods: set[str], headers: str | None) -> None:
        self.client, self.methods, self.headers = client, methods, headers

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        first = node.args[0] if node.args else None
        if isinstance(func, ast.Name) and func.id in self.methods and _is(first, "self.transport"):
            own = ast.Attribute(ast.Name("self", ast.Load()), func.id, ast.Load())
            return ast.Call(own, node.args[1:], node.keywords)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == self.client:
            return ast.Attribute(ast.Name("self", ast.Load()), "transport", node.ctx)
        if node.id == self.headers and isinstance(node.ctx, ast.Load):
            return ast.Attribute(ast.Name("self", ast.Load()), "headers", ast.Load())
        return node


def _is(node: ast.expr | None, dotted: str) -> bool:
    return node is not None and ast.unparse(node) == dotted


class _Callers(ast.NodeTransformer):
    """Outside the class: `f(conn, …)` becomes `Client(conn).f(…)`."""

    def __init__(self, methods: set[str]) -> None:
        self.methods = methods

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in self.methods and node.args:
            made = ast.Call(ast.Name("Client", ast.Load()), [node.args[0]], [])
            return ast.Call(
                ast.Attribute(made, node.func.id, ast.Load()), node.args[1:], node.keywords
            )
        return node


def _shared_headers(tree: ast.Module, methods: list[ast.FunctionDef]) -> ast.Assign | None:
    """The module's dict constant that the methods read, if there is one."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dict):
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and any(_uses(m, target.id) for m in methods):
                return stmt
    return None


def class_client(tree: ast.Module) -> ast.Module:
    """The functions that take the connection or session become methods of `Client`, whose
    `__init__` keeps it (`self.transport`) and the default headers (`self.headers`)."""
    client = client_parameter(tree)
    if client is None:
        return tree
    methods = [f for f in _functions(tree) if f.args.args and f.args.args[0].arg == client]
    names = {f.name for f in methods}
    shared = _shared_headers(tree, methods)
    headers = shared.targets[0].id if shared is not None else None  # type: ignore[attr-defined]
    init = ast.parse(
        "def __init__(self, transport):\n    self.transport = transport\n"
        + (f"    self.headers = {headers}\n" if headers else "")
    ).body[0]
    for method in methods:
        method.args.args[0] = ast.arg("self")
        _Methods(client, names, headers).visit(method)
    first = tree.body.index(methods[0])
    rest = [s for s in tree.body if s not in methods]
    rest = [_Callers(names).visit(s) for s in rest]
    cls = ast.ClassDef("Client", [], [], [init, *methods], [])
    tree.body = [*rest[:first], cls, *rest[first:]]
    return tree


class _Prepared(ast.NodeTransformer):
    def __init__(self, client: str | None) -> None:
        self.client = client

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return node
        if func.value.id != self.client or func.attr != "request":
            return node
        session = func.value
        built = [k for k in node.keywords if k.arg not in _SEND_ONLY]
        sent = [k for k in node.keywords if k.arg in _SEND_ONLY]
        request = ast.Call(
            ast.Attribute(ast.Name("requests", ast.Load()), "Request", ast.Load()),
            list(node.args),
            built,
        )
        prepare = ast.Attribute(session, "prepare_request", ast.Load())
        prepared = ast.Call(prepare, [request], [])
        return ast.Call(ast.Attribute(session, "send", ast.Load()), [prepared], sent)


def prepared_requests(tree: ast.Module) -> ast.Module:
    """requests only: `session.request(m, url, **kw)` as
    `session.send(session.prepare_request(requests.Request(m, url, …)), timeout=…)`."""
    return _Prepared(client_parameter(tree)).visit(tree)  # type: ignore[no-any-return]


REFACTORS: dict[str, tuple[Step, ...]] = {
    "sends wrapped in try/except": (try_wrapped,),
    "module aliases and functools.partial": (aliases,),
    "class-based client (self.transport, self.headers)": (class_client,),
    "thorough: try/except, aliases, class-based client": (try_wrapped, aliases, class_client),
}
"""Structural rewrites for every PoC, by name (each also renames everything)."""

REQUESTS_REFACTORS: dict[str, tuple[Step, ...]] = {
    "session.request as Request().prepare() and Session.send": (prepared_requests,),
}
"""Rewrites that only a requests PoC admits."""
