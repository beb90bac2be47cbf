"""Binary or text, which encoding, and which kind: from the name and the first bytes only."""

from __future__ import annotations

import codecs
import re

from forewarn.hunt.readers.interface import ItemKind
from forewarn.hunt.readers.languages import language_of
from forewarn.hunt.wire.detect import WEBLOG_FORMATS, detect

SNIFF_BYTES = 64 * 1024
"""How much of an item is looked at to classify it."""

_APACHE_LINE = re.compile(
    r'^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" \d{3} (?:\d+|-)(?: "[^"]*" "[^"]*")?', re.MULTILINE
)


def is_binary(head: bytes) -> bool:
    """Text has no NUL bytes (UTF-16 with a BOM aside) and few control characters."""
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.1


def guess_encoding(head: bytes, *, truncated: bool = False) -> str:
    """BOMs first, then strict UTF-8, else latin-1; when `head` is cut from a longer item, a
    character cut at its end is no evidence against UTF-8."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=not truncated)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def is_weblog(text: str) -> bool:
    """W3C extended logs (IIS) declare `#Fields:`; Apache/nginx combined lines have a shape."""
    start = text[:4096]
    if "#Fields:" in start or start.startswith("#Software: Microsoft Internet Information"):
        return True
    lines = [line for line in start.splitlines()[:5] if line.strip()]
    if not lines:
        return False
    return sum(1 for line in lines if _APACHE_LINE.match(line)) >= max(1, len(lines) - 1)


def classify(name: str, head: bytes) -> tuple[ItemKind, str | None, str | None]:
    """Kind, language and encoding of an item from its name and first bytes."""
    capture = detect(head, name)
    if capture is not None and capture not in WEBLOG_FORMATS:
        binary = is_binary(head)
        encoding = None if binary else guess_encoding(head, truncated=len(head) >= SNIFF_BYTES)
        return ItemKind.CAPTURE, None, encoding
    if capture in WEBLOG_FORMATS and b"\x00" in head and not is_binary(head.replace(b"\x00", b"")):
        # A web log with NUL runs where a crash or a pre-allocated file left them (IIS does):
        # still a log; its reader skips the damaged lines with a note.
        return ItemKind.WEBLOG, None, guess_encoding(head.replace(b"\x00", b""), truncated=True)
    if is_binary(head):
        return ItemKind.BINARY, None, None
    encoding = guess_encoding(head, truncated=len(head) >= SNIFF_BYTES)
    text = head.decode(encoding, errors="replace")
    if is_weblog(text):
        return ItemKind.WEBLOG, None, encoding
    language = language_of(name, text)
    if language == "python":
        return ItemKind.PYTHON, language, encoding
    if language is not None:
        return ItemKind.SOURCE, language, encoding
    return ItemKind.TEXT, None, encoding
