"""Literals in rule languages: Suricata `content` strings and YARA text strings, both ways.

Suricata writes printable bytes as they are and everything else (and `"`, `;`, `\\`, `|`) as
hex between pipes (`|3a 20|`); YARA text strings escape `"` and `\\` and write other bytes as
`\\xNN`. Rules are generated with `content`/`text` and read back (by the matcher in tests and
`match`) with `decode_content`, so the two directions are one piece of knowledge.
"""

from __future__ import annotations

import re

_SURICATA_SPECIAL = frozenset(b'";\\|')
_HEX_GROUP = re.compile(r"\|([0-9A-Fa-f\s]*)\|")


def content(data: bytes) -> str:
    """`data` as the inside of a Suricata `content:"…"`."""
    out: list[str] = []
    hexes: list[str] = []
    for byte in data:
        if 32 <= byte < 127 and byte not in _SURICATA_SPECIAL:
            if hexes:
                out.append("|" + " ".join(hexes) + "|")
                hexes = []
            out.append(chr(byte))
        else:
            hexes.append(f"{byte:02x}")
    if hexes:
        out.append("|" + " ".join(hexes) + "|")
    return "".join(out)


def decode_content(value: str) -> tuple[bytes, bool]:
    """The bytes of a Suricata `content` value (with its quotes) and whether it is negated."""
    text = value.strip()
    negated = text.startswith("!")
    text = text.lstrip("!").strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted content: {value!r}")
    body = text[1:-1]
    out = bytearray()
    pos = 0
    while pos < len(body):
        char = body[pos]
        if char == "|":
            found = _HEX_GROUP.match(body, pos)
            if found is None:
                raise ValueError(f"unclosed hex group in {value!r}")
            out += bytes.fromhex("".join(found.group(1).split()))
            pos = found.end()
        elif char == "\\" and pos + 1 < len(body):
            out += body[pos + 1].encode("latin-1")
            pos += 2
        else:
            out += char.encode("latin-1")
            pos += 1
    return bytes(out), negated


def text(data: str) -> str:
    """`data` as the inside of a YARA text string `"…"` (UTF-8 bytes)."""
    out: list[str] = []
    for byte in data.encode("utf-8"):
        if byte == 0x22:
            out.append('\\"')
        elif byte == 0x5C:
            out.append("\\\\")
        elif 32 <= byte < 127:
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02x}")
    return "".join(out)


def free_text(value: str) -> str:
    """A message or description with nothing a rule language would read as syntax."""
    return " ".join(value.translate(str.maketrans("", "", '";\\|{}')).split())


def identifier(value: str) -> str:
    """`value` as part of a rule name or metadata word: letters, digits and `_` only."""
    cleaned = re.sub(r"[^0-9A-Za-z]+", "_", value).strip("_")
    return cleaned or "x"


__all__ = ["content", "decode_content", "free_text", "identifier", "text"]
