"""Scheme 3's candidate edits: scheme 2's, finer, and the kinds it did not know.

Beside scheme 2's digits, header-name case, display orders and padding counts (`candidates`,
with every digit of an arbitrary number and the padding letter), scheme 3 proposes:

- a header value's coherent partner (`variants.header_value`: `Accept`, `Accept-Language`
  weights, `Connection`, `Content-Type` charset, `Accept-Encoding` order), where a literal is
  exactly the value a request sends for that header, and parts of a user agent with another
  form the same browser sends (`variants.agent_parts`: Windows 10 / 7, Ubuntu's token, the
  next Firefox ESR);
- the separators of a `json.dumps(…, separators=(",", ":"))` call, one bit each;
- the order of a run of statements that put entries into one list or dict (`statements`):
  cookie order, headers assigned one by one;
- behaviour constants by role (`roles`): timeouts, retry counts, pauses, read sizes, the indent
  of printed JSON, the count of a loop of requests, each between two values of its ladder.

As for scheme 2, nothing is trusted: `signatures` keeps an edit only when evaluating the copy
shows that it changes the requests (or the code's behaviour constants) the same way whatever the
other bits are.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

from forewarn.domain.wire import HttpRequest
from forewarn.marks.channels._python.agents import agent_partners
from forewarn.marks.channels._python.variants import SEPARATORS, agent_parts, header_value
from forewarn.marks.channels.wire.candidates import Candidate, Literal, Offsets, candidates
from forewarn.marks.channels.wire.choices6 import quote_safe
from forewarn.marks.channels.wire.roles import partner, role_sites
from forewarn.marks.channels.wire.statements import statement_orders


def candidates3(
    source: str,
    tree: ast.Module,
    requests: Sequence[HttpRequest],
    sending: Iterable[int],
    version: int = 3,
) -> list[Candidate]:
    """Every scheme-3 edit worth evaluating, in source order; `sending` are the lines of the
    calls that send a request (for the roles of loops). `version=5`: scheme 5's, whose user
    agents move only between real releases (`agents`) and whose times and zones stay;
    `version=6`: scheme 6's, which adds a Windows build's platform token and the `safe`
    characters of `quote` calls (`choices6`)."""
    offsets = Offsets(source)
    natural = version >= 5
    found: list[Candidate] = candidates(source, tree, requests, fine=True, natural=natural)
    literals = [e for e in found if isinstance(e, Literal)]
    extra: list[Literal] = [
        *_values(source, offsets, tree, requests, natural, version),
        *_separators(source, offsets, tree),
        *_roles(source, offsets, tree, sending),
        *(quote_safe(source, offsets, tree) if version >= 6 else ()),
    ]
    for edit in extra:
        if not any(_overlap(edit.span, other.span) for other in literals):
            literals.append(edit)
            found.append(edit)
    for order in statement_orders(source, tree):
        found.extend((order, k) for k in range(len(order.keys) - 1))
    found.sort(key=_position)
    return found


def _position(candidate: Candidate) -> tuple[int, int]:
    if isinstance(candidate, Literal):
        return candidate.span[0], 0
    return candidate[0].spans[0][0], candidate[1] + 1


def _overlap(first: tuple[int, int], second: tuple[int, int]) -> bool:
    return first[0] < second[1] and second[0] < first[1] or first == second


def _values(
    source: str,
    offsets: Offsets,
    tree: ast.Module,
    requests: Sequence[HttpRequest],
    natural: bool = False,
    version: int = 3,
) -> Iterable[Literal]:
    """A literal that is exactly what a request sends as a header's value, and its partner."""
    sent = {(name.lower(), value) for r in requests for name, value in r.headers}
    names = {name for name, _ in sent}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        span = offsets.span(node)
        if span is None or source[span[0] : span[1]] not in (f'"{node.value}"', f"'{node.value}'"):
            continue  # escapes, prefixes or implicit concatenation: not edited
        for name in sorted(names):
            other = header_value(name, node.value)
            if other is not None and (name, node.value) in sent and '"' not in other:
                yield Literal((span[0] + 1, span[1] - 1), (node.value, other), "value")
                break
        if ("user-agent", node.value) in sent:
            parts = agent_partners(node.value, version) if natural else agent_parts(node.value)
            for start, end, other in parts:
                at = span[0] + 1
                yield Literal((at + start, at + end), (node.value[start:end], other), "agent")


def _separators(source: str, offsets: Offsets, tree: ast.Module) -> Iterable[Literal]:
    """The two strings of `separators=(item, key)` in a `json.dumps` call."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node) in ("dumps", "dump")):
            continue
        for keyword in node.keywords:
            pair = keyword.value
            if keyword.arg != "separators" or not isinstance(pair, ast.Tuple):
                continue
            for element in pair.elts:
                if isinstance(element, ast.Constant) and element.value in SEPARATORS:
                    span = offsets.span(element)
                    text = element.value
                    if span is None or source[span[0] + 1 : span[1] - 1] != text:
                        continue
                    forms = (text, SEPARATORS[text])
                    yield Literal((span[0] + 1, span[1] - 1), forms, "separator")


def _roles(
    source: str, offsets: Offsets, tree: ast.Module, sending: Iterable[int]
) -> Iterable[Literal]:
    """The literal behind each behaviour constant, moved to its role's other value."""
    seen: set[tuple[int, int]] = set()
    for site in role_sites(tree, sending):
        if site.literal is None or not site.movable:
            continue
        other = partner(site.role, site.value)
        span = offsets.span(site.literal)
        if other is None or span is None or span in seen:
            continue
        text = source[span[0] : span[1]]
        spelt = _spelling(site.literal.value, other)
        if spelt is None or text != _spelling(site.literal.value, site.value):
            continue
        seen.add(span)
        yield Literal(span, (text, spelt), f"role:{site.role}")


def _spelling(like: object, value: float) -> str | None:
    """`value` spelt as the literal `like` is: an int as an int, a float as Python writes it."""
    if isinstance(like, float):
        return repr(float(value))
    if isinstance(like, int) and float(value).is_integer():
        return str(int(value))
    return None


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


__all__ = ["candidates3"]
