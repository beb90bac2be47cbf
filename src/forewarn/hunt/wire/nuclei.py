"""A scanner template holding raw HTTP requests (nuclei's `raw:` lists), read as what it sends.

A leaked PoC turned into a nuclei template keeps its requests byte for byte, one YAML block
scalar each (`- |` under `raw:`), so the template is read as a dump of those requests: each
block is cut out by its indentation (never by a YAML loader: templates carry `{{…}}`
placeholders, and nothing of the file is evaluated), its lines are joined as HTTP lines, and
it is parsed as one raw request. A block with a body and no framing gets the
`Content-Length` the scanner adds when it sends it. Placeholders stay as written
(`Host: {{Hostname}}`); a request whose line holds one (`{{BaseURL}}/x`) is parsed as it is
written and meets no route of a PoC.
"""

from __future__ import annotations

import re

from forewarn.domain.wire import HttpRequest
from forewarn.hunt.limits import Limits
from forewarn.hunt.wire.http import parse_requests
from forewarn.hunt.wire.interface import NoteBook, RequestFilter

_ID = re.compile(rb"^id:[ \t]*[\w.-]+[ \t]*\r?$", re.MULTILINE)
_RAW = re.compile(rb"^([ \t]*)(?:-[ \t]+)?raw:[ \t]*\r?$", re.MULTILINE)
_BLOCK = re.compile(rb"^([ \t]*)-[ \t]+\|[-+]?[ \t]*\r?$")
_FRAMED = re.compile(rb"^(?:content-length|transfer-encoding)[ \t]*:", re.IGNORECASE | re.MULTILINE)


def _blocks(data: bytes) -> list[bytes]:
    """The block scalars listed under every `raw:` key, dedented."""
    lines = data.split(b"\n")
    found: list[bytes] = []
    inside: int | None = None  # indentation of the `raw:` key being read
    at = 0
    while at < len(lines):
        line = lines[at].rstrip(b"\r")
        at += 1
        key = _RAW.match(line)
        if key is not None:
            inside = len(key.group(1))
            continue
        if inside is None or not line.strip():
            continue
        item = _BLOCK.match(line)
        indent = len(line) - len(line.lstrip(b" \t"))
        if item is None:
            if indent <= inside and not line.lstrip().startswith(b"-"):
                inside = None  # the next key of the same level ends the list
            continue
        dash = len(item.group(1))
        body: list[bytes] = []
        margin: int | None = None
        while at < len(lines):
            text = lines[at].rstrip(b"\r")
            width = len(text) - len(text.lstrip(b" \t"))
            if text.strip() and width <= dash:
                break
            if text.strip() and margin is None:
                margin = width
            body.append(text[margin:] if margin is not None else b"")
            at += 1
        while body and not body[-1]:
            body.pop()  # `|` keeps one final line break, not the blank lines before the next
        found.append(b"\n".join(body))
    return found


def _framed(block: bytes) -> bytes:
    """The block as the scanner sends it: CRLF head lines, the body as written, framed by
    its length."""
    head, sep, body = block.partition(b"\n\n")
    head = head.replace(b"\n", b"\r\n")
    if not sep:
        return head + b"\r\n\r\n"
    if body and _FRAMED.search(head.replace(b"\r\n", b"\n")) is None:
        head += b"\r\nContent-Length: " + str(len(body)).encode()
    return head + b"\r\n\r\n" + body


class NucleiReader:
    """A nuclei-style template whose requests are written out raw (`raw:` lists)."""

    name = "nuclei"

    def sniff(self, head: bytes) -> bool:
        """An `id:` line at the top level and a `raw:` list of blocks."""
        return _ID.search(head) is not None and _RAW.search(head) is not None

    def read(
        self, data: bytes, limits: Limits, notes: NoteBook, keep: RequestFilter | None = None
    ) -> list[HttpRequest]:
        """Every raw request of the template, in order."""
        out: list[HttpRequest] = []
        for index, block in enumerate(_blocks(data)):
            room = limits.max_requests - len(out)
            if room <= 0:
                notes.add("", f"more than {limits.max_requests} requests; the rest dropped")
                break
            out += parse_requests(
                _framed(block),
                source=self.name,
                where=f"raw request {index + 1}",
                limits=limits,
                notes=notes,
                room=room,
                keep=keep,
            )
        return out


__all__ = ["NucleiReader"]
