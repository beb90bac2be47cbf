"""A small matcher of Suricata HTTP rules over requests read from captures: not Suricata.

Suricata is not packaged where forewarn is built, so generated rules are checked by parsing
them with `suricataparser` and matching their `content` options against the sticky buffers of
requests the hunt reads from real captures (pcap, raw HTTP). This is forewarn's own model of
those buffers, not the engine: `http.uri` is the percent-decoded path and query, `http.header`
is every header as `Name: value` CRLF-terminated (the cookie included, as Suricata does),
`http.cookie` the cookie header's value, `http.user_agent`, `http.host`, `http.method`,
`http.request_body` and `http.uri.raw` as sent. Supported: `content` (with `!`), `nocase`,
`startswith`, `endswith`, `depth`, `offset`, `distance`, `within`, `bsize`, `fast_pattern`,
`flow` (requests are to the server). Anything else (`pcre`, legacy `http_uri` modifiers) is
refused, never guessed.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field

from suricataparser import parse_rule

from forewarn.domain.wire import HttpRequest
from forewarn.errors import ValidationError
from forewarn.exchange.rules.syntax import decode_content

BUFFERS = (
    "http.method",
    "http.uri",
    "http.uri.raw",
    "http.header",
    "http.cookie",
    "http.user_agent",
    "http.host",
    "http.request_body",
)
"""The sticky buffers this matcher fills from a request."""

_IGNORED = frozenset(
    {"msg", "reference", "classtype", "sid", "rev", "metadata", "priority", "gid", "flow"}
)
_NUMERIC = frozenset({"depth", "offset", "distance", "within"})


def buffers(request: HttpRequest) -> dict[str, bytes]:
    """The sticky buffers of one request, as this matcher models them."""
    query = "&".join(f"{k}={v}" for k, v in request.query)
    decoded = urllib.parse.unquote(request.path) + (f"?{query}" if request.query else "")
    raw = request.path + (f"?{urllib.parse.urlencode(request.query)}" if request.query else "")
    cookie = "; ".join(v for n, v in request.headers if n.lower() == "cookie")
    return {
        "http.method": request.method.encode(),
        "http.uri": decoded.encode("utf-8", "surrogateescape"),
        "http.uri.raw": raw.encode("utf-8", "surrogateescape"),
        "http.header": "".join(f"{n}: {v}\r\n" for n, v in request.headers).encode(
            "utf-8", "surrogateescape"
        ),
        "http.cookie": cookie.encode("utf-8", "surrogateescape"),
        "http.user_agent": (request.header("user-agent") or "").encode("utf-8", "surrogateescape"),
        "http.host": (request.host or request.header("host") or "").encode(
            "utf-8", "surrogateescape"
        ),
        "http.request_body": request.body,
    }


@dataclass(slots=True)
class _Content:
    buffer: str
    pattern: bytes
    negated: bool
    nocase: bool = False
    startswith: bool = False
    endswith: bool = False
    numbers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule reduced to what this matcher checks."""

    sid: int
    """The rule's `sid`."""
    msg: str
    """Its message, for reports."""
    contents: tuple[_Content, ...]
    """Content matches in rule order, each with its buffer."""
    sizes: tuple[tuple[str, int], ...]
    """`bsize` checks: buffer, exact size."""


def compile_rule(line: str) -> CompiledRule:
    """Parse one rule line; a keyword this matcher does not model is a `ValidationError`."""
    parsed = parse_rule(line)
    if parsed is None or parsed.sid is None:
        raise ValidationError(f"not a Suricata rule with a sid: {line[:80]!r}")
    buffer: str | None = None
    contents: list[_Content] = []
    sizes: list[tuple[str, int]] = []
    for option in parsed.options:
        name, value = option.name, option.value
        if name in _IGNORED:
            continue
        if name in BUFFERS:
            buffer = name
        elif name == "content":
            if buffer is None:
                raise ValidationError(f"sid {parsed.sid}: content outside a sticky buffer")
            pattern, negated = decode_content(str(value))
            contents.append(_Content(buffer, pattern, negated))
        elif name in ("nocase", "startswith", "endswith") and contents:
            setattr(contents[-1], name, True)
        elif name in _NUMERIC and contents:
            contents[-1].numbers[name] = int(str(value))
        elif name == "fast_pattern":
            continue
        elif name == "bsize" and buffer is not None:
            sizes.append((buffer, int(str(value))))
        else:
            raise ValidationError(f"sid {parsed.sid}: {name!r} is not modelled by this matcher")
    return CompiledRule(int(parsed.sid), str(parsed.msg or ""), tuple(contents), tuple(sizes))


def _find(content: _Content, data: bytes, cursor: int | None) -> int | None:
    """End offset of the first occurrence satisfying `content`'s modifiers, or `None`."""
    pattern = content.pattern.lower() if content.nocase else content.pattern
    hay = data.lower() if content.nocase else data
    numbers = content.numbers
    relative = "distance" in numbers or "within" in numbers
    start = (cursor or 0) + numbers.get("distance", 0) if relative else numbers.get("offset", 0)
    limit = len(hay)
    if relative and "within" in numbers:
        limit = min(limit, start + numbers["within"])
    elif not relative and "depth" in numbers:
        limit = min(limit, start + numbers["depth"])
    if content.startswith:
        return len(pattern) if hay.startswith(pattern) else None
    at = hay.find(pattern, max(0, start), limit)
    while at >= 0:
        end = at + len(pattern)
        if not content.endswith or end == len(hay):
            return end
        at = hay.find(pattern, at + 1, limit)
    return None


def matches(rule: CompiledRule, request: HttpRequest) -> bool:
    """Whether every content of `rule` holds in `request`'s buffers."""
    data = buffers(request)
    for name, size in rule.sizes:
        if len(data[name]) != size:
            return False
    cursors: dict[str, int] = {}
    for content in rule.contents:
        found = _find(content, data[content.buffer], cursors.get(content.buffer))
        if content.negated:
            if found is not None:
                return False
            continue
        if found is None:
            return False
        cursors[content.buffer] = found
    return True


def compile_file(text: str) -> tuple[CompiledRule, ...]:
    """Every enabled rule of a rule file, compiled (comments and blank lines skipped)."""
    rules = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            rules.append(compile_rule(stripped))
    return tuple(rules)


def alerts(rules: Sequence[CompiledRule], requests: Sequence[HttpRequest]) -> list[tuple[int, int]]:
    """`(request index, sid)` for every rule that matches each request."""
    return [(k, r.sid) for k, request in enumerate(requests) for r in rules if matches(r, request)]


__all__ = [
    "BUFFERS",
    "CompiledRule",
    "alerts",
    "buffers",
    "compile_file",
    "compile_rule",
    "matches",
]
