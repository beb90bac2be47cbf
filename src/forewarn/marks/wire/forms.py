"""Request parts that clients encode themselves: query parameters, bodies, multipart, basic auth.

Modelled from each library's own encoders (read in their sources, not copied):

- `params=` and form `data=` are `urlencode`d pairs; `json=` is `json.dumps` with its defaults;
- `files=` (requests and httpx) is `multipart/form-data`: form fields first, then one part per
  file, `Content-Disposition: form-data; name="…"; filename="…"` and, when there is one, the
  part's `Content-Type`. The boundary is random on the wire, so it is a placeholder here: the
  parts' names, filenames, content types and order are what a copy and a capture share.
  requests names a bare file after its field and adds no type; httpx names it `upload` and
  guesses the type from the filename (Python's built-in table, not the host's);
- basic `auth=` (a pair, `HTTPBasicAuth`, `httpx.BasicAuth`, `aiohttp.BasicAuth`) is an
  `Authorization: Basic …` line, the pair `latin-1` encoded as requests and aiohttp do.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import urllib.parse
from typing import Any

from forewarn.marks.wire.spellings import concrete, pairs_of, raw, text
from forewarn.marks.wire.values import PLACEHOLDER, PLACEHOLDER_BYTES, UNKNOWN, ListV

FORM = "application/x-www-form-urlencoded"
"""The content type of a form-encoded body."""

_MIME = mimetypes.MimeTypes()  # Python's own table only: the same answer on every machine
_BOUNDARY = PLACEHOLDER_BYTES
_ESCAPES = {'"': "%22", "\\": "\\\\"} | {chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}


def with_params(url: str, params: Any) -> tuple[str, bool]:
    """`url` with `params` appended as the clients append them, and whether they are known."""
    if params is None:
        return url, True
    if isinstance(params, str):
        extra = params
    else:
        pairs = pairs_of(params)
        if pairs is None:
            return url + ("&" if "?" in url else "?") + PLACEHOLDER, False
        extra = urllib.parse.urlencode([(concrete(k), concrete(v)) for k, v in pairs], doseq=True)
    if not extra:
        return url, True
    return url + ("&" if "?" in url else "?") + extra, True


def body_of(
    kwargs: dict[str, Any], *, form_files: bool = True, library: str = "requests"
) -> tuple[bytes, str | None, bool]:
    """`(body, implied Content-Type, body form certain)` from `json=`, `content=`, `data=`,
    `body=` and (with `form_files`) `files=`."""
    if form_files and kwargs.get("files") is not None:
        return multipart(library, kwargs.get("data"), kwargs["files"])
    if kwargs.get("json") is not None:
        try:
            document = json.dumps(concrete(kwargs["json"])).replace("\\ufffd", PLACEHOLDER)
        except (TypeError, ValueError):
            return PLACEHOLDER_BYTES, "application/json", False
        return document.encode("utf-8"), "application/json", True
    for key in ("content", "data", "body"):
        value = kwargs.get(key)
        if value is None:
            continue
        if isinstance(value, str | bytes):
            return raw(value), None, True
        pairs = pairs_of(value)
        if pairs is None:
            return PLACEHOLDER_BYTES, None, False
        encoded = urllib.parse.urlencode([(concrete(k), concrete(v)) for k, v in pairs])
        return encoded.encode("ascii"), FORM, True
    return b"", None, True


def _param(name: str, value: str) -> str:
    return f'{name}="' + "".join(_ESCAPES.get(c, c) for c in value) + '"'


def _part(name: str, data: Any, filename: str | None, content_type: str | None) -> bytes:
    disposition = "Content-Disposition: form-data; " + _param("name", name)
    if filename is not None:
        disposition += "; " + _param("filename", filename)
    lines = [disposition] + ([f"Content-Type: {content_type}"] if content_type else [])
    head = "\r\n".join(lines) + "\r\n\r\n"
    return b"--" + _BOUNDARY + b"\r\n" + raw(head) + _data(data) + b"\r\n"


def _data(value: Any) -> bytes:
    if isinstance(value, bool | int | float):
        return str(value).encode()
    return raw(value)


def multipart(library: str, data: Any, files: Any) -> tuple[bytes, str | None, bool]:
    """A `multipart/form-data` body with a placeholder boundary, as `library` writes it."""
    content_type = "multipart/form-data; boundary=" + PLACEHOLDER
    fields = pairs_of(data) if data is not None else ()
    entries = pairs_of(files)
    if fields is None or entries is None:
        return PLACEHOLDER_BYTES, content_type, False
    out = b""
    for name, value in fields:
        for item in value.items if isinstance(value, ListV) else (value,):
            if item is not None:
                out += _part(text(name), item, None, None)
    for name, value in entries:
        field = text(name)
        parts = value.items if isinstance(value, ListV) else value
        if isinstance(parts, tuple) and 2 <= len(parts) <= 4:
            filename: Any = parts[0]
            content = parts[1]
            given = parts[2] if len(parts) > 2 else None
        else:
            filename = field if library == "requests" else "upload"
            content, given = value, None
        name_text = None if filename is None else text(filename)
        kind = text(given) if given is not None else None
        if kind is None and library != "requests" and name_text:
            kind = _guess(name_text)
        out += _part(field, content, name_text, kind)
    return out + b"--" + _BOUNDARY + b"--\r\n", content_type, True


def _guess(filename: str) -> str:
    if PLACEHOLDER in filename:
        return PLACEHOLDER
    return _MIME.guess_type(filename)[0] or "application/octet-stream"


def basic_authorization(auth: Any) -> str | None:
    """The `Authorization` value of a basic-auth pair, or `None` when `auth` is not one."""
    if auth is None or auth is UNKNOWN:
        return None
    pair = auth.items if isinstance(auth, ListV) else auth
    if not isinstance(pair, tuple) or len(pair) != 2:
        return None
    user, password = (text(part) for part in pair)
    if PLACEHOLDER in user + password:
        return "Basic " + PLACEHOLDER
    try:
        token = base64.b64encode(f"{user}:{password}".encode("latin-1")).decode("ascii")
    except UnicodeEncodeError:
        return "Basic " + PLACEHOLDER
    return "Basic " + token


__all__ = ["FORM", "basic_authorization", "body_of", "multipart", "with_params"]
