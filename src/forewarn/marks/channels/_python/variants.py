"""Equivalent values a careful programmer or a real client writes, for scheme 3's wire marks.

Shared by the wire channel, which moves values between these forms, and the Python source
channel of scheme 3, whose anchors must not see those moves (`fold_text`, `fold_number`).

A mark that nobody should notice must look like a choice someone made, not like a code: each
value below has a partner that real clients send in the same place (a browser's and a script
library's `Accept`, Chrome's and Firefox's `Accept-Language` weights, `close` and `keep-alive`,
a `Content-Type` with and without its charset, curl's and requests' `Accept-Encoding` order), so
either form reads as the author's habit. Nothing here changes what a server does with a request:
the pairs differ in preference weights, in spelling and in connection reuse only.
"""

from __future__ import annotations

import re

DIGITS = re.compile(r"\d+")

HEADER_VALUES: dict[str, tuple[tuple[str, str], ...]] = {
    "accept": (
        ("*/*", "application/json, text/javascript, */*; q=0.01"),
        ("application/json, text/plain, */*", "application/json, text/javascript, */*; q=0.01"),
        ("application/json", "application/json, text/plain, */*"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8",
        ),
    ),
    "connection": (("close", "keep-alive"), ("Keep-Alive", "close")),
    "content-type": (
        ("application/json", "application/json; charset=utf-8"),
        ("text/plain", "text/plain; charset=utf-8"),
        ("text/xml", "text/xml; charset=utf-8"),
        ("application/xml", "application/xml; charset=utf-8"),
        (
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=UTF-8",
        ),
    ),
    "accept-encoding": (("gzip, deflate", "deflate, gzip"),),
    "cache-control": (("no-cache", "max-age=0"),),
}
"""Per header (lower case), pairs of values that ask the same of a server. A value found in
two pairs takes the first."""

_LANGUAGE = re.compile(r"^([a-z]{2})-([A-Z]{2})(?:,\1;q=0\.([5-9]))?$")
_WEIGHTS = {"9": "5", "5": "9", "8": "9", "7": "9", "6": "9"}
"""`Accept-Language` weights of the second language: Chrome's `0.9`, Firefox's `0.5`."""


def header_value(name: str, value: str) -> str | None:
    """The partner of `value` as the value of header `name`, or `None` when it has none."""
    low = name.lower()
    if low == "accept-language":
        return _language(value)
    for first, second in HEADER_VALUES.get(low, ()):
        if value == first:
            return second
        if value == second:
            return first
    return None


def _language(value: str) -> str | None:
    """`en-US` ↔ `en-US,en;q=0.9`; `…;q=0.9` ↔ `…;q=0.5` (and other weights to `0.9`)."""
    match = _LANGUAGE.match(value)
    if match is None:
        return None
    lang, region, weight = match.groups()
    if weight is None:
        return f"{lang}-{region},{lang};q=0.9"
    return f"{lang}-{region},{lang};q=0.{_WEIGHTS[weight]}"


AGENT_PARTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=Windows NT )10\.0(?=; (?:Win64|WOW64))"), "6.1"),
    (re.compile(r"(?<=Windows NT )6\.1(?=; (?:Win64|WOW64))"), "10.0"),
    (re.compile(r"(?<=X11; )(?=Linux x86_64; rv:)"), "Ubuntu; "),
    (re.compile(r"(?<=X11; )Ubuntu; (?=Linux x86_64; rv:)"), ""),
    (re.compile(r"(?<=rv:)(\d+)\.0\) Gecko/20100101 Firefox/\1\.0"), "esr"),
)
"""Parts of a browser's user agent with another form the same browser sends: Windows 10 and 7
(Chrome 88 and Firefox 91 ran on both), Firefox on Linux with and without Ubuntu's token, and
a Firefox ESR release and the next one (`esr`: both of its version numbers together)."""

ESR = (60, 68, 78, 91, 102, 115, 128)
"""Firefox extended-support releases, in order."""


def agent_parts(agent: str) -> list[tuple[int, int, str]]:
    """`(start, end, other form)` of each part of a user agent that has another form."""
    found: list[tuple[int, int, str]] = []
    for pattern, other in AGENT_PARTS:
        match = pattern.search(agent)
        if match is None:
            continue
        if other == "esr":
            version = int(match.group(1))
            if version not in ESR:
                continue
            at = ESR.index(version)
            nxt = ESR[at + 1] if at + 1 < len(ESR) else ESR[at - 1]
            other = match.group(0).replace(f"{version}.0", f"{nxt}.0")
        found.append((match.start(), match.end(), other))
    return found


