"""Choice points of advisory text: where two renderings read equally well.

Four kinds: word choices (`flaw`/`vulnerability`, `e.g.`/`for example`, `prior to`/`before`),
date formats (`2021-03-02`/`March 2, 2021`) and the serial comma, all read back from the *words*
of a suspect (so re-wrapping, case changes and Markdown stripping keep them); and Markdown layout
(list bullet `-`/`*` per list, ATX/setext heading style), read back only from Markdown and erased
from plain text. Code spans, code blocks, URLs and headings are never reworded.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache

SYNONYMS: tuple[tuple[str, str, bool], ...] = (
    ("vulnerability", "flaw", True),
    ("vulnerabilities", "flaws", True),
    ("attacker", "adversary", True),
    ("attackers", "adversaries", True),
    ("allows", "permits", True),
    ("allow", "permit", True),
    ("allowed", "permitted", True),
    ("allowing", "permitting", True),
    ("affected", "impacted", True),
    ("immediately", "promptly", True),
    ("therefore", "thus", True),
    ("obtain", "gain", True),
    ("obtains", "gains", True),
    ("obtained", "gained", True),
    ("contains", "includes", True),
    ("needs", "requires", True),
    ("finally", "lastly", True),
    ("harmless", "benign", True),
    ("typically", "usually", True),
    ("inbound", "incoming", True),
    ("chosen", "selected", True),
    ("confirm", "verify", True),
    ("simple", "basic", True),
    ("look for", "search for", True),
    ("inside", "within", True),
    ("publicly", "in public", True),
    ("quote", "cite", True),
    ("tune", "adjust", True),
    ("starting", "spawning", True),
    ("restrict", "limit", False),
    ("describe", "discuss", False),
    ("combined with", "together with", False),
    ("regarding", "about", False),
    ("at once", "immediately", False),
    ("observe", "see", False),
    ("prior to", "before", False),
    ("in order to", "to", False),
    ("utilize", "use", False),
    ("utilizes", "uses", False),
    ("utilized", "used", False),
    ("e.g.", "for example", False),
    ("i.e.", "that is", False),
    ("approximately", "about", False),
    ("numerous", "many", False),
    ("execute", "run", False),
    ("specially crafted", "crafted", False),
    ("via", "through", False),
)
"""`(form for bit 0, form for bit 1, whether the second form is also looked for)`: one-way pairs
are those whose second form also has unrelated uses (`use` as a noun, `to`, `before`)."""

MONTHS = (
    "January February March April May June July August September October November December"
).split()

_WORD = re.compile(r"[a-z0-9]+|,")
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_PROTECT = re.compile(
    r'`[^`\n]+`|https?://\S+|\]\([^)\n]*\)|"[^"\n]*"|^(?: {4}|\t).*$|^#.*$|^.*\n(?:=+|-+)[ \t]*$',
    re.MULTILINE,
)
"""Never reworded: code spans, URLs, link targets, quoted strings (rule contents), indented code,
headings."""
_ISO = re.compile(r"(?<![\w-])(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\w-])")
_LONG = re.compile(r"\b(" + "|".join(MONTHS) + r") ([1-9]|[12]\d|3[01]), (\d{4})\b")
_ITEM = r"(?:[\w.+-]+ ){0,2}[\w.+-]+"
_SERIAL = re.compile(rf"(?<![\w,])(?:{_ITEM}), (?:{_ITEM})(,?) (and|or) (?=\w)")
_BLOCK_START = re.compile(r"^(?:[#>=+*-]|\d+[.)]|```|~~~)")
"""What a line may not start with to stay a setext heading's title."""

