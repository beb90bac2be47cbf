"""The client libraries: how each turns a call into header lines, in its own order and casing.

Modelled from each library's own request path (read in their sources, not copied):

- `requests` (functions and `Session`): `Host` first, then the session's headers
  (`User-Agent`, `Accept-Encoding`, `Accept`, `Connection` by default) merged case-insensitively
  with the call's (a name keeps its first position and takes its last spelling; `None` removes
  it), then `Cookie`, `Content-Length`, `Content-Type`;
- `httpx` (functions, `Client`, `AsyncClient`): `Host`, then the client's defaults (`Accept`,
  `Accept-Encoding`, `Connection`, `User-Agent`) merged the same way, then `Content-Length`,
  `Content-Type`; the JSON body form changed between releases, so a `json=` body is not shown;
- `http.client`: `Host` and `Accept-Encoding: identity` from `putrequest` unless given,
  `Content-Length` when a body (or a method that expects one) is sent, then the headers as
  written; `putheader` sequences are sent exactly as written;
- `urllib.request`: names are `capitalize()`d by `Request` and `title()`d by the handler, and
  its own headers (`Content-type`, `Content-length`, `Host`, `User-agent`) come before the
  code's; the spelling never reaches the wire, so `HEADER_CASE` is not shown;
- `aiohttp` (`ClientSession`): names as written, but its default and automatic headers are
  placed in an order that varies by release, so `HEADER_ORDER` is not shown;
- raw sockets: the bytes given to `send`/`sendall` are parsed as an HTTP request.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import replace
from typing import Any

from forewarn.domain.wire import WireFeature
from forewarn.marks.wire.draft import Draft, parse_raw, split_target
from forewarn.marks.wire.forms import basic_authorization, body_of, with_params
from forewarn.marks.wire.spellings import encode, pairs_of, raw, text
from forewarn.marks.wire.values import PLACEHOLDER, PLACEHOLDER_BYTES, UNKNOWN, ClientV, DictV

_VERBS = ("get", "post", "put", "delete", "head", "patch", "options")
_VERSION = PLACEHOLDER


class LibraryName(str):
    """A header name of a library's default lines: a `str` whose type says that the line's
    slot is the library's. A dict keeps a key's object when its value is set again, so the
    slot's origin survives `session.headers["User-Agent"] = …`; `clear()` and a new dict lose it.
    """

    __slots__ = ()


_REQUESTS_DEFAULTS = (
    (LibraryName("User-Agent"), "python-requests/" + _VERSION),
    (LibraryName("Accept-Encoding"), "gzip, deflate" + _VERSION),
    (LibraryName("Accept"), "*/*"),
    (LibraryName("Connection"), "keep-alive"),
)
_HTTPX_DEFAULTS = (
    (LibraryName("Accept"), "*/*"),
    (LibraryName("Accept-Encoding"), "gzip, deflate" + _VERSION),
    (LibraryName("Connection"), "keep-alive"),
    (LibraryName("User-Agent"), "python-httpx/" + _VERSION),
)
_AIOHTTP_DEFAULTS = (
    (LibraryName("Accept"), "*/*"),
    (LibraryName("Accept-Encoding"), "gzip, deflate" + _VERSION),
    (LibraryName("User-Agent"), "Python/" + _VERSION),
)
_REQUEST_ARGS = ("method", "url", "headers", "files", "data", "params", "auth", "cookies", "hooks")
_LIBRARY_VALUES = {v for _, v in _REQUESTS_DEFAULTS + _HTTPX_DEFAULTS + _AIOHTTP_DEFAULTS}

CONSTRUCTORS = {
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "requests.sessions.Session": "requests.Session",
    "httpx.Client": "httpx.Client",
    "httpx.AsyncClient": "httpx.Client",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "http.client.HTTPConnection": "http.client.HTTPConnection",
    "http.client.HTTPSConnection": "http.client.HTTPConnection",
    "urllib.request.Request": "urllib.request.Request",
    "urllib.request.build_opener": "urllib.request.OpenerDirector",
    "socket.socket": "socket.socket",
    "socket.create_connection": "socket.socket",
    "requests.Request": "requests.Request",
    "requests.models.Request": "requests.Request",
    "contextlib.ExitStack": "contextlib.ExitStack",
    "contextlib.AsyncExitStack": "contextlib.AsyncExitStack",
}
"""Library constructors, by dotted name, and the kind of client object they make."""


def construct(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], *, as_sent: bool = False
) -> ClientV:
    """The client object a constructor call makes (`as_sent`: `evaluate`'s)."""
    kind = CONSTRUCTORS[name]
    client = ClientV(kind)
    if kind == "requests.Session":
        client.state["headers"] = DictV(_REQUESTS_DEFAULTS)
    elif kind in ("httpx.Client", "aiohttp.ClientSession"):
        defaults = _HTTPX_DEFAULTS if kind == "httpx.Client" else _AIOHTTP_DEFAULTS
        base = DictV(defaults)
        if as_sent and kind == "httpx.Client":  # `Headers.update`: a set name moves last
            pairs = pairs_of(kwargs["headers"]) if kwargs.get("headers") is not None else ()
            set_names = {text(k).lower() for k, _ in pairs or ()}
            base = DictV(tuple((k, v) for k, v in defaults if k.lower() not in set_names))
        client.state["headers"] = _pairs_value(kwargs.get("headers"), base)
        client.state["base_url"] = kwargs.get("base_url", args[0] if args else "")
        client.state["params"] = kwargs.get("params")
        if kwargs.get("auth") is not None:
            client.state["auth"] = kwargs["auth"]
    elif kind == "http.client.HTTPConnection":
        host = kwargs.get("host", args[0] if args else UNKNOWN)
        port = kwargs.get("port", args[1] if len(args) > 1 else None)
        default = 443 if name.endswith("HTTPSConnection") else 80
        client.state["host"] = text(host) if port in (None, default) else _host_port(host, port)
    elif kind == "urllib.request.Request":
        client.state["url"] = text(kwargs.get("url", args[0] if args else UNKNOWN))
        client.state["data"] = kwargs.get("data", args[1] if len(args) > 1 else None)
        client.state["headers"] = []
        client.state["unredirected"] = []
        client.state["method"] = kwargs.get("method", args[4] if len(args) > 4 else None)
        given = kwargs.get("headers", args[2] if len(args) > 2 else DictV(()))
        pairs = pairs_of(given) if isinstance(given, DictV) else None
        client.state["headers_known"] = pairs is not None
        for key, value in pairs or ():
            _urllib_add(client.state["headers"], text(key), value)
    elif kind == "urllib.request.OpenerDirector":
        client.state["addheaders"] = [("User-agent", "Python-urllib/" + _VERSION)]
    elif kind == "socket.socket" and name == "socket.create_connection" and args:
        client.state["address"] = args[0]
    elif kind == "requests.Request":
        named = dict(zip(_REQUEST_ARGS, args, strict=False)) | kwargs
        client.state["method"] = named.pop("method", UNKNOWN)
        client.state["url"] = named.pop("url", UNKNOWN)
        client.state["rest"] = {k: v for k, v in named.items() if v is not None}
    return client


def _length(body: bytes) -> str:
    """The `Content-Length` of a body, unknown when part of the body is."""
    return PLACEHOLDER if PLACEHOLDER_BYTES in body else str(len(body))


def _host_port(host: Any, port: Any) -> str:
    return text(host) + (":" + text(port) if port is not UNKNOWN else PLACEHOLDER)


def _pairs_value(value: Any, base: DictV) -> DictV:
    pairs = pairs_of(value) if value is not None else ()
    return base.merge(pairs) if pairs is not None else base.merge((("", UNKNOWN),))


def _merge_ci(
    lines: list[tuple[str, Any, bool]], pairs: tuple[tuple[Any, Any], ...], *, move: bool = False
) -> None:
    """Merge `pairs` into `lines` as a case-insensitive dict does: position kept, last spelling
    (`move`: as `httpx.Headers.update` does, the name taken out and put last)."""
    for key, value in pairs:
        name = text(key)
        index = next((i for i, (n, _, _) in enumerate(lines) if n.lower() == name.lower()), None)
        if value is None or (move and index is not None):
            if index is not None:
                del lines[index]
                index = None
            if value is None:
                continue
        if index is None:
            lines.append((name, value, False))
        else:  # the slot stays the library's when its line was (`LibraryName`)
            slot = lines[index][0]
            lines[index] = (
                LibraryName(name) if isinstance(slot, LibraryName) else name,
                value,
                False,
            )


def _finalise(lines: list[tuple[str, Any, bool]]) -> list[tuple[str, str, bool]]:
    out = []
    for name, value, auto in lines:
        shown = text(value)
        out.append((name, shown, auto or (shown in _LIBRARY_VALUES)))
    return out


def high_level(
    library: str,
    client: ClientV | None,
    method: Any,
    url: Any,
    kwargs: dict[str, Any],
    as_sent: bool = False,
) -> Draft:
    """A request from `requests`, `httpx` or `aiohttp`, session or module function."""
    return on_the_wire(library, prepare(library, client, method, url, kwargs, as_sent))


def prepare(
    library: str,
    client: ClientV | None,
    method: Any,
    url: Any,
    kwargs: dict[str, Any],
    as_sent: bool = False,
) -> Draft:
    """The request as the library prepares it, before the connection adds `Host` (requests'
    `PreparedRequest`): the session's headers merged with the call's, cookies, body, auth
    (`as_sent`: `evaluate`'s)."""
    state = client.state if client is not None else {}
    verb = text(method).upper()
    base = text(state.get("base_url", "")) if state.get("base_url") else ""
    target = text(url)
    if base and "://" not in target and not target.startswith(PLACEHOLDER):
        target = base.rstrip("/") + "/" + target.lstrip("/")
    target, _ = with_params(target, state.get("params"))
    target, params_known = with_params(target, kwargs.get("params"))
    draft = Draft(client=f"{library}.{verb.lower()}", method=verb, url=target)
    defaults = {"requests": _REQUESTS_DEFAULTS, "httpx": _HTTPX_DEFAULTS}.get(
        library, _AIOHTTP_DEFAULTS
    )
    lines: list[tuple[str, Any, bool]] = []
    session = state.get("headers")
    session_pairs = session.pairs if isinstance(session, DictV) else defaults
    _merge_ci(lines, tuple(session_pairs))
    lines = [(n, v, v in _LIBRARY_VALUES) for n, v, _ in lines]
    given = kwargs.get("headers")
    pairs = pairs_of(given) if given is not None else ()
    if pairs is None or any(v is UNKNOWN and k == "" for k, v in session_pairs):
        draft.headers_known = False
    _merge_ci(lines, pairs or (), move=as_sent and library == "httpx")
    body, content_type, body_sure = body_of(kwargs, library=library)
    if not body_sure or (library == "httpx" and kwargs.get("json") is not None):
        draft.hidden.add(WireFeature.BODY)
    if kwargs.get("files") is not None:
        draft.hidden.add(WireFeature.BODY)  # the boundary is random on the wire
    cookies = kwargs.get("cookies")
    if cookies is not None:
        cookie_pairs = pairs_of(cookies)
        value = "; ".join(f"{text(k)}={text(v)}" for k, v in cookie_pairs or ((PLACEHOLDER, ""),))
        _merge_ci(lines, (("Cookie", value),))
        draft.hidden.add(WireFeature.HEADER_ORDER)
    names = {n.lower() for n, _, _ in lines}
    if "content-length" not in names and (body or verb not in ("GET", "HEAD")):
        lines.append(("Content-Length", _length(body), True))
    if content_type and "content-type" not in names:
        lines.append(("Content-Type", content_type, True))
    authorization = basic_authorization(kwargs.get("auth", state.get("auth")))
    if authorization is not None and "authorization" not in names:
        lines.append(("Authorization", authorization, False))
    if library == "aiohttp":
        draft.hidden.add(WireFeature.HEADER_ORDER)
    if not params_known:
        draft.hidden.add(WireFeature.QUERY)
    draft.headers = _finalise(lines)
    draft.placed = {n.lower() for n, _, _ in lines if isinstance(n, LibraryName)}
    draft.body = body
    return draft


def on_the_wire(library: str, prepared: Draft) -> Draft:
    """A prepared request as its connection writes it: `Host` first unless given and, for
    requests (urllib3), `Accept-Encoding: identity` and urllib3's `User-Agent` unless given."""
    draft = replace(prepared, headers=list(prepared.headers), hidden=set(prepared.hidden))
    names = {n.lower() for n, _, _ in draft.headers}
    front: list[tuple[str, str, bool]] = []
    if "host" not in names:
        front.append(("Host", split_target(draft.url)[0] or PLACEHOLDER, True))
    if library == "requests":
        if "accept-encoding" not in names:
            front.append(("Accept-Encoding", "identity", True))
        if "user-agent" not in names:
            front.append(("User-Agent", "python-urllib3/" + _VERSION, True))
    draft.headers = front + draft.headers
    return draft


def http_client_request(conn: ClientV, method: Any, url: Any, body: Any, headers: Any) -> Draft:
    """`HTTPConnection.request(method, url, body, headers)`."""
    verb = text(method).upper()
    draft = Draft(client="http.client.request", method=verb, url=text(url))
    pairs = pairs_of(headers) if headers is not None else ()
    if pairs is None:
        draft.headers_known = False
        pairs = ()
    names = {text(k).lower() for k, _ in pairs}
    if "host" not in names:
        draft.headers.append(("Host", text(conn.state.get("host", UNKNOWN)), True))
    if "accept-encoding" not in names:
        draft.headers.append(("Accept-Encoding", "identity", True))
    data = b"" if body is None else raw(body)
    if isinstance(body, str):
        encoded = encode(body, "latin-1")
        data = encoded if isinstance(encoded, bytes) else PLACEHOLDER_BYTES
    if "content-length" not in names and "transfer-encoding" not in names:
        if body is not None or verb in ("POST", "PUT", "PATCH"):
            draft.headers.append(("Content-Length", _length(data), True))
    for key, value in pairs:
        draft.headers.append((text(key), text(value), False))
    draft.body = data
    if body is not None and not isinstance(body, str | bytes):
        draft.hidden.add(WireFeature.BODY)
    return draft


def http_client_putrequest(conn: ClientV, method: Any, url: Any, kwargs: dict[str, Any]) -> Draft:
    """`HTTPConnection.putrequest`: the request line and the headers it adds itself."""
    draft = Draft(client="http.client.putrequest", method=text(method).upper(), url=text(url))
    if not kwargs.get("skip_host"):
        draft.headers.append(("Host", text(conn.state.get("host", UNKNOWN)), True))
    if not kwargs.get("skip_accept_encoding"):
        draft.headers.append(("Accept-Encoding", "identity", True))
    return draft


def _urllib_add(lines: list[tuple[str, Any]], key: str, value: Any) -> None:
    name = key.capitalize()
    for index, (existing, _) in enumerate(lines):
        if existing == name:
            lines[index] = (name, value)
            return
    lines.append((name, value))


def urllib_add_header(request: ClientV, key: Any, value: Any, *, unredirected: bool) -> None:
    """`Request.add_header` / `add_unredirected_header`: the name is capitalised."""
    _urllib_add(request.state["unredirected" if unredirected else "headers"], text(key), value)


def urllib_open(request: ClientV, data: Any, opener: ClientV | None) -> Draft:
    """`urlopen(request)`: urllib's own headers, then the code's, names title-cased."""
    body_value = data if data is not None else request.state.get("data")
    verb = request.state.get("method") or ("POST" if body_value is not None else "GET")
    url = text(request.state["url"])
    draft = Draft(client="urllib.request.urlopen", method=text(verb).upper(), url=url)
    user: list[tuple[str, Any]] = list(request.state["headers"])
    own: list[tuple[str, Any]] = list(request.state["unredirected"])
    names = {n for n, _ in user} | {n for n, _ in own}
    body = b"" if body_value is None else raw(body_value)
    if body_value is not None:
        if "Content-type" not in names:
            own.append(("Content-type", "application/x-www-form-urlencoded"))
        if "Content-length" not in names:
            own.append(("Content-length", _length(body)))
    if "Host" not in names:
        own.append(("Host", urllib.parse.urlsplit(url).netloc or PLACEHOLDER))
    additions = (
        opener.state["addheaders"]
        if opener is not None
        else [("User-agent", "Python-urllib/" + _VERSION)]
    )
    for key, value in additions:
        if text(key).capitalize() not in names:
            own.append((text(key).capitalize(), value))
    merged: dict[str, tuple[Any, bool]] = {n: (v, True) for n, v in own}
    for name, value in user:
        merged.setdefault(name, (value, False))
    merged["Connection"] = ("close", True)
    wire = [(n.title(), text(v), auto or n == "Host") for n, (v, auto) in merged.items()]
    if "accept-encoding" not in {n.lower() for n, _, _ in wire}:
        wire.insert(0, ("Accept-Encoding", "identity", True))
    draft.headers = [(n, v, auto or v in _LIBRARY_VALUES) for n, v, auto in wire]
    draft.headers_known = bool(request.state.get("headers_known", True))
    draft.body = body
    draft.hidden.add(WireFeature.HEADER_CASE)
    return draft


def socket_send(sock: ClientV, data: Any) -> Draft | None:
    """Bytes written to a socket, read as an HTTP request when they look like one."""
    if not isinstance(data, bytes | str):
        return None
    return parse_raw(raw(data), "socket.send")


SENDING_FUNCTIONS = frozenset(
    [f"requests.{verb}" for verb in (*_VERBS, "request")]
    + [f"requests.api.{verb}" for verb in (*_VERBS, "request")]
    + [f"httpx.{verb}" for verb in (*_VERBS, "request")]
    + ["urllib.request.urlopen", "urllib.request.urlretrieve"]
)
"""Module-level functions that send a request."""

VERBS = _VERBS
"""Method names that send a request of that verb."""

REQUESTS_POSITIONAL = {
    "get": ("params",),
    "post": ("data", "json"),
    "put": ("data",),
    "patch": ("data",),
}
"""What requests' verb functions take positionally after the URL."""
