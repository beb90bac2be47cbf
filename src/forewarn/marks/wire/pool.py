"""urllib3's pools: `PoolManager`, `HTTPConnectionPool` and `urllib3.request`, as they send.

A code assistant asked for "fewer dependencies than requests" often writes urllib3 directly.
Read as an unknown client, such a call kept the code's headers but lost what urllib3 itself
does with its arguments, above all `fields=`, which for `GET`, `HEAD`, `DELETE` and
`OPTIONS` becomes the query (`request_encode_url`). Modelled from urllib3 2's request path
(read in its source, not copied):

- `request(method, url, body=None, fields=None, headers=None, json=None)`: the pool's own
  `headers=` only when the call passes none (no merge); `fields` as the query for the four
  URL-encoding methods, else a multipart body (random boundary: the body is not shown) or,
  with `encode_multipart=False`, a form body; `json=` dumped with `(",", ":")` separators and
  `Content-Type: application/json` unless given; `urlopen(method, url, body, headers)` sends
  as it is given;
- on the connection: `Host` and `Accept-Encoding: identity` first unless given
  (`putrequest`), `Content-Length` when there is a body, urllib3's `User-Agent` unless given,
  then the headers exactly as written, in order and case.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from forewarn.domain.wire import WireFeature
from forewarn.marks.wire.draft import Draft, split_target
from forewarn.marks.wire.forms import FORM, with_params
from forewarn.marks.wire.spellings import concrete, pairs_of, raw, text
from forewarn.marks.wire.values import PLACEHOLDER, PLACEHOLDER_BYTES, UNKNOWN, ClientV

CONSTRUCTORS = {
    "urllib3.PoolManager": "urllib3.PoolManager",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.HTTPConnectionPool": "urllib3.PoolManager",
    "urllib3.HTTPSConnectionPool": "urllib3.PoolManager",
    "urllib3.connectionpool.HTTPConnectionPool": "urllib3.PoolManager",
    "urllib3.connectionpool.HTTPSConnectionPool": "urllib3.PoolManager",
}
"""urllib3's pool constructors and the client kind they make."""
SENDING = frozenset({"request", "urlopen", "request_encode_url", "request_encode_body"})
"""Pool methods that send."""
_URL_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS"})
_ARGS = ("method", "url", "body", "fields", "headers")
_URLOPEN_ARGS = ("method", "url", "body", "headers")
_AGENT = "python-urllib3/" + PLACEHOLDER


def construct(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> ClientV:
    """A pool: its default headers and, for a connection pool, its host."""
    client = ClientV(CONSTRUCTORS[name])
    client.state["headers"] = kwargs.get("headers")
    if "ConnectionPool" in name:
        host = text(kwargs.get("host", args[0] if args else UNKNOWN))
        port = kwargs.get("port", args[1] if len(args) > 1 else None)
        scheme = "https" if "HTTPS" in name else "http"
        client.state["base"] = f"{scheme}://{host}" + ("" if port is None else f":{text(port)}")
    return client


def send(pool: ClientV | None, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Draft:
    """The request a pool method (or `urllib3.request`) sends."""
    order = _URLOPEN_ARGS if name == "urlopen" else _ARGS
    given = dict(zip(order, args, strict=False)) | kwargs
    state = pool.state if pool is not None else {}
    verb = text(given.get("method", UNKNOWN)).upper()
    url = text(given.get("url", UNKNOWN))
    if state.get("base") and url.startswith("/"):
        url = state["base"] + url
    headers = given.get("headers")
    if headers is None:
        headers = state.get("headers")
    draft = Draft(client=f"urllib3.{name}", method=verb, url=url)
    pairs = pairs_of(headers) if headers is not None else ()
    if pairs is None:
        draft.headers_known = False
        pairs = ()
    lines = [(text(k), text(v)) for k, v in pairs]
    body = _body(name, verb, given, lines, draft)
    names = {k.lower() for k, _ in lines}
    if "host" not in names:
        draft.headers.append(("Host", split_target(draft.url)[0] or PLACEHOLDER, True))
    if "accept-encoding" not in names:
        draft.headers.append(("Accept-Encoding", "identity", True))
    if body and "content-length" not in names:
        draft.headers.append(("Content-Length", _length(body), True))
    if "user-agent" not in names:
        draft.headers.append(("User-Agent", _AGENT, True))
    draft.headers.extend((k, v, False) for k, v in lines)
    draft.body = body
    return draft


def _body(
    name: str, verb: str, given: dict[str, Any], lines: list[tuple[str, str]], draft: Draft
) -> bytes:
    """The body, after `fields` went into the query or a form and `json` was dumped."""
    fields = given.get("fields")
    if fields is not None and name != "urlopen":
        if name == "request_encode_url" or (name == "request" and verb in _URL_METHODS):
            draft.url, known = with_params(draft.url, fields)
            if not known:
                draft.hidden.add(WireFeature.QUERY)
            return b""
        if given.get("encode_multipart", True):
            draft.hidden.add(WireFeature.BODY)  # the boundary is random
            return PLACEHOLDER_BYTES
        pairs = pairs_of(fields)
        if pairs is None:
            draft.hidden.add(WireFeature.BODY)
            return PLACEHOLDER_BYTES
        _default(lines, "Content-Type", FORM)
        return urllib.parse.urlencode([(concrete(k), concrete(v)) for k, v in pairs]).encode()
    if given.get("json") is not None and name != "urlopen":
        _default(lines, "Content-Type", "application/json")
        try:
            dumped = json.dumps(concrete(given["json"]), separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):
            draft.hidden.add(WireFeature.BODY)
            return PLACEHOLDER_BYTES
        return dumped.replace("\\ufffd", PLACEHOLDER).encode("utf-8")
    body = given.get("body")
    if body is None:
        return b""
    if not isinstance(body, str | bytes):
        draft.hidden.add(WireFeature.BODY)
        return PLACEHOLDER_BYTES
    return raw(body)


def _default(lines: list[tuple[str, str]], name: str, value: str) -> None:
    if all(k.lower() != name.lower() for k, _ in lines):
        lines.append((name, value))


def _length(body: bytes) -> str:
    return PLACEHOLDER if PLACEHOLDER_BYTES in body else str(len(body))


__all__ = ["CONSTRUCTORS", "SENDING", "construct", "send"]
