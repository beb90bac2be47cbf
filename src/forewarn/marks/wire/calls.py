"""Call dispatch: the suspect's own functions, builtins, the standard library and HTTP clients.

Every call the interpreter meets comes here. Calls into a client library build a `Draft` with
`clients` and record the finished `HttpRequest` as a `Site`; `http.client` requests written with
`putrequest`/`putheader` are kept open until the response is read or the connection closes.
A call to something the evaluator cannot see (a fragment's missing helper, a session passed in)
is read as a request when it is handed one (`opaque`). Requests of paths that only run when
something fails (`except` handlers) are kept aside and come after the main path's.
"""

from __future__ import annotations

import ast
import sys
from abc import abstractmethod
from typing import Any

from forewarn.marks.wire import clients, library, namespaces, pool, spellings
from forewarn.marks.wire.draft import Draft, finish
from forewarn.marks.wire.environment import Raise, Site
from forewarn.marks.wire.forms import with_params
from forewarn.marks.wire.opaque import callee_name, opaque_request
from forewarn.marks.wire.sessions import ClientMethods
from forewarn.marks.wire.spellings import text
from forewarn.marks.wire.values import (
    UNKNOWN,
    ClassV,
    ClientV,
    DictV,
    FuncV,
    InstanceV,
    Limits,
    MethodV,
    ModuleV,
    PartialV,
    Stop,
)

_EXITS = frozenset({"sys.exit", "os._exit", "builtins.exit", "builtins.quit"})
_PASS_THROUGH = frozenset({"contextlib.closing", "contextlib.nullcontext", "yarl.URL"})
_HEADER_DICTS = frozenset({"urllib3.HTTPHeaderDict", "urllib3._collections.HTTPHeaderDict"})
_AUTH = frozenset({"requests.auth.HTTPBasicAuth", "httpx.BasicAuth", "aiohttp.BasicAuth"})

Args = tuple[Any, ...]
Kwargs = dict[str, Any]


