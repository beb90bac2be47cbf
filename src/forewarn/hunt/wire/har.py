"""HAR 1.2 archives (browser devtools, Burp and ZAP exports): `log.entries[].request`.

A HAR keeps each request's header list in order, its URL (query in order) and `postData`, so it
shows nearly everything, with these limits, each read as erased:

- header case: HTTP/2 and HTTP/3 carry names in lower case, and some exporters lower-case them
  for HTTP/1.1 too, so case is not shown when `httpVersion` is 2 or 3 or every name is lower case;
  pseudo-headers (`:authority`, `:path`) are dropped (`:authority` gives the host);
- an empty header list (devtools' "provisional headers") shows no header at all;
- cookies listed in `cookies` but absent from `headers` are added as one `Cookie` header at the
  end, and header names and order are then not shown;
- the body is shown only when `postData.text` is there (form `params` alone do not say how
  they were encoded); `postData.encoding: base64`, an exporter extension, is decoded.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from forewarn.domain.wire import ALL_FEATURES, HttpRequest, WireFeature, split_target
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.interface import NoteBook, RequestFilter, refuse
from forewarn.hunt.wire.text import keep_if, room_left

_HEADER_FEATURES = frozenset(
    {
        WireFeature.HEADER_NAMES,
        WireFeature.HEADER_ORDER,
        WireFeature.HEADER_CASE,
        WireFeature.HEADER_VALUES,
        WireFeature.USER_AGENT,
        WireFeature.COOKIES,
    }
)


class HarReader:
    """HAR 1.2 JSON archives."""

    name = "har"

    def sniff(self, head: bytes) -> bool:
        """A JSON object with a `log` member that has `entries` or a `creator`."""
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        return (
            text[:1] == b"{" and b'"log"' in text and (b'"entries"' in text or b'"creator"' in text)
        )

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """The request of every entry, in the archive's order."""
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            raise refuse("HAR is not valid JSON") from exc
        log = document.get("log") if isinstance(document, dict) else None
        entries = log.get("entries") if isinstance(log, dict) else None
        if not isinstance(entries, list):
            raise refuse("HAR has no log.entries list")
        found: list[HttpRequest] = []
        for number, entry in enumerate(entries, 1):
            if not room_left(found, limits, notes):
                break
            try:
                keep_if(found, _request(entry["request"], f"entry {number}", limits), keep)
            except (KeyError, TypeError, ValueError, AttributeError):
                notes.add(f"entry {number}", "malformed request; skipped")
        return found


def _pairs(items: Any) -> list[tuple[str, str]]:
    """`[{"name": …, "value": …}]` as pairs (raises `TypeError`/`KeyError` on other shapes)."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise TypeError("not a list")
    return [(str(item["name"]), str(item["value"])) for item in items]


def _request(request: dict[str, Any], origin: str, limits: Limits) -> HttpRequest:
    shows = set(ALL_FEATURES)
    url = str(request["url"])
    path, query, url_host = split_target(url)
    headers = _pairs(request.get("headers"))
    authority = next((v for k, v in headers if k.lower() == ":authority"), None)
    headers = [(k, v) for k, v in headers if not k.startswith(":")]
    if not headers:
        shows -= _HEADER_FEATURES
    version = str(request.get("httpVersion", "")).upper().replace(" ", "")
    names = "".join(k for k, _ in headers)
    if version.startswith(("HTTP/2", "HTTP/3", "H2", "H3")) or names == names.lower():
        shows.discard(WireFeature.HEADER_CASE)
    cookies = _pairs(request.get("cookies"))
    if cookies and not any(k.lower() == "cookie" for k, _ in headers):
        headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in cookies)))
        shows -= {WireFeature.HEADER_NAMES, WireFeature.HEADER_ORDER}
        shows.add(WireFeature.COOKIES)
    if len(headers) > limits.max_headers:
        headers = headers[: limits.max_headers]
        shows -= _HEADER_FEATURES
    body, whole = _body(request, limits)
    if not whole:
        shows.discard(WireFeature.BODY)
    host = next((v for k, v in headers if k.lower() == "host"), None) or authority or url_host
    return HttpRequest(
        method=str(request["method"]).upper(),
        path=path,
        query=query,
        headers=tuple(headers),
        body=body,
        host=host,
        source="har",
        shows=frozenset(shows),
        origin=origin,
    )


def _body(request: dict[str, Any], limits: Limits) -> tuple[bytes, bool]:
    """The body and whether it is shown whole."""
    post = request.get("postData")
    if post is None:
        size = request.get("bodySize")
        return b"", not (isinstance(size, int) and size > 0)
    if not isinstance(post, dict) or not isinstance(post.get("text"), str):
        return b"", False
    text: str = post["text"]
    if str(post.get("encoding", "")).lower() == "base64":
        try:
            body = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return b"", False
    else:
        try:
            body = text.encode("utf-8")
        except UnicodeEncodeError:
            return b"", False
    if len(body) > limits.max_body_bytes:
        return body[: limits.max_body_bytes], False
    return body, True