PADDING_LETTERS = {"A": "X", "X": "A", "a": "x", "x": "a"}
"""A padding run's letter and its partner: the two letters PoCs pad with."""

SEPARATORS = {",": ", ", ", ": ",", ":": ": ", ": ": ":"}
"""JSON item and key separators, each with its other usual form."""

LADDERS: dict[str, tuple[float, ...]] = {
    "timeout": (1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600),
    "retries": (1, 2, 3, 5, 10, 20),
    "pause": (0.1, 0.2, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 15, 30, 60),
    "read-size": tuple(float(1 << k) for k in range(6, 21)),
    "json-indent": (1, 2, 4),
    "request-loop": (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 50, 100),
}
"""Per behaviour role, the values a mark moves it between: each one and its neighbour up the
ladder (the top one and its neighbour down)."""

_ON_LADDERS = frozenset(float(v) for ladder in LADDERS.values() for v in ladder)


def fold_text(text: str, version: int = 3) -> str:
    """`text` as scheme 3's wire marks leave it: digits, letter case, a header value, a
    padding letter or a JSON separator folded to one form; `version` 6 also folds a Windows
    user agent's platform token (`WOW64` / `Win64; x64`), which scheme 6's wire channel moves."""
    for partner in (_any_header_value(text), PADDING_LETTERS.get(text), SEPARATORS.get(text)):
        if partner is not None:
            text = min(text, partner)
            break
    text = text.replace("X11; Ubuntu; Linux", "X11; Linux")
    if version >= 6:
        text = text.replace("WOW64", "Win64; x64")
    return DIGITS.sub("#", text).lower()


def fold_number(value: float) -> str:
    """A number as scheme 3's behaviour marks leave it: any ladder value is `num`."""
    return "num" if float(value) in _ON_LADDERS else repr(value)


def _folded(text: str) -> str:
    return DIGITS.sub("#", text).lower()


def _chains() -> dict[str, str]:
    """Every value of `HEADER_VALUES`, folded (`_folded`), to the least folded value it is
    linked to by any chain of pairs of any header."""
    linked: dict[str, set[str]] = {}
    for pairs in HEADER_VALUES.values():
        for first, second in pairs:
            a, b = _folded(first), _folded(second)
            linked.setdefault(a, set()).add(b)
            linked.setdefault(b, set()).add(a)
    least: dict[str, str] = {}
    for start in linked:
        if start in least:
            continue
        chain, todo = {start}, [start]
        while todo:
            for other in linked[todo.pop()] - chain:
                chain.add(other)
                todo.append(other)
        least.update(dict.fromkeys(chain, min(chain)))
    return least


_CHAINS = _chains()
_FOLDED_LANGUAGE = re.compile(r"^([a-z]{2}-[a-z]{2})(?:,[a-z]{2};q=#\.#)?$")
_FOLDED_PARTNERS = {
    **{_folded(k): min(_folded(k), _folded(v)) for k, v in PADDING_LETTERS.items()},
    **{k: min(k, v) for k, v in SEPARATORS.items()},
}


def fold_stable(text: str) -> str:
    """`text` as no wire or payload mark of any scheme leaves a trace in it, for reading a
    copy back (never for choosing what to write): digits and letter case, a header value to
    the least of every value a chain of `HEADER_VALUES` pairs links it to (one edit after
    another, under any header), a language list to its first language, a padding letter, a
    JSON separator, Ubuntu's and a Windows build's user-agent tokens.

    It is a function of `fold_text(text, version)` (every version), of `text` with its digits
    and letter case folded, and so of any key those fold: two strings those keys tell apart
    may fold alike here, never the other way round."""
    folded = _folded(text)
    chained = _CHAINS.get(folded)
    if chained is not None:
        return chained
    language = _FOLDED_LANGUAGE.match(folded)
    if language is not None:
        return language.group(1)
    folded = _FOLDED_PARTNERS.get(folded, folded)
    return folded.replace("x11; ubuntu; linux", "x11; linux").replace("wow#", "win#; x#")


def _any_header_value(text: str) -> str | None:
    for name in (*HEADER_VALUES, "accept-language"):
        found = header_value(name, text)
        if found is not None:
            return found
    return None


__all__ = [
    "HEADER_VALUES",
    "LADDERS",
    "PADDING_LETTERS",
    "SEPARATORS",
    "agent_parts",
    "fold_number",
    "fold_stable",
    "fold_text",
    "header_value",
]
