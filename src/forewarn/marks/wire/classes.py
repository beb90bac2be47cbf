"""The suspect's own classes: class-based clients, as a code assistant likes to write them.

A rewrite often wraps the PoC in a class: the base URL and default headers set in `__init__`
(or as dataclass fields), one method per step reading `self.base_url` and `self.headers`,
properties that compose URLs, `super().__init__` in a subclass, `with Client() as c`. A class
body runs once and its names become attributes; an instance is a mutable record; methods are
bound as Python binds them (`staticmethod`, `classmethod`, `property` included).
"""

from __future__ import annotations

import ast
from abc import abstractmethod
from typing import Any

from forewarn.marks.wire import clients, library
from forewarn.marks.wire.environment import Scope, missing
from forewarn.marks.wire.expressions import Expressions
from forewarn.marks.wire.values import (
    MISSING,
    UNKNOWN,
    ClassV,
    ClientV,
    FieldsInitV,
    FuncV,
    InstanceV,
    LibraryInitV,
    ModuleV,
    SuperV,
)

CLASS_CELL = "<class>"
"""Frame name of the class a method is defined in (never a name the suspect can bind)."""

SELF_CELL = "<self>"
"""Frame name of the instance or class a method is bound to."""

CLIENT_CELL = "<client>"
"""Attribute of an instance of a subclass of a client library class: its client object."""
_CLIENT_ATTRS = frozenset({"headers", "params", "base_url", "addheaders", "auth", "full_url"})
"""Attributes of such an instance that are its client's state (`set_client_attr`)."""

_DATACLASS = frozenset({"dataclass", "define", "frozen", "mutable"})


_ENUMS = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum"})


def _callable(value: Any) -> bool:
    return isinstance(value, FuncV | ClassV)


def decorators(node: ast.AST) -> frozenset[str]:
    """The last names of a definition's decorators: `@functools.cached_property` → that."""
    out: set[str] = set()
    for item in getattr(node, "decorator_list", ()):
        target = item.func if isinstance(item, ast.Call) else item
        if isinstance(target, ast.Name):
            out.add(target.id)
        elif isinstance(target, ast.Attribute):
            out.add(target.attr)
    return frozenset(out)


