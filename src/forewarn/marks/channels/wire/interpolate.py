"""Values spliced into strings in a language no grammar of `splice` reads, worked out by shape.

`splice` folds constants back into the strings that use them, for the languages it parses.
A rewrite may be in any other (Kotlin, Swift, Dart, Perl, Lua, …); these write the same few
things alike: a name bound once to a literal (`const val TICKET = "1843…"`, `my $ticket =
'1843…';`, `local NOTE = "…"`, `let domain = "…"`), spliced into a string as `$name`,
`${name}`, `${Owner.NAME}` or `\\(name)`, and a padding built by repetition (`"A".repeat(37)`,
`'A' x 37`, `String(repeating: "A", count: 37)`, `string.rep("A", 37)`, `'A' * 37`). Here the
text is written out again with each repetition spelt in full and each splice of a name bound
exactly once replaced by its value; `foreign` reads that beside the text itself, and every
reading must still agree. Only the suspect's own literals are moved, never run or guessed.
"""

from __future__ import annotations

import functools
import re

MAX_TEXT = 256 * 1024
"""Only texts up to this many characters are worked out (leaked tools are small)."""
MAX_REPEAT = 4096
"""A repetition longer than this is left as written."""
PASSES = 3
"""Rounds of splicing bindings into bindings (a constant built from constants)."""

_QUOTED = r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')"""
_REPEATS = (
    re.compile(_QUOTED + r"\s*\.\s*repeat\(\s*(\d{1,4})\s*\)"),
    re.compile(_QUOTED + r"\s*(?:x|\*)\s*(\d{1,4})\b"),
    re.compile(r"String\(\s*repeating:\s*" + _QUOTED + r",\s*count:\s*(\d{1,4})\s*\)"),
    re.compile(
        r"(?:string\.rep|str_repeat|strings\.Repeat)\(\s*" + _QUOTED + r",\s*(\d{1,4})\s*\)"
    ),
)
_BINDING = re.compile(
    r"^[ \t]*(?:(?:export|const|let|var|val|final|my|our|local|static|public|private|"
    r"internal|readonly|String|string|def)[ \t]+)*"
    r"\$?([A-Za-z_]\w*)[ \t]*(?::[ \t]*[\w.<>?]+[ \t]*)?=[ \t]*"
    r"(?:" + _QUOTED + r"|(\d+))[ \t]*;?[ \t]*(?://.*|#.*|--.*)?$",
    re.MULTILINE,
)
_STRING = re.compile(_QUOTED)
_SINGLE_LITERAL = re.compile(r"\A#!|^use strict;|<\?php", re.MULTILINE)
"""Texts whose single-quoted strings splice nothing (shell, Perl, PHP)."""
_SPLICE = re.compile(
    r"\$\{(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)\}|\\\(([A-Za-z_]\w*)\)|\$([A-Za-z_]\w*)"
)


def _repeat(match: re.Match[str]) -> str:
    unit = match.group(1) if match.group(1) is not None else match.group(2)
    count = int(match.group(3))
    if not unit or len(unit) * count > MAX_REPEAT or "\\" in unit:
        return match.group(0)
    return '"' + unit * count + '"'


def _bindings(text: str) -> dict[str, str]:
    """Names bound exactly once, each to a literal (string or digits)."""
    found: dict[str, list[str]] = {}
    for match in _BINDING.finditer(text):
        name = match.group(1)
        value = next(g for g in match.groups()[1:] if g is not None)
        found.setdefault(name, []).append(value)
    assigned = re.findall(r"^[ \t]*\$?([A-Za-z_]\w*)[ \t]*(?:\+|-|\.\.|\.)?=[^=]", text, re.M)
    counts: dict[str, int] = {}
    for name in assigned:
        counts[name] = counts.get(name, 0) + 1
    return {
        name: values[0]
        for name, values in found.items()
        if len(values) == 1 and counts.get(name, 0) <= 1
    }


def _splice(text: str, names: dict[str, str], *, single: bool) -> str:
    """Every string of `text` with the splices of bound names replaced by their values
    (`single`: in single-quoted strings too, as Dart and Kotlin do, never a shell or Perl)."""

    def inside(match: re.Match[str]) -> str:
        def value(found: re.Match[str]) -> str:
            name = next(g for g in found.groups() if g is not None)
            return names.get(name, found.group(0))

        if match.group(1) is None and not single:
            return match.group(0)
        quote = '"' if match.group(1) is not None else "'"
        body = match.group(1) if match.group(1) is not None else match.group(2)
        spliced = _SPLICE.sub(value, body)
        return quote + spliced.replace("\\@", "@").replace("\\$", "$") + quote

    return _STRING.sub(inside, text)


@functools.lru_cache(maxsize=32)
def interpolated_text(text: str) -> str:
    """`text` with repetitions spelt out and bound names spliced in; `""` where nothing is."""
    if len(text) > MAX_TEXT:
        return ""
    out = text
    for pattern in _REPEATS:
        out = pattern.sub(_repeat, out)
    single = _SINGLE_LITERAL.search(text[:4096]) is None
    for _ in range(PASSES):
        names = _bindings(out)
        spliced = _splice(out, names, single=single)
        if spliced == out:
            break
        out = spliced
    return "" if out == text else out


__all__ = ["interpolated_text"]