class Calls(ClientMethods):
    """Dispatch and recording; the interpreter supplies `invoke`, `instantiate`, `attribute`."""

    def __init__(self, limits: Limits, *, as_sent: bool = False, follow: bool = False) -> None:
        self.limits = limits
        self.as_sent = as_sent
        self.follow = follow
        self.depth = 0
        self.sites: list[Site] = []
        self.aside: list[Site] = []
        self.notes: list[str] = []
        self.reached: set[ast.AST] = set()
        self.connections: list[ClientV] = []
        self.opener: ClientV | None = None

    @abstractmethod
    def invoke(self, func: FuncV, args: Args, kwargs: Kwargs) -> Any:
        """Inline one of the suspect's functions (the interpreter's)."""

    @abstractmethod
    def instantiate(self, cls: ClassV, args: Args, kwargs: Kwargs) -> InstanceV:
        """Make an instance of one of the suspect's classes (the interpreter's)."""

    @abstractmethod
    def attribute(self, owner: Any, attr: str) -> Any:
        """`owner.attr` (the interpreter's), for `getattr`."""

    def note(self, message: str) -> None:
        """Keep a note on what could not be followed (each once)."""
        if message not in self.notes and len(self.notes) < 200:
            self.notes.append(message)

    def record(self, draft: Draft | None, node: ast.AST) -> None:
        """Finish a draft and keep it as the request of this call site."""
        if draft is None:
            return
        if len(self.sites) + len(self.aside) >= self.limits.max_requests:
            raise Stop("more requests than the limit")
        line = getattr(node, "lineno", 0)
        self.sites.append(Site(finish(draft), line, draft.client))

    def flush(self, conn: ClientV) -> None:
        """Record the `putrequest` request open on a connection, if any."""
        pending = conn.state.pop("open", None)
        if pending is not None:
            draft, node = pending
            self.record(draft, node)

    def flush_all(self) -> None:
        """Record every request still open at the end, then the requests kept aside."""
        for conn in self.connections:
            self.flush(conn)
        self.sites.extend(self.aside)
        self.aside.clear()

    def dispatch(self, func: Any, args: Args, kwargs: Kwargs, node: ast.Call) -> tuple[Any, Any]:
        """`func(*args, **kwargs)`: its result and a mutated receiver's new value (else `None`)."""
        if isinstance(func, FuncV):
            return self.invoke(func, args, kwargs), None
        if isinstance(func, ClassV):
            return self.instantiate(func, args, kwargs), None
        if isinstance(func, PartialV):
            merged = {**func.kwargs, **kwargs}
            return self.dispatch(func.func, func.args + args, merged, node)
        if isinstance(func, ModuleV):
            return self.module_call(func.name, args, kwargs, node), None
        if isinstance(func, MethodV):
            receiver = func.receiver
            if isinstance(receiver, ClientV) and receiver.kind == namespaces.PARSER:
                return namespaces.parser_call(receiver, func.name, args, kwargs), None
            if isinstance(receiver, ClientV):
                return self.client_call(receiver, func.name, args, kwargs, node), None
            if func.name == "wrap_socket" and args and isinstance(args[0], ClientV):
                return args[0], None
            result, updated = library.method(receiver, func.name, args, kwargs, self.limits)
            return result, None if updated is library.NO_CHANGE else updated
        if func is UNKNOWN:
            self.opaque(node, args, kwargs)
        return UNKNOWN, None

    def opaque(self, node: ast.Call, args: Args, kwargs: Kwargs) -> None:
        """A call to something the evaluator cannot see (a fragment's missing `send`, a session
        passed in): recorded when it is given the parts of a request (`opaque`)."""
        callee = callee_name(node.func)
        draft = opaque_request(callee, args, kwargs)
        if draft is not None:
            self.note(f"line {node.lineno}: {callee}(…) read as a request to an unknown client")
            self.record(draft, node)

    def module_call(self, name: str, args: Args, kwargs: Kwargs, node: ast.Call) -> Any:
        """A call to a builtin or a library function, by dotted name."""
        if name in _EXITS:
            raise Raise()
        if name == "functools.partial" and args:
            return PartialV(args[0], args[1:], dict(kwargs))
        if name == "builtins.getattr" and len(args) >= 2 and isinstance(args[1], str):
            found = self.attribute(args[0], args[1])
            return args[2] if found is UNKNOWN and len(args) > 2 else found
        if self.follow and name in namespaces.CONSTRUCTORS:  # settings (`namespaces`)
            if name == "json.loads":
                return namespaces.loads(args)
            return namespaces.construct(name, kwargs)
        if name.startswith("builtins."):
            return library.builtin(name.removeprefix("builtins."), args, kwargs, self.limits)
        if name in clients.CONSTRUCTORS:
            client = clients.construct(name, args, kwargs, as_sent=self.as_sent)
            self.connections.append(client)
            return client
        if name in pool.CONSTRUCTORS:
            return pool.construct(name, args, kwargs)
        if name == "urllib3.request":
            self.record(pool.send(None, "request", args, kwargs), node)
            return UNKNOWN
        if name in clients.SENDING_FUNCTIONS:
            self.module_send(name, args, kwargs, node)
            return UNKNOWN
        if name == "urllib.request.install_opener" and args:
            self.opener = args[0] if isinstance(args[0], ClientV) else None
            return None
        if name == "httpx.Headers":  # a header mapping, kept in the order given
            return args[0] if args else DictV(())
        if self.follow and name in _HEADER_DICTS:  # a mapping the code then sets items of
            pairs = spellings.pairs_of(args[0]) if args else ()
            return DictV(()).merge(pairs) if pairs is not None else UNKNOWN
        if name == "httpx.URL":  # the text it stands for, `params=` appended as httpx does
            url = args[0] if args else kwargs.get("url", UNKNOWN)
            return with_params(text(url), kwargs["params"])[0] if "params" in kwargs else url
        if name in _PASS_THROUGH:  # the same object, or the same text on the wire
            return args[0] if args else UNKNOWN
        if name in _AUTH:
            user = args[0] if args else kwargs.get("username", kwargs.get("login", UNKNOWN))
            password = args[1] if len(args) > 1 else kwargs.get("password", "")
            return (user, password)
        if name in library.FUNCTIONS:
            return library.FUNCTIONS[name](args, kwargs)
        if name.split(".")[0] not in sys.stdlib_module_names:  # the tool's own or a third party's
            self.opaque(node, args, kwargs)
        return UNKNOWN

    def module_send(self, name: str, args: Args, kwargs: Kwargs, node: ast.Call) -> None:
        """`requests.get(…)`, `httpx.post(…)`, `urllib.request.urlopen(…)`."""
        package, verb = name.rsplit(".", 1)
        if name == "urllib.request.urlopen":
            self.urlopen(args, kwargs, None, node)
            return
        if name == "urllib.request.urlretrieve":  # (url, filename, reporthook, data)
            data = args[3] if len(args) > 3 else kwargs.get("data")
            self.urlopen(args[:1], {"data": data} if data is not None else {}, None, node)
            return
        package = package.removesuffix(".api")
        method, url, rest = self.verb_args(package, verb, args, kwargs)
        self.record(clients.high_level(package, None, method, url, rest, self.as_sent), node)

    def urlopen(self, args: Args, kwargs: Kwargs, opener: ClientV | None, node: ast.Call) -> None:
        """`urlopen(url or Request, data)` and `opener.open(…)`; `urlopen` goes through the
        opener installed by `install_opener`, if any."""
        target = args[0] if args else kwargs.get("url", UNKNOWN)
        data = args[1] if len(args) > 1 else kwargs.get("data")
        if not isinstance(target, ClientV):
            target = clients.construct("urllib.request.Request", (target,), {})
        if target.kind != "urllib.request.Request":
            return
        self.record(clients.urllib_open(target, data, opener or self.opener), node)


__all__ = ["Calls"]