class Classes(Expressions):
    """Class definitions, instances, method binding and `super()`."""

    @abstractmethod
    def block(self, body: list[ast.stmt], scope: Scope) -> None:
        """Run statements (the interpreter's)."""

    def call_node(self, node: ast.Call, scope: Scope) -> Any:
        """A call; `super()` with no arguments is resolved from the method's frame."""
        func = node.func
        if isinstance(func, ast.Name) and func.id == "super" and not node.args:
            if missing(scope.lookup("super")):
                owner, bound = scope.lookup(CLASS_CELL), scope.lookup(SELF_CELL)
                return SuperV(owner, bound) if isinstance(owner, ClassV) else UNKNOWN
        return super().call_node(node, scope)

    def class_def(self, node: ast.ClassDef, scope: Scope) -> None:
        """Bind a class: its body runs once, its names become attributes."""
        body = Scope(scope)
        self.block(node.body, body)
        written = [self.expr(x, scope) for x in node.bases]
        bases = tuple(b for b in written if isinstance(b, ClassV))
        fields = self._fields(node, body) if decorators(node) & _DATACLASS else ()
        cls = ClassV(node.name, body.names, bases, fields)
        if self.follow:  # `class Lab(requests.Session)`: its instances are also a client
            libraries = [b.name for b in written if isinstance(b, ModuleV)]
            cls.library = next((n for n in libraries if n in clients.CONSTRUCTORS), None)
        if self.follow and any(isinstance(b, ModuleV) and b.name in _ENUMS for b in written):
            # `for step in Step:` runs every member (a plan never reads one: copies stay)
            names = [k for k, v in body.names.items() if not k.startswith("_") and not _callable(v)]
            for name in names:  # each member an object of its own, `is` tells them apart
                body.names[name] = InstanceV(cls, {"name": name, "value": body.names[name]})
            cls.members = tuple(body.names[name] for name in names)
        for value in body.names.values():
            if isinstance(value, FuncV) and value.scope is body:
                value.owner = cls
        scope.names[node.name] = cls

    def _fields(self, node: ast.ClassDef, body: Scope) -> tuple[tuple[str, Any, Any], ...]:
        """A dataclass's fields: annotated names, with `field(default=…, default_factory=…)`."""
        out: list[tuple[str, Any, Any]] = []
        for statement in node.body:
            if not isinstance(statement, ast.AnnAssign):
                continue
            if not isinstance(statement.target, ast.Name):
                continue
            name, value = statement.target.id, statement.value
            default, factory = body.names.get(name, MISSING), MISSING
            if isinstance(value, ast.Call) and "field" in _called(value):
                default, factory = MISSING, MISSING
                for keyword in value.keywords:
                    if keyword.arg == "default":
                        default = self.expr(keyword.value, body)
                    elif keyword.arg == "default_factory":
                        factory = self.expr(keyword.value, body)
            out.append((name, default, factory))
        return tuple(out)

    def instantiate(self, cls: ClassV, args: tuple[Any, ...], kwargs: dict[str, Any]) -> InstanceV:
        """`Cls(...)`: a new instance, `__init__` inlined (or a dataclass's fields bound)."""
        instance = InstanceV(cls)
        init = self.member(instance, cls.lookup("__init__"))
        kind = cls.library_kind()
        if kind is not None:
            made = () if isinstance(init, FuncV) else args
            self._make_client(instance, kind, made, {} if made == () else kwargs)
        if isinstance(init, FuncV):
            self.invoke(init, args, kwargs)
        elif cls.all_fields():
            self.bind_fields(cls, instance, args, kwargs)
        return instance

    def bind_fields(
        self, cls: ClassV, instance: InstanceV, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """A dataclass's `__init__`: fields from arguments, defaults or factories, then
        `__post_init__`."""
        for index, (name, default, factory) in enumerate(cls.all_fields()):
            if index < len(args):
                instance.attrs[name] = args[index]
            elif name in kwargs:
                instance.attrs[name] = kwargs[name]
            elif factory is not MISSING:
                instance.attrs[name] = self._made(factory)
            else:
                instance.attrs[name] = UNKNOWN if default is MISSING else default
        post = self.member(instance, cls.lookup("__post_init__"))
        if isinstance(post, FuncV):
            self.invoke(post, (), {})

    def dispatch(
        self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], node: ast.Call
    ) -> tuple[Any, Any]:
        """A call; a dataclass's written `__init__` (reached through `super()`) binds fields."""
        if isinstance(func, FieldsInitV):
            self.bind_fields(func.cls, func.instance, args, kwargs)
            return None, None
        if isinstance(func, LibraryInitV):
            self._make_client(func.instance, func.name, args, kwargs)
            return None, None
        if not isinstance(func, FuncV | ClassV):  # a library sees the client it was given
            args = tuple(map(_client_of, args))
            kwargs = {k: _client_of(v) for k, v in kwargs.items()}
        return super().dispatch(func, args, kwargs, node)

    def _make_client(
        self, instance: InstanceV, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        try:
            client = clients.construct(name, args, kwargs, as_sent=self.as_sent)
        except (TypeError, ValueError, KeyError, IndexError):
            return
        self.connections.append(client)
        instance.attrs[CLIENT_CELL] = client

    def _made(self, factory: Any) -> Any:
        if isinstance(factory, FuncV):
            return self.invoke(factory, (), {})
        if isinstance(factory, ModuleV) and factory.name.startswith("builtins."):
            return library.builtin(factory.name.removeprefix("builtins."), (), {}, self.limits)
        if isinstance(factory, ClassV):
            return self.instantiate(factory, (), {})
        return UNKNOWN

    def attribute(self, owner: Any, attr: str) -> Any:
        """`owner.attr`, methods bound to the suspect's instances and classes."""
        if isinstance(owner, InstanceV):
            if attr in owner.attrs:
                return owner.attrs[attr]
            found = owner.cls.lookup(attr)
            client = owner.attrs.get(CLIENT_CELL)
            if found is MISSING and isinstance(client, ClientV):
                return self.client_attr(client, attr)
            return self.member(owner, found)
        if isinstance(owner, ClassV):
            return self.member(owner, owner.lookup(attr))
        if isinstance(owner, SuperV):
            start = owner.owner if isinstance(owner.owner, ClassV) else None
            for base in start.bases if start is not None else ():
                found = base.lookup(attr)
                if found is not MISSING:
                    return self.member(owner.instance, found)
                if attr == "__init__" and base.library is not None:
                    return LibraryInitV(owner.instance, base.library)
                if (
                    attr == "__init__"
                    and base.all_fields()
                    and isinstance(owner.instance, InstanceV)
                ):
                    return FieldsInitV(base, owner.instance)
            return self._library_super(start, owner.instance, attr)
        return super().attribute(owner, attr)

    def _library_super(self, start: ClassV | None, instance: Any, attr: str) -> Any:
        """`super().attr` past the suspect's own classes, in a client library's class."""
        if start is None or start.library is None or not isinstance(instance, InstanceV):
            return UNKNOWN
        if attr == "__init__":
            return LibraryInitV(instance, start.library)
        client = instance.attrs.get(CLIENT_CELL)
        return self.client_attr(client, attr) if isinstance(client, ClientV) else UNKNOWN

    def assign(self, target: ast.expr, value: Any, scope: Scope) -> None:
        """`self.headers = …` on a client library subclass sets its client's state."""
        if isinstance(target, ast.Attribute) and target.attr in _CLIENT_ATTRS:
            owner = self.expr(target.value, scope)
            client = owner.attrs.get(CLIENT_CELL) if isinstance(owner, InstanceV) else None
            if isinstance(client, ClientV) and target.attr not in owner.attrs:
                self.set_client_attr(client, target.attr, value)
                return
        super().assign(target, value, scope)

    def member(self, owner: Any, found: Any) -> Any:
        """A class member looked up on `owner` (an instance or a class), bound as Python
        binds it: a method to the instance, a `classmethod` to the class, a `property` run."""
        if found is MISSING:
            return UNKNOWN
        if not isinstance(found, FuncV) or found.bound is not None:
            return found
        kinds = decorators(found.node)
        if "staticmethod" in kinds:
            return found
        if "classmethod" in kinds:
            cls = owner.cls if isinstance(owner, InstanceV) else owner
            return FuncV(found.node, found.scope, cls, found.owner)
        if not isinstance(owner, InstanceV):
            return found
        bound = FuncV(found.node, found.scope, owner, found.owner)
        if kinds & {"property", "cached_property"}:
            return self.invoke(bound, (), {})
        return bound


def _called(node: ast.Call) -> frozenset[str]:
    target = node.func
    if isinstance(target, ast.Name):
        return frozenset({target.id})
    if isinstance(target, ast.Attribute):
        return frozenset({target.attr})
    return frozenset()


__all__ = ["CLASS_CELL", "SELF_CELL", "Classes", "decorators"]


def _client_of(value: Any) -> Any:
    """The client object of an instance of a client library subclass, else `value`."""
    if isinstance(value, InstanceV) and isinstance(value.attrs.get(CLIENT_CELL), ClientV):
        return value.attrs[CLIENT_CELL]
    return value
