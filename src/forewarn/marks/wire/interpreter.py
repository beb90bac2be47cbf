"""The abstract interpreter: walks the suspect's syntax tree and computes what it would send.

Nothing of the suspect runs: statements are interpreted over `values`' stand-ins, calls to the
suspect's own functions are inlined with their arguments bound (depth-capped), loops over known
items are unrolled (bounded), and conditions that cannot be known follow both branches and join.
Calls into client libraries are handed to `calls`, which records the requests.
"""

from __future__ import annotations

import ast
from typing import Any

from forewarn.marks.wire import spellings
from forewarn.marks.wire.classes import CLASS_CELL, SELF_CELL, Classes
from forewarn.marks.wire.environment import (
    Break,
    Continue,
    Raise,
    Return,
    Scope,
    Signal,
    branch,
)
from forewarn.marks.wire.values import (
    UNKNOWN,
    ClassV,
    ClientV,
    DictV,
    FuncV,
    InstanceV,
    ListV,
    ModuleV,
    truth,
)


class Interpreter(Classes):
    """Statements and inlined calls of the suspect's own functions."""

    # statements ---------------------------------------------------------------------------

    def block(self, body: list[ast.stmt], scope: Scope) -> None:
        """Run statements in order."""
        for statement in body:
            self.statement(statement, scope)

    def statement(self, node: ast.stmt, scope: Scope) -> None:
        """Run one statement."""
        self.tick()
        if isinstance(node, ast.Expr):
            self.expr(node.value, scope)
        elif isinstance(node, ast.Assign):
            value = self.expr(node.value, scope)
            for target in node.targets:
                self.assign(target, value, scope)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.assign(node.target, self.expr(node.value, scope), scope)
        elif isinstance(node, ast.AugAssign):
            current = self.expr(node.target, scope)
            value = self.expr(node.value, scope)
            if isinstance(node.op, ast.BitOr) and isinstance(current, DictV):
                pairs = spellings.pairs_of(value)
                result = current.merge(pairs) if pairs is not None else UNKNOWN
            else:
                result = spellings.binary(node.op, current, value, self.limits)
            self.assign(node.target, result, scope)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            scope.names[node.name] = self.decorated(node, FuncV(node, scope), scope)
        elif isinstance(node, ast.ClassDef):
            self.class_def(node, scope)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.names[alias.asname] = ModuleV(alias.name)
                else:
                    top = alias.name.split(".")[0]
                    scope.names[top] = ModuleV(top)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                name = f"{node.module or ''}.{alias.name}".lstrip(".")
                scope.names[alias.asname or alias.name] = ModuleV(name)
        elif isinstance(node, ast.If):
            self.if_(node, scope)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.for_(node, scope)
        elif isinstance(node, ast.While):
            self.while_(node, scope)
        elif isinstance(node, ast.Try | ast.TryStar):
            self.try_(node, scope)
        elif isinstance(node, ast.With | ast.AsyncWith):
            self.with_(node, scope)
        elif isinstance(node, ast.Return):
            raise Return(self.expr(node.value, scope) if node.value is not None else None)
        elif isinstance(node, ast.Raise):
            if self.follow and node.exc is not None:
                self.expr(node.exc, scope)  # `raise SystemExit(main())` runs `main` first
            raise Raise()
        elif isinstance(node, ast.Break):
            raise Break()
        elif isinstance(node, ast.Continue):
            raise Continue()
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.delete(target, scope)

    def decorated(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, func: FuncV, scope: Scope
    ) -> Any:
        """A suspect read to `follow` applies its own decorators (a registry of steps: `@step`
        appends the function to a list that `main` then runs); any other decorator, or one
        whose result is unknown, leaves the function as written. Plans never do (every copy
        of a released PoC keeps being planned as it was)."""
        if not self.follow:
            return func
        for item in reversed(node.decorator_list):
            decorator = self.expr(item, scope) if isinstance(item, ast.Name) else None
            if not isinstance(decorator, FuncV):
                return func
            try:
                result = self.invoke(decorator, (func,), {})
            except Signal:
                return func
            if not isinstance(result, FuncV):
                return func
            func = result
        return func

    def if_(self, node: ast.If, scope: Scope) -> None:
        """`if`: the known branch, or both joined."""
        known = truth(self.expr(node.test, scope))
        if known is True:
            self.block(node.body, scope)
        elif known is False:
            self.block(node.orelse, scope)
        else:
            left = branch(
                scope, lambda: self.block(node.body, scope), lambda: self.block(node.orelse, scope)
            )
            self.maybe_left = self.maybe_left or left

    def for_(self, node: ast.For | ast.AsyncFor, scope: Scope) -> None:
        """`for`: unrolled over known items (bounded), else the body once, joined."""
        iterated = self.expr(node.iter, scope)
        members = iterated.members if isinstance(iterated, ClassV) else None
        items = members if members is not None else spellings.sequence(iterated)
        if items is None or len(items) > self.limits.max_unroll:
            if items is not None:
                self.note(f"line {node.lineno}: a loop of {len(items)} items read once")

            def once() -> None:
                self.assign(node.target, UNKNOWN, scope)
                try:
                    self.block(node.body, scope)
                except (Break, Continue):
                    pass

            branch(scope, once, lambda: None)
            return
        for item in items:
            self.assign(node.target, item, scope)
            try:
                self.block(node.body, scope)
            except Break:
                return
            except Continue:
                continue
        self.block(node.orelse, scope)

    def while_(self, node: ast.While, scope: Scope) -> None:
        """`while`: followed while the condition is known and no path may leave, bounded."""
        for _ in range(self.limits.max_unroll):
            known = truth(self.expr(node.test, scope))
            if known is False:
                self.block(node.orelse, scope)
                return
            if known is None:
                branch(scope, lambda: self._loop_body(node.body, scope), lambda: None)
                return
            outer, self.maybe_left = self.maybe_left, False
            try:
                self.block(node.body, scope)
            except Break:
                self.maybe_left = outer
                return
            except Continue:
                pass
            left, self.maybe_left = self.maybe_left, outer
            if left:
                return
        self.note(f"line {node.lineno}: a loop stopped after {self.limits.max_unroll} turns")

    def _loop_body(self, body: list[ast.stmt], scope: Scope) -> None:
        try:
            self.block(body, scope)
        except (Break, Continue):
            pass

    def try_(self, node: ast.Try | ast.TryStar, scope: Scope) -> None:
        """`try`: the body (then `else`) is the path followed. A body that raises goes on
        through its first handler; otherwise each handler is an alternative path taken only
        when something fails, whose requests are kept aside and recorded after the main path's
        (so the main path's requests keep the order a run that never failed sends them in)."""
        try:
            signal: Signal | None = None
            raised = False
            try:
                self.block(node.body, scope)
            except Raise:
                raised = True
            except Signal as left:
                signal = left
            else:
                self.block(node.orelse, scope)
            handlers = list(node.handlers)
            if raised and handlers:
                self.handler(handlers.pop(0), scope)
            elif raised:
                self.maybe_left = True
            for other in handlers:
                self.aside_path(other, scope)
            if signal is not None:
                raise signal
        finally:
            self.block(node.finalbody, scope)

    def handler(self, node: ast.ExceptHandler, scope: Scope) -> None:
        """Run an `except` block, its exception bound to an unknown value."""
        if node.name:
            scope.names[node.name] = UNKNOWN
        self.block(node.body, scope)

    def aside_path(self, node: ast.ExceptHandler, scope: Scope) -> None:
        """Follow a handler for the requests it sends, then forget its effects on the names."""
        before, mark, left = dict(scope.names), len(self.sites), self.maybe_left
        try:
            self.handler(node, scope)
        except Signal:
            pass
        finally:
            self.aside.extend(self.sites[mark:])
            del self.sites[mark:]
            scope.names, self.maybe_left = before, left

    def with_(self, node: ast.With | ast.AsyncWith, scope: Scope) -> None:
        """`with`: each context entered (`__enter__` of the suspect's own classes inlined, a
        client object itself), the body run, the contexts left in reverse order (a connection
        left by `closing` or `__exit__` sends what it holds)."""
        entered: list[Any] = []
        enter_name = "__aenter__" if isinstance(node, ast.AsyncWith) else "__enter__"
        try:
            for item in node.items:
                value = self.expr(item.context_expr, scope)
                entered.append(value)
                if isinstance(value, InstanceV):
                    enter = self.attribute(value, enter_name)
                    value = self.invoke(enter, (), {}) if isinstance(enter, FuncV) else value
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, scope)
            self.block(node.body, scope)
        finally:
            for value in reversed(entered):
                self.leave(value)

    def leave(self, value: Any) -> None:
        """Leave one context: a connection is flushed, a suspect's `__exit__` inlined."""
        if isinstance(value, ClientV) and value.kind == "http.client.HTTPConnection":
            self.flush(value)
        elif isinstance(value, InstanceV):
            leave = self.attribute(value, "__exit__")
            if isinstance(leave, FuncV):
                try:
                    self.invoke(leave, (None, None, None), {})
                except Signal:
                    pass

    def invoke(self, func: FuncV, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Inline one of the suspect's functions with its arguments bound."""
        if self.depth >= self.limits.max_depth:
            self.note(f"line {func.node.lineno}: calls nested deeper than {self.limits.max_depth}")
            return UNKNOWN
        self.reached.add(func.node)
        frame = Scope(func.scope)
        self.bind(func, frame, args, kwargs)
        if func.owner is not None:  # `super()` reads the class and the first argument
            spec = func.node.args
            first = [*spec.posonlyargs, *spec.args][:1]
            frame.names[CLASS_CELL] = func.owner
            frame.names[SELF_CELL] = frame.names.get(first[0].arg) if first else None
        self.depth += 1
        try:
            if isinstance(func.node, ast.Lambda):
                return self.expr(func.node.body, frame)
            if self.follow and _flat_generator(func.node):
                return self._generated(func.node, frame)
            self.block(func.node.body, frame)
        except Return as done:
            return done.value
        except (Break, Continue):
            return UNKNOWN
        finally:
            self.depth -= 1
        return None

    def _generated(self, node: ast.FunctionDef | ast.AsyncFunctionDef, frame: Scope) -> Any:
        """A generator whose every `yield` is a statement of its body: the items it yields."""
        items: list[Any] = []
        try:
            for statement in node.body:
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Yield):
                    value = statement.value.value
                    items.append(self.expr(value, frame) if value is not None else None)
                else:
                    self.statement(statement, frame)
        except Return:
            pass
        return ListV(tuple(items))

    def bind(
        self, func: FuncV, frame: Scope, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Bind parameters as Python does; defaults are evaluated in the defining scope."""
        spec = func.node.args
        positional = [*spec.posonlyargs, *spec.args]
        given = ((func.bound,) if func.bound is not None else ()) + args
        defaults = [self.expr(d, func.scope) for d in spec.defaults]
        first_default = len(positional) - len(defaults)
        for index, param in enumerate(positional):
            if index < len(given):
                frame.names[param.arg] = given[index]
            elif param.arg in kwargs:
                frame.names[param.arg] = kwargs[param.arg]
            elif index >= first_default:
                frame.names[param.arg] = defaults[index - first_default]
            else:
                frame.names[param.arg] = UNKNOWN
        for param, default in zip(spec.kwonlyargs, spec.kw_defaults, strict=True):
            fallback = self.expr(default, func.scope) if default is not None else UNKNOWN
            frame.names[param.arg] = kwargs.get(param.arg, fallback)
        if spec.vararg is not None:
            frame.names[spec.vararg.arg] = tuple(given[len(positional) :])
        if spec.kwarg is not None:
            named = {p.arg for p in positional} | {p.arg for p in spec.kwonlyargs}
            frame.names[spec.kwarg.arg] = DictV(
                tuple((k, v) for k, v in kwargs.items() if k not in named)
            )

    def run_signal_safe(self, body: list[ast.stmt], scope: Scope) -> None:
        """Run a block, a `return`/`raise` ending it quietly (module level, lone functions)."""
        try:
            self.block(body, scope)
        except Signal:
            pass


def _flat_generator(node: ast.AST) -> bool:
    """A function that yields, each `yield` a statement of its own body (so the items it
    yields are known in order, none inside a branch or a loop that may not run)."""
    body = getattr(node, "body", None)
    if not isinstance(body, list):
        return False
    flat = {id(s.value) for s in body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Yield)}
    found = [n for n in _own_nodes(node) if isinstance(n, ast.Yield | ast.YieldFrom)]
    return bool(found) and all(id(n) in flat for n in found)


def _own_nodes(node: ast.AST) -> list[ast.AST]:
    """Nodes of a function's body, not of the functions and classes defined inside it."""
    out: list[ast.AST] = []
    stack = list(getattr(node, "body", []))
    while stack:
        child = stack.pop()
        out.append(child)
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        stack.extend(ast.iter_child_nodes(child))
    return out
