"""Methods and attributes of client objects: sessions, connections, prepared requests, sockets.

A client object (`ClientV`) stands for something a library made: a `requests.Session`, an
`httpx.Client`, an `http.client.HTTPConnection`, a `urllib.request.Request`, a requests
`Request` or `PreparedRequest`, a socket. Its methods either change what it will send (headers
set on a session, `add_header`, `putheader`) or send (`get`, `request`, `send`, `urlopen`).
"""

from __future__ import annotations

import ast
from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any

from forewarn.marks.wire import clients, pool
from forewarn.marks.wire.draft import Draft
from forewarn.marks.wire.spellings import pairs_of, raw, text
from forewarn.marks.wire.values import UNKNOWN, ClientV, DictV, ListV, MethodV

HIGH_LEVEL = {
    "requests.Session": "requests",
    "httpx.Client": "httpx",
    "aiohttp.ClientSession": "aiohttp",
}
"""Session kinds and the library whose verbs they send with."""

_EXPOSED = {"headers", "params", "base_url", "addheaders", "data", "method", "auth", "url"}
_REQUEST_FIELDS = ("method", "url", "headers", "files", "data", "params", "auth", "cookies")
_CONTEXTS = frozenset({"contextlib.ExitStack", "contextlib.AsyncExitStack"})

Args = tuple[Any, ...]
Kwargs = dict[str, Any]


class ClientMethods(ABC):
    """What calling a client object's method does; `Calls` supplies the recording."""

    as_sent: bool
    """Whether `httpx` merges headers as it sends them (`clients.prepare`)."""

    @abstractmethod
    def record(self, draft: Draft | None, node: ast.AST) -> None:
        """Keep a finished request."""

    @abstractmethod
    def flush(self, conn: ClientV) -> None:
        """Record the request open on a connection."""

    @abstractmethod
    def urlopen(self, args: Args, kwargs: Kwargs, opener: ClientV | None, node: ast.Call) -> None:
        """Send through urllib."""

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
            names = clients.REQUESTS_POSITIONAL.get(verb, ())
            rest.update(zip(names, args[1:], strict=False))
        return verb.upper(), url, rest

    # attributes ---------------------------------------------------------------------------

    def client_attr(self, client: ClientV, attr: str) -> Any:
        """An attribute of a client object: what is known of its state, else a method."""
        if client.kind == "requests.PreparedRequest" and attr == "headers":
            draft: Draft = client.state["draft"]
            return DictV(tuple((name, value) for name, value, _ in draft.headers))
        if client.kind == "requests.Request" and attr in _REQUEST_FIELDS:
            return client.state["rest"].get(attr, client.state.get(attr, None))
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
        kind = client.kind
        pairs = pairs_of(value)
        if kind == "requests.PreparedRequest" and attr == "headers":
            draft: Draft = client.state["draft"]
            chosen = {(n, v): auto for n, v, auto in draft.headers}
            if pairs is None:
                draft.headers_known = False
                pairs = ()
            draft.headers = [(text(n), text(v), chosen.get((n, v), False)) for n, v in pairs]
        elif kind == "requests.Request" and attr in _REQUEST_FIELDS:
            if attr in ("method", "url"):
                client.state[attr] = value
            else:
                client.state["rest"][attr] = value
        elif attr == "addheaders":
            client.state[attr] = list(pairs) if pairs is not None else []
        elif attr == "headers" and kind == "urllib.request.Request":
            client.state["headers"] = [(text(k), v) for k, v in pairs or ()]
            client.state["headers_known"] = pairs is not None
        elif attr == "full_url" and kind == "urllib.request.Request":
            client.state["url"] = text(value)
        elif attr == "headers":
            client.state[attr] = DictV(pairs) if pairs is not None else DictV((("", UNKNOWN),))
        elif attr in _EXPOSED:
            client.state[attr] = value

    # methods ------------------------------------------------------------------------------

    def client_call(
        self, client: ClientV, name: str, args: Args, kwargs: Kwargs, node: ast.Call
    ) -> Any:
        """A method call on a client object."""
        kind = client.kind
        if name in ("__enter__", "__aenter__"):
            return client
        if kind in _CONTEXTS:
            return args[0] if name.startswith("enter_") and args else UNKNOWN
        if kind == "requests.Request":
            return self.requests_prepare(None, client) if name == "prepare" else UNKNOWN
        if kind == "requests.PreparedRequest":
            copied = ClientV(kind, {"draft": _copy(client.state["draft"])})
            return copied if name == "copy" else UNKNOWN
        if kind == "requests.Session" and name == "prepare_request" and args:
            built = args[0]
            return self.requests_prepare(client, built) if isinstance(built, ClientV) else UNKNOWN
        if kind == "requests.Session" and name == "send" and args:
            prepared = args[0]
            if isinstance(prepared, ClientV) and prepared.kind == "requests.PreparedRequest":
                draft = clients.on_the_wire("requests", prepared.state["draft"])
                draft.client = "requests.Session.send"
                self.record(draft, node)
            return UNKNOWN
        if kind == "httpx.Client" and name == "build_request":
            method, url, rest = self.verb_args("httpx", "request", args, kwargs)
            state = {"client": client, "method": method, "url": url, "rest": rest}
            return ClientV("httpx.Request", state)
        if kind == "httpx.Client" and name == "send" and args:
            built = args[0]
            if isinstance(built, ClientV) and built.kind == "httpx.Request":
                self.record(self.httpx_send(built), node)
            return UNKNOWN
        if kind in HIGH_LEVEL:
            if name in clients.VERBS or name == "request":
                package = HIGH_LEVEL[kind]
                method, url, rest = self.verb_args(package, name, args, kwargs)
                request = clients.high_level(package, client, method, url, rest, self.as_sent)
                self.record(request, node)
            return UNKNOWN
        if kind == "urllib3.PoolManager":
            if name in pool.SENDING:
                self.record(pool.send(client, name, args, kwargs), node)
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
    def requests_prepare(session: ClientV | None, built: ClientV) -> Any:
        """`Request(…).prepare()` (no session: only the code's headers, urllib3 adds its own)
        and `session.prepare_request(request)` (the session's headers and auth merged)."""
        if built.kind != "requests.Request":
            return UNKNOWN
        state = built.state
        bare = ClientV("requests.Session", {"headers": DictV(())})
        draft = clients.prepare(
            "requests", session or bare, state["method"], state["url"], dict(state["rest"])
        )
        return ClientV("requests.PreparedRequest", {"draft": draft})

    def httpx_send(self, built: ClientV) -> Draft:
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
        return clients.high_level(
            "httpx", client, state["method"], state["url"], rest, self.as_sent
        )

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
        elif name in ("getresponse", "close", "__exit__"):
            self.flush(conn)
        return UNKNOWN


def _copy(draft: Draft) -> Draft:
    return replace(draft, headers=list(draft.headers), hidden=set(draft.hidden))


__all__ = ["HIGH_LEVEL", "ClientMethods"]
