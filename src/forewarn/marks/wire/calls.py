"""Call dispatch: the suspect's own functions, builtins, the standard library and HTTP clients.

Every call the interpreter meets comes here. Calls into a client library build a `Draft` with
`clients` and record the finished `HttpRequest` as a `Site`; `http.client` requests written with
`putrequest`/`putheader` are kept open until the response is read or the connection closes.
"""

from __future__ import annotations

import ast
from abc import ABC, abstractmethod
from typing import Any

from forewarn.marks.wire import clients, library
from forewarn.marks.wire.draft import Draft, finish
from forewarn.marks.wire.environment import Raise, Site
from forewarn.marks.wire.spellings import pairs_of, raw, text
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
)

_EXITS = frozenset({"sys.exit", "os._exit", "builtins.exit", "builtins.quit"})
_HIGH_LEVEL = {
    "requests.Session": "requests",
    "httpx.Client": "httpx",
    "aiohttp.ClientSession": "aiohttp",
}
_REQUESTS_POSITIONAL = {
    "get": ("params",),
    "post": ("data", "json"),
    "put": ("data",),
    "patch": ("data",),
}
_EXPOSED = {"headers", "params", "base_url", "addheaders", "data", "method"}

Args = tuple[Any, ...]
Kwargs = dict[str, Any]