_ATX = re.compile(r"^(#{1,2})[ \t]+(\S.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_SETEXT = re.compile(r"^([^\s#>|*+-][^\n]*)\n(=+|-+)[ \t]*$", re.MULTILINE)
_BULLET = re.compile(r"^( {0,3})([-*+]|\d{1,3}[.)])( +)(\S[^\n]*)$", re.MULTILINE)


def words(text: str) -> tuple[str, ...]:
    """Canonical words of `text`: lower case, Markdown and punctuation dropped, commas kept."""
    return tuple(_WORD.findall(text.lower()))


class PointKind(enum.StrEnum):
    """Which choice of wording or layout a point of a text is."""

    WORD = "word"
    """A synonym pair (`flaw` / `vulnerability`)."""
    DATE = "date"
    """An ISO date or the same date spelled out."""
    SERIAL = "serial"
    """With or without the serial comma."""
    BULLET = "bullet"
    """The bullet style of one list."""
    HEADING = "heading"
    """ATX or setext style of one heading."""


@dataclass(frozen=True, slots=True)
class ChoicePoint:
    """One binary choice in the original text and how to render and recognise each side."""

    kind: PointKind
    """Which choice it is."""
    spans: tuple[tuple[int, int], ...]
    """Character spans of the original that the choice rewrites."""
    renderings: tuple[tuple[str, ...], tuple[str, ...]]
    """Per bit, the replacement text of each span."""
    spoken: tuple[tuple[str, ...], tuple[str, ...]]
    """Per bit, the canonical words of the choice (word-level kinds); empty for layout."""
    keys: tuple[tuple[str, ...], ...] = ()
    """Layout kinds: canonical words of the lines that carry the choice (heading, list items)."""


def _cased(form: str, like: str) -> str:
    """`form` in the case pattern of `like` (all caps, capitalised or lower)."""
    if like.isupper() and len(like) > 1:
        return form.upper()
    if like[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def _sentence_start(text: str, start: int) -> bool:
    """Whether `start` begins a sentence or line (a capital there is not a proper name)."""
    before = text[:start].rstrip(" \t*_")
    return not before or before[-1] in ".!?:\n>-"


def _word_points(
    text: str, blocked: list[bool], synonyms: tuple[tuple[str, str, bool], ...] = SYNONYMS
) -> list[ChoicePoint]:
    """Synonyms, dates and serial commas outside protected regions."""
    found: list[ChoicePoint] = []
    for first, second, both in synonyms:
        for form in (first, second) if both else (first,):
            body = r"\s+".join(re.escape(part) for part in form.split(" "))
            for m in re.finditer(rf"(?<![\w.]){body}(?![\w])", text, re.IGNORECASE):
                like = m.group(0)
                if like[:1].isupper() and not _sentence_start(text, m.start()):
                    continue
                pair = (_cased(first, like), _cased(second, like))
                found.append(
                    ChoicePoint(
                        PointKind.WORD, (m.span(),), ((pair[0],), (pair[1],)), _spoken(pair)
                    )
                )
    for m in _ISO.finditer(text):
        year, month, day = m.groups()
        long = f"{MONTHS[int(month) - 1]} {int(day)}, {year}"
        found.append(
            ChoicePoint(
                PointKind.DATE, (m.span(),), ((m.group(0),), (long,)), _spoken((m.group(0), long))
            )
        )
    for m in _LONG.finditer(text):
        month_name, day, year = m.groups()
        iso = f"{year}-{MONTHS.index(month_name) + 1:02d}-{int(day):02d}"
        found.append(
            ChoicePoint(
                PointKind.DATE, (m.span(),), ((iso,), (m.group(0),)), _spoken((iso, m.group(0)))
            )
        )
    for m in _SERIAL.finditer(text):
        conj = m.group(2)
        pair = (f", {conj}", f" {conj}")
        found.append(
            ChoicePoint(
                PointKind.SERIAL, ((m.start(1), m.end(2)),), ((pair[0],), (pair[1],)), _spoken(pair)
            )
        )
    found.sort(key=lambda p: p.spans[0])
    kept: list[ChoicePoint] = []
    end = -1
    for point in found:
        start, stop = point.spans[0]
        if start >= end and not any(blocked[start:stop]):
            kept.append(point)
            end = stop
    return kept


def _spoken(pair: tuple[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return words(pair[0]), words(pair[1])


def _layout_points(text: str, fenced: list[bool], safe_headings: bool) -> list[ChoicePoint]:
    """Heading styles (levels 1-2) and one bullet style per list."""
    found: list[ChoicePoint] = []
    for m in _ATX.finditer(text):
        if fenced[m.start()]:
            continue
        level, title = len(m.group(1)), m.group(2)
        if safe_headings and _BLOCK_START.match(title):
            continue  # as a setext title it would read as another block (`## x`, `- x`)
        setext = f"{title}\n{'=-'[level - 1] * max(3, len(title))}"
        found.append(
            ChoicePoint(
                PointKind.HEADING,
                (m.span(),),
                ((m.group(0),), (setext,)),
                ((), ()),
                (words(title),),
            )
        )
    for m in _SETEXT.finditer(text):
        if fenced[m.start()] or (
            m.start() > 0 and text[max(0, m.start() - 2) : m.start()] != "\n\n"
        ):
            continue
        title, level = m.group(1).rstrip(), 1 if m.group(2)[0] == "=" else 2
        atx = f"{'#' * level} {title}"
        found.append(
            ChoicePoint(
                PointKind.HEADING, (m.span(),), ((atx,), (m.group(0),)), ((), ()), (words(title),)
            )
        )
    block: list[re.Match[str]] = []
    for m in _BULLET.finditer(text):
        if fenced[m.start()]:
            continue
        if block and (
            re.search(r"\n[ \t]*\n", text[block[-1].end() : m.start() + 1])
            or m.group(1) != block[0].group(1)
            or m.group(2)[0].isdigit() != block[0].group(2)[0].isdigit()
        ):
            found.append(_bullets(block))
            block = []
        block.append(m)
    if block:
        found.append(_bullets(block))
    return found


def _bullets(items: list[re.Match[str]]) -> ChoicePoint:
    """One choice for a whole list, so that a list never mixes styles: `-`/`*`, or `1.`/`1)`."""
    ordered = items[0].group(2)[0].isdigit()
    spans = tuple((m.end(2) - 1, m.end(2)) if ordered else m.span(2) for m in items)
    forms = (".", ")") if ordered else ("-", "*")
    return ChoicePoint(
        PointKind.BULLET,
        spans,
        ((forms[0],) * len(spans), (forms[1],) * len(spans)),
        ((), ()),
        tuple(words(m.group(4)) for m in items),
    )


@lru_cache(maxsize=64)
def choice_points(
    text: str,
    safe_headings: bool = True,
    synonyms: tuple[tuple[str, str, bool], ...] = SYNONYMS,
) -> tuple[ChoicePoint, ...]:
    """Every choice point of `text`, in document order; the same text always gives the same.

    `safe_headings=False` keeps scheme 1's headings whose setext form reads as another block
    (`# ## x`), so that copies marked before the fix still decode as they were marked;
    `synonyms` are the word pairs looked for (scheme 5 has its own, `natural`).
    """
    fenced = [False] * (len(text) + 1)
    for m in _FENCE.finditer(text):
        fenced[m.start() : m.end()] = [True] * (m.end() - m.start())
    blocked = list(fenced)
    for m in _PROTECT.finditer(text):
        blocked[m.start() : m.end()] = [True] * (m.end() - m.start())
    points = _word_points(text, blocked, synonyms) + _layout_points(text, fenced, safe_headings)
    points.sort(key=lambda p: p.spans[0])
    return tuple(points)
