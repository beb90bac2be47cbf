"""Requests handed to something the evaluator cannot see: a leaked fragment's free helpers.

A fragment of a PoC (one function pasted into another tool) calls a `send` helper it does not
contain, or receives the session or connection as a parameter. The callee is then unknown, but
the request parts the fragment gives it are not: a method and a URL, a headers dict, query
parameters, a body. A call to an unknown callable is read as a request when it *looks like*
one — an HTTP method (a `method=` keyword, a method string just before the URL, or the callee's
own name: `session.post`, `do_get(…, headers=…)`) and a URL (a path, an absolute URL, or an
unknown base followed by a path) — and only what the fragment gives is kept:

- the code's header lines in the order and case written, nothing a library would add (`Host`,
  `Content-Length`, its defaults): every modelled client keeps the code's own headers in that
  relative order, so the order and case facts read here are the ones the PoC's client sends;
- `params=` as the query, `data=`/`body=`/`content=` (text or bytes; form-encoded pairs) or,
  with none of those, text or bytes passed after the URL (`conn.request(m, url, body, h)`),
  `json=` as `json.dumps` writes it, `cookies=` as a `Cookie` line (then the header order is
  not shown, as for the modelled clients), basic `auth=` pairs as an `Authorization` line;
- a part the fragment passes but the evaluator cannot read stays unknown (a placeholder), and
  the features it touches are not shown; a call with no readable method or path is no request.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from forewarn.domain.wire import WireFeature
from forewarn.marks.wire.draft import Draft
from forewarn.marks.wire.forms import basic_authorization, body_of, with_params
from forewarn.marks.wire.spellings import pairs_of, text
from forewarn.marks.wire.values import PLACEHOLDER, PLACEHOLDER_BYTES, DictV, ListV

METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"})
"""HTTP methods recognised in a fragment's call."""

REQUEST_KEYWORDS = frozenset(
    {"headers", "params", "data", "json", "cookies", "body", "content", "files", "auth"}
)
"""Keyword names of the request parts a client call takes."""

_BODY_KEYWORDS = frozenset({"data", "json", "body", "content", "files"})
_URL = re.compile("^(?:https?://|/|\ufffd+(?:/|:|\\?|$))[^\\s]*$", re.IGNORECASE)
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def url_like(value: Any) -> bool:
    """Whether `value` reads as the URL or request target of a request (known path part)."""
    return isinstance(value, str) and bool(_URL.match(value)) and value.strip(PLACEHOLDER) != ""


def _method(value: Any) -> str | None:
    if isinstance(value, str) and value.upper() in METHODS:
        return value.upper()
    return None


def _headers_like(value: Any) -> bool:
    """A dict or list of pairs whose keys are all header-name tokens."""
    if not isinstance(value, DictV | ListV | tuple):
        return False
    pairs = pairs_of(value)
    return bool(pairs) and all(isinstance(k, str) and _TOKEN.match(k) for k, _ in pairs or ())


def _named_method(callee: str, kwargs: dict[str, Any]) -> str | None:
    """`post` → `POST`; `do_get`/`fetchGet` → `GET` only when request keywords are given."""
    exact = _method(callee)
    if exact is not None:
        return exact
    if not REQUEST_KEYWORDS & kwargs.keys():
        return None
    verbs = {w.upper() for w in _WORDS.findall(callee)} & METHODS
    return verbs.pop() if len(verbs) == 1 else None


def _method_and_url(
    callee: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[str, str, int] | None:
    """The method, the URL and the position after the URL, or `None` if not a request."""
    explicit = _method(kwargs.get("method"))
    if "url" in kwargs:
        url = kwargs["url"]
        method = explicit or next((m for a in args if (m := _method(a))), None)
        method = method or _named_method(callee, kwargs)
        return (method, url, len(args)) if method and url_like(url) else None
    for index in range(len(args) - 1):
        method = _method(args[index])
        if method is not None and url_like(args[index + 1]):
            return explicit or method, args[index + 1], index + 2
    method = explicit or _named_method(callee, kwargs)
    if method is None:
        return None
    for index, arg in enumerate(args):
        if url_like(arg):
            return method, arg, index + 1
    return None


def opaque_request(callee: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Draft | None:
    """The request an unknown callable named `callee` is asked to send, or `None`."""
    found = _method_and_url(callee, args, kwargs)
    if found is None:
        return None
    method, url, after = found
    draft = Draft(client=f"opaque.{callee}", method=method, url=text(url))
    headers = kwargs.get("headers")
    rest = args[after:]
    if headers is None:
        headers = next((a for a in rest if _headers_like(a)), None)
    if not _BODY_KEYWORDS & kwargs.keys():
        before = rest[: rest.index(headers)] if headers in rest else rest
        given = next((a for a in before if isinstance(a, str | bytes)), None)
        kwargs = {**kwargs, "body": given} if given is not None else kwargs
    pairs = pairs_of(headers) if headers is not None else ()
    if pairs is None:
        draft.headers_known = False
    lines = [(text(k), text(v), False) for k, v in pairs or () if v is not None]
    draft.url = _with_params(draft, kwargs.get("params"))
    body, _type, sure = body_of(kwargs, form_files=False)
    if "files" in kwargs:  # multipart: its framing and field layout are the client's own
        body, sure = PLACEHOLDER_BYTES, False
    if not sure:
        draft.hidden.add(WireFeature.BODY)
    draft.body = body
    cookies = kwargs.get("cookies")
    if cookies is not None:
        cookie_pairs = pairs_of(cookies)
        value = "; ".join(f"{text(k)}={text(v)}" for k, v in cookie_pairs or ((PLACEHOLDER, ""),))
        lines.append(("Cookie", value, False))
        draft.hidden.add(WireFeature.HEADER_ORDER)
    authorization = basic_authorization(kwargs.get("auth"))
    if authorization is not None:
        lines.append(("Authorization", authorization, False))
    draft.headers = lines
    return draft


def _with_params(draft: Draft, params: Any) -> str:
    """The URL with `params` appended as `urlencode` writes them."""
    url, known = with_params(draft.url, params)
    if not known:
        draft.hidden.add(WireFeature.QUERY)
    return url


def callee_name(func: ast.expr) -> str:
    """The name a call's function is written with: `send` → `send`, `session.post` → `post`."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


__all__ = ["METHODS", "REQUEST_KEYWORDS", "callee_name", "opaque_request", "url_like"]