class Calls(ABC):
    """Dispatch and recording; the interpreter supplies `invoke` and `instantiate`."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.depth = 0
        self.sites: list[Site] = []
        self.notes: list[str] = []
        self.reached: set[ast.AST] = set()
        self.connections: list[ClientV] = []

    @abstractmethod
    def invoke(self, func: FuncV, args: Args, kwargs: Kwargs) -> Any:
        """Inline one of the suspect's functions (the interpreter's)."""

    @abstractmethod
    def instantiate(self, cls: ClassV, args: Args, kwargs: Kwargs) -> InstanceV:
        """Make an instance of one of the suspect's classes (the interpreter's)."""

    def note(self, message: str) -> None:
        """Keep a note on what could not be followed (each once)."""
        if message not in self.notes and len(self.notes) < 200:
            self.notes.append(message)

    def record(self, draft: Draft | None, node: ast.AST) -> None:
        """Finish a draft and keep it as the request of this call site."""
        if draft is None:
            return
        if len(self.sites) >= self.limits.max_requests:
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
        """Record every request still open at the end of the evaluation."""
        for conn in self.connections:
            self.flush(conn)

    def dispatch(self, func: Any, args: Args, kwargs: Kwargs, node: ast.Call) -> tuple[Any, Any]:
        """`func(*args, **kwargs)`: its result and a mutated receiver's new value (else `None`)."""
        if isinstance(func, FuncV):
            return self.invoke(func, args, kwargs), None
        if isinstance(func, ClassV):
            return self.instantiate(func, args, kwargs), None
        if isinstance(func, ModuleV):
            return self.module_call(func.name, args, kwargs, node), None
        if isinstance(func, MethodV):
            receiver = func.receiver
            if isinstance(receiver, ClientV):
                return self.client_call(receiver, func.name, args, kwargs, node), None
            if func.name == "wrap_socket" and args and isinstance(args[0], ClientV):
                return args[0], None
            result, updated = library.method(receiver, func.name, args, kwargs, self.limits)
            return result, None if updated is library.NO_CHANGE else updated
        return UNKNOWN, None

    def module_call(self, name: str, args: Args, kwargs: Kwargs, node: ast.Call) -> Any:
        """A call to a builtin or a library function, by dotted name."""
        if name in _EXITS:
            raise Raise()
        if name.startswith("builtins."):
            return library.builtin(name.removeprefix("builtins."), args, kwargs, self.limits)
        if name in clients.CONSTRUCTORS:
            client = clients.construct(name, args, kwargs)
            self.connections.append(client)
            return client
        if name in clients.SENDING_FUNCTIONS:
            self.module_send(name, args, kwargs, node)
            return UNKNOWN
        if name == "httpx.Headers":  # a header mapping, kept in the order given
            return args[0] if args else DictV(())
        if name == "yarl.URL" and args:  # aiohttp's URL type: the same text on the wire
            return args[0]
        if name in library.FUNCTIONS:
            return library.FUNCTIONS[name](args, kwargs)
        return UNKNOWN

    def module_send(self, name: str, args: Args, kwargs: Kwargs, node: ast.Call) -> None:
        """`requests.get(…)`, `httpx.post(…)`, `urllib.request.urlopen(…)`."""
        package, verb = name.rsplit(".", 1)
        if name == "urllib.request.urlopen":
            self.urlopen(args, kwargs, None, node)
            return
        method, url, rest = self.verb_args(package, verb, args, kwargs)
        self.record(clients.high_level(package, None, method, url, rest), node)

    @staticmethod
    def verb_args(package: str, verb: str, args: Args, kwargs: Kwargs) -> tuple[Any, Any, Kwargs]:
        """Method, URL and keyword arguments of a verb call, positional ones named."""
        rest = dict(kwargs)
        if verb == "request":
            method = args[0] if args else rest.pop("method", UNKNOWN)
            url = args[1] if len(args) > 1 else rest.pop("url", UNKNOWN)
            return method, url, rest
        url = args[0] if args else rest.pop("url", UNKNOWN)
        if package == "requests":
            names = _REQUESTS_POSITIONAL.get(verb, ())
            rest.update(zip(names, args[1:], strict=False))
        return verb.upper(), url, rest

    def urlopen(self, args: Args, kwargs: Kwargs, opener: ClientV | None, node: ast.Call) -> None:
        """`urlopen(url or Request, data)` and `opener.open(…)`."""
        target = args[0] if args else kwargs.get("url", UNKNOWN)
        data = args[1] if len(args) > 1 else kwargs.get("data")
        if not isinstance(target, ClientV):
            target = clients.construct("urllib.request.Request", (target,), {})
        self.record(clients.urllib_open(target, data, opener), node)

    def client_attr(self, client: ClientV, attr: str) -> Any:
        """An attribute of a client object: what is known of its state, else a method."""
        if attr in _EXPOSED and attr in client.state:
            value = client.state[attr]
            if attr == "addheaders":
                return ListV(tuple(tuple(pair) for pair in value))
            return value
        if attr == "headers" and client.kind == "urllib.request.Request":
            return DictV(tuple(client.state["headers"]))
        return MethodV(client, attr)

    def set_client_attr(self, client: ClientV, attr: str, value: Any) -> None:
        """`client.attr = value` for the attributes that change what is sent."""
        if attr == "addheaders":
            pairs = pairs_of(value)
            client.state[attr] = list(pairs) if pairs is not None else []
        elif attr == "headers" and client.kind != "urllib.request.Request":
            pairs = pairs_of(value)
            client.state[attr] = DictV(pairs) if pairs is not None else DictV((("", UNKNOWN),))
        elif attr in _EXPOSED:
            client.state[attr] = value

    def client_call(
        self, client: ClientV, name: str, args: Args, kwargs: Kwargs, node: ast.Call
    ) -> Any:
        """A method call on a client object."""
        kind = client.kind
        if name in ("__enter__", "__aenter__"):
            return client
        if kind == "httpx.Client" and name == "build_request":
            method, url, rest = self.verb_args("httpx", "request", args, kwargs)
            state = {"client": client, "method": method, "url": url, "rest": rest}
            return ClientV("httpx.Request", state)
        if kind == "httpx.Client" and name == "send" and args:
            built = args[0]
            if isinstance(built, ClientV) and built.kind == "httpx.Request":
                self.record(self.httpx_send(built), node)
            return UNKNOWN
        if kind in _HIGH_LEVEL:
            if name in clients.VERBS or name == "request":
                package = _HIGH_LEVEL[kind]
                method, url, rest = self.verb_args(package, name, args, kwargs)
                self.record(clients.high_level(package, client, method, url, rest), node)
            return UNKNOWN
        if kind == "http.client.HTTPConnection":
            return self.connection_call(client, name, args, kwargs, node)
        if kind == "urllib.request.Request":
            if name in ("add_header", "add_unredirected_header") and len(args) == 2:
                unredirected = name == "add_unredirected_header"
                clients.urllib_add_header(client, args[0], args[1], unredirected=unredirected)
                return None
            return UNKNOWN
        if kind == "urllib.request.OpenerDirector" and name == "open":
            self.urlopen(args, kwargs, client, node)
            return UNKNOWN
        if kind == "socket.socket":
            if name == "connect" and args:
                client.state["address"] = args[0]
            elif name in ("send", "sendall") and args:
                self.record(clients.socket_send(client, args[0]), node)
            return UNKNOWN
        return UNKNOWN

    @staticmethod
    def httpx_send(built: ClientV) -> Draft:
        """`client.send(client.build_request(…))`: the request as built, with its headers
        replaced wholesale when the code assigned `request.headers`."""
        state = built.state
        client = state["client"]
        assert isinstance(client, ClientV)
        if "headers" in state:  # `request.headers = …` replaced what the client merged
            client = ClientV("httpx.Client", {**client.state, "headers": state["headers"]})
            rest = {k: v for k, v in state["rest"].items() if k != "headers"}
        else:
            rest = state["rest"]
        return clients.high_level("httpx", client, state["method"], state["url"], rest)

    def connection_call(
        self, conn: ClientV, name: str, args: Args, kwargs: Kwargs, node: ast.Call
    ) -> Any:
        """`HTTPConnection.request`, `putrequest`, `putheader`, `endheaders`, `send`, …"""
        if name == "request":
            self.flush(conn)
            method = args[0] if args else kwargs.get("method", UNKNOWN)
            url = args[1] if len(args) > 1 else kwargs.get("url", UNKNOWN)
            body = args[2] if len(args) > 2 else kwargs.get("body")
            headers = args[3] if len(args) > 3 else kwargs.get("headers", DictV(()))
            if not isinstance(headers, DictV):
                headers = UNKNOWN if not isinstance(headers, ListV | tuple) else headers
            self.record(clients.http_client_request(conn, method, url, body, headers), node)
        elif name == "putrequest":
            self.flush(conn)
            method = args[0] if args else kwargs.get("method", UNKNOWN)
            url = args[1] if len(args) > 1 else kwargs.get("url", UNKNOWN)
            conn.state["open"] = (clients.http_client_putrequest(conn, method, url, kwargs), node)
        elif name == "putheader" and "open" in conn.state and args:
            draft: Draft = conn.state["open"][0]
            draft.headers.append((text(args[0]), "\r\n\t".join(text(v) for v in args[1:]), False))
        elif name in ("endheaders", "send") and "open" in conn.state:
            body = args[0] if args else kwargs.get("message_body")
            if body is not None:
                draft = conn.state["open"][0]
                draft.body += raw(body)
        elif name in ("getresponse", "close"):
            self.flush(conn)
        return UNKNOWN
