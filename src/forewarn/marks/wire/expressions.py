"""Expressions and assignment targets of the abstract interpreter.

An expression's value is computed over `values`' stand-ins; a call is evaluated part by part and
handed to `Calls.dispatch`, and a mutating method's new receiver is written back to the name,
attribute or item that held it (values are immutable here, so that branches can be joined).
"""

from __future__ import annotations

import ast
from typing import Any

from forewarn.marks.wire import spellings
from forewarn.marks.wire.calls import Calls
from forewarn.marks.wire.environment import Scope, missing
from forewarn.marks.wire.library import BUILTINS
from forewarn.marks.wire.values import (
    UNKNOWN,
    ClassV,
    ClientV,
    DictV,
    FuncV,
    InstanceV,
    Limits,
    ListV,
    MethodV,
    ModuleV,
    Stop,
    join,
    truth,
)


class Expressions(Calls):
    """Expressions, places and the step budget; statements are in `Interpreter`."""

    def __init__(self, limits: Limits, *, as_sent: bool = False, follow: bool = False) -> None:
        super().__init__(limits, as_sent=as_sent, follow=follow)
        self.steps = 0
        self.maybe_left = False

    def tick(self) -> None:
        """Count one unit of work; `Stop` past the limit."""
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise Stop("the evaluation took more steps than the limit")

    # places ---------------------------------------------------------------------------------

    def assign(self, target: ast.expr, value: Any, scope: Scope) -> None:
        """Bind `value` to a name, attribute, item or unpacking target."""
        if isinstance(target, ast.Name):
            scope.names[target.id] = spellings.check(value, self.limits)
        elif isinstance(target, ast.Tuple | ast.List):
            items = spellings.sequence(value)
            for index, element in enumerate(target.elts):
                if isinstance(element, ast.Starred):
                    self.assign(element.value, UNKNOWN, scope)
                    continue
                part = items[index] if items is not None and index < len(items) else UNKNOWN
                self.assign(element, part, scope)
        elif isinstance(target, ast.Attribute):
            owner = self.expr(target.value, scope)
            if isinstance(owner, InstanceV):
                owner.attrs[target.attr] = value
            elif isinstance(owner, ClassV):
                owner.attrs[target.attr] = value
            elif isinstance(owner, ClientV):
                self.set_client_attr(owner, target.attr, value)
        elif isinstance(target, ast.Subscript):
            owner = self.expr(target.value, scope)
            key = self.expr(target.slice, scope)
            if isinstance(owner, DictV):
                updated: Any = owner.set(key, value) if key is not UNKNOWN else UNKNOWN
            elif isinstance(owner, ListV) and isinstance(key, int):
                cells = list(owner.items)
                if -len(cells) <= key < len(cells):
                    cells[key] = value
                updated = ListV(tuple(cells))
            else:
                return
            self.assign(target.value, updated, scope)

    def delete(self, target: ast.expr, scope: Scope) -> None:
        """`del name[key]` on a dict; other deletions are ignored."""
        if isinstance(target, ast.Subscript):
            owner = self.expr(target.value, scope)
            key = self.expr(target.slice, scope)
            if isinstance(owner, DictV):
                self.assign(target.value, owner.without(key), scope)

    # expressions ----------------------------------------------------------------------------

    def expr(self, node: ast.expr | None, scope: Scope) -> Any:
        """The value of an expression (a constant and a name, half of all, read right here:
        this runs for every expression of every copy read back)."""
        self.tick()
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            value = UNKNOWN if node.value is Ellipsis else node.value
        elif isinstance(node, ast.Name):
            value = self.name(node.id, scope)
        else:
            value = self._expr(node, scope)
        return spellings.check(value, self.limits)

    def _expr(self, node: ast.expr, scope: Scope) -> Any:
        if isinstance(node, ast.Constant):
            return UNKNOWN if node.value is Ellipsis else node.value
        if isinstance(node, ast.Name):
            return self.name(node.id, scope)
        if isinstance(node, ast.JoinedStr):
            return "".join(self.fstring_part(part, scope) for part in node.values)
        if isinstance(node, ast.Attribute):
            return self.attribute(self.expr(node.value, scope), node.attr)
        if isinstance(node, ast.Subscript):
            return self.subscript(self.expr(node.value, scope), node.slice, scope)
        if isinstance(node, ast.BinOp):
            left, right = self.expr(node.left, scope), self.expr(node.right, scope)
            return spellings.binary(node.op, left, right, self.limits)
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand, scope)
            if isinstance(node.op, ast.Not):
                known = truth(operand)
                return UNKNOWN if known is None else not known
            if isinstance(node.op, ast.USub) and isinstance(operand, int | float):
                return -operand
            return UNKNOWN
        if isinstance(node, ast.BoolOp):
            return self.bool_op(node, scope)
        if isinstance(node, ast.Compare):
            return self.compare(node, scope)
        if isinstance(node, ast.IfExp):
            known = truth(self.expr(node.test, scope))
            if known is None:
                return join(self.expr(node.body, scope), self.expr(node.orelse, scope))
            return self.expr(node.body if known else node.orelse, scope)
        if isinstance(node, ast.Dict):
            return self.dict_display(node, scope)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = self.elements(node.elts, scope)
            if items is None:
                return UNKNOWN
            return items if isinstance(node, ast.Tuple) else ListV(items)
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
            return self.comprehension(node, scope)
        if isinstance(node, ast.Call):
            return self.call_node(node, scope)
        if isinstance(node, ast.Await):
            return self.expr(node.value, scope)
        if isinstance(node, ast.NamedExpr):
            value = self.expr(node.value, scope)
            self.assign(node.target, value, scope)
            return value
        if isinstance(node, ast.Lambda):
            return FuncV(node, scope)
        return UNKNOWN

    def name(self, name: str, scope: Scope) -> Any:
        """A name: bound by the code, a modelled builtin, `__name__`, else unknown."""
        value = scope.lookup(name)
        if not missing(value):
            return value
        if name == "__name__":
            return "__main__"
        if name in BUILTINS or name in ("exit", "quit", "getattr"):
            return ModuleV("builtins." + name)
        return UNKNOWN

    def fstring_part(self, node: ast.expr, scope: Scope) -> str:
        """One piece of an f-string."""
        if isinstance(node, ast.Constant):
            return str(node.value)
        if isinstance(node, ast.FormattedValue):
            spec = self.expr(node.format_spec, scope) if node.format_spec is not None else ""
            value = self.expr(node.value, scope)
            return spellings.format_value(
                value, spec if isinstance(spec, str) else "{", node.conversion
            )
        return spellings.text(self.expr(node, scope))

    def attribute(self, owner: Any, attr: str) -> Any:
        """`owner.attr`."""
        if isinstance(owner, ModuleV):
            return ModuleV(f"{owner.name}.{attr}")
        if isinstance(owner, ClientV):
            return self.client_attr(owner, attr)
        if owner is UNKNOWN and attr != "wrap_socket":
            return UNKNOWN
        return MethodV(owner, attr)

    def subscript(self, owner: Any, index: ast.expr, scope: Scope) -> Any:
        """`owner[index]`, slices included, when both are known."""
        if isinstance(index, ast.Slice):
            parts = [
                self.expr(p, scope) if p is not None else None
                for p in (index.lower, index.upper, index.step)
            ]
            if not all(p is None or isinstance(p, int) for p in parts):
                return UNKNOWN
            window = slice(*parts)
            if isinstance(owner, ListV):
                return ListV(owner.items[window])
            if isinstance(owner, tuple | bytes) or (
                isinstance(owner, str) and spellings.known_text(owner)
            ):
                return owner[window]
            return UNKNOWN
        key = self.expr(index, scope)
        if isinstance(owner, DictV):
            return owner.get(key, UNKNOWN) if key is not UNKNOWN else UNKNOWN
        items = owner.items if isinstance(owner, ListV) else owner
        if isinstance(items, tuple | bytes) or (
            isinstance(items, str) and spellings.known_text(items)
        ):
            if isinstance(key, int) and -len(items) <= key < len(items):
                return items[key]
        return UNKNOWN

    def bool_op(self, node: ast.BoolOp, scope: Scope) -> Any:
        """`and` / `or` with short circuit when the truth is known."""
        result = self.expr(node.values[0], scope)
        for operand in node.values[1:]:
            known = truth(result)
            if known is None:
                return join(result, self.expr(operand, scope))
            if known is isinstance(node.op, ast.Or):
                return result
            result = self.expr(operand, scope)
        return result

    def compare(self, node: ast.Compare, scope: Scope) -> Any:
        """A comparison chain."""
        left = self.expr(node.left, scope)
        result: Any = True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.expr(comparator, scope)
            step = spellings.compare(op, left, right)
            if step is False:
                return False
            if step is UNKNOWN:
                result = UNKNOWN
            left = right
        return result

    def dict_display(self, node: ast.Dict, scope: Scope) -> Any:
        """`{k: v, **other}`."""
        out = DictV(())
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            value = self.expr(value_node, scope)
            if key_node is None:
                pairs = spellings.pairs_of(value)
                if pairs is None:
                    return UNKNOWN
                out = out.merge(pairs)
                continue
            key = self.expr(key_node, scope)
            if key is UNKNOWN:
                return UNKNOWN
            out = out.set(key, value)
        return out

    def elements(self, nodes: list[ast.expr], scope: Scope) -> tuple[Any, ...] | None:
        """Elements of a display, `*starred` ones spread; `None` when a spread is unknown."""
        out: list[Any] = []
        for element in nodes:
            if isinstance(element, ast.Starred):
                items = spellings.sequence(self.expr(element.value, scope))
                if items is None:
                    return None
                out.extend(items)
            else:
                out.append(self.expr(element, scope))
        return tuple(out)

    def comprehension(
        self, node: ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp, scope: Scope
    ) -> Any:
        """A comprehension over known items, unrolled (bounded)."""
        inner = Scope(scope)
        results: list[Any] = []

        def walk(level: int) -> bool:
            if level == len(node.generators):
                if isinstance(node, ast.DictComp):
                    results.append((self.expr(node.key, inner), self.expr(node.value, inner)))
                else:
                    results.append(self.expr(node.elt, inner))
                return True
            generator = node.generators[level]
            items = spellings.sequence(self.expr(generator.iter, inner))
            if items is None or len(items) > self.limits.max_unroll:
                return False
            for item in items:
                self.assign(generator.target, item, inner)
                conditions = [truth(self.expr(c, inner)) for c in generator.ifs]
                if any(c is None for c in conditions):
                    return False
                if all(conditions) and not walk(level + 1):
                    return False
            return True

        if not walk(0):
            return UNKNOWN
        if isinstance(node, ast.DictComp):
            return DictV(()).merge(tuple(results))
        return ListV(tuple(results))

    # calls ---------------------------------------------------------------------------------

    def call_node(self, node: ast.Call, scope: Scope) -> Any:
        """Evaluate a call's parts and dispatch it."""
        func = self.expr(node.func, scope)
        args = self.elements(node.args, scope)
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            value = self.expr(keyword.value, scope)
            if keyword.arg is None:
                pairs = spellings.pairs_of(value)
                if pairs is None:
                    return UNKNOWN
                kwargs.update((str(k), v) for k, v in pairs)
            else:
                kwargs[keyword.arg] = value
        if args is None and self.follow and isinstance(func, FuncV):
            # `main(*sys.argv[1:2])`: the suspect's own function still runs, as a function
            # read on its own does (what it is not given is unknown, or its default)
            self.note(f"line {node.lineno}: a call with unknown positional arguments")
            args = ()
        if args is None:
            return UNKNOWN
        result, receiver = self.dispatch(func, args, kwargs, node)
        if receiver is not None and isinstance(node.func, ast.Attribute):
            holder = self._holder(node.func.value, scope)
            if holder is None:
                self.assign(node.func.value, receiver, scope)
            else:
                assert isinstance(node.func.value, ast.Name)
                holder.names[node.func.value.id] = spellings.check(receiver, self.limits)
        return result

    def _holder(self, target: ast.expr, scope: Scope) -> Scope | None:
        """The enclosing scope a mutated receiver is written back to, if not `scope`. Read
        to `follow`, a module's list that a function appends to (`STEPS.append(fn)` in a
        registering decorator) changes in the module, as Python's object would; planning
        keeps writing the name in the call's own scope (plans stay as they were made)."""
        if not self.follow or not isinstance(target, ast.Name) or target.id in scope.names:
            return None
        holder = scope.parent
        while holder is not None and target.id not in holder.names:
            holder = holder.parent
        return holder
