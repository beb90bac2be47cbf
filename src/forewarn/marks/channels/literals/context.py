"""Where a literal sits: the header API it is handed to, the map it keys, the flag before it.

Read from the tree without knowing the grammar's rules in detail: a call is any node whose type
says `call` or `invocation` with an `argument…` child, a map entry is a `pair` (JavaScript) or a
`hash_entry` (PowerShell), a flag is the `-X` word or `-Param` just before the literal. That is
enough to tell `setRequestHeader("X-Id", …)`, `-Headers @{ "X-Id" = … }` and `curl -H "…"`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

HEADER_APIS = frozenset(
    {
        "setRequestHeader",
        "setHeader",
        "addHeader",
        "header",
        "setRequestProperty",
        "addRequestProperty",
    }
)
"""Calls whose first argument is a header name whatever the receiver."""

HEADER_COLLECTION_APIS = frozenset({"set", "append", "add", "Add", "TryAddWithoutValidation"})
"""Calls whose first argument is a header name when the receiver says `header`."""

HEADER_FLAGS = frozenset({"-H", "--header", "-Header"})
"""Command-line flags whose argument is a `Name: value` header line (curl, wget)."""

AGENT_FLAGS = frozenset({"-A", "--user-agent", "-UserAgent", "-U"})
"""Flags whose argument is a user agent (curl, wget, `Invoke-WebRequest`)."""

_CALLEE = re.compile(r"([A-Za-z_]\w*)\s*(?:<[^<>]*>)?\s*$")
_LIFT = 32
"""Wrapper nodes climbed from a literal to its call or map (PowerShell nests a dozen deep)."""


@dataclass(frozen=True, slots=True)
class Context:
    """What the code around a literal says it is."""

    api: str | None = None
    """Name of the call the literal is an argument of (`setRequestHeader`), if any."""
    receiver: str = ""
    """Source text of the callee before its name (`xhr.`, `client.DefaultRequestHeaders.`)."""
    argument: int = -1
    """Index of the literal among the call's arguments."""
    partner_start: int = -1
    """Byte offset of the other argument (0 ↔ 1) or of the map value / key, if any."""
    map_key: bool = False
    """The literal is the key of a map entry (object pair, PowerShell hash entry)."""
    map_value: bool = False
    """The literal is the value of a map entry."""
    flag: str = ""
    """The `-X` flag or `-Param` just before the literal, if any."""

    @property
    def header_api(self) -> bool:
        """The call sets a header: its first argument is a header name."""
        if self.api in HEADER_APIS:
            return True
        return self.api in HEADER_COLLECTION_APIS and "header" in self.receiver.lower()


def _lifted(node: Node) -> tuple[list[Node], Node | None]:
    """`node` with the ancestors that span exactly its bytes, and the first one that does not."""
    wrappers = [node]
    parent = node.parent
    while parent is not None and len(wrappers) < _LIFT:
        if (parent.start_byte, parent.end_byte) != (node.start_byte, node.end_byte):
            return wrappers, parent
        wrappers.append(parent)
        parent = parent.parent
    return wrappers, parent


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def _first_literal_start(node: Node | None) -> int:
    """Byte offset of the first string-like leaf under `node`, or -1."""
    while node is not None:
        if "string" in node.type or node.type == "word":
            return node.start_byte
        node = node.named_children[0] if node.named_children else None
    return -1


def context_of(node: Node) -> Context:
    """The context of the literal `node`."""
    wrappers, container = _lifted(node)
    chain = [*wrappers, container] if container is not None else wrappers
    for inner, outer in zip(chain, chain[1:], strict=False):
        if "argument" in outer.type and outer.parent is not None:
            call = outer.parent
            if "call" in call.type or "invocation" in call.type:
                args = [c for c in outer.named_children if c.type != "comment"]
                index = next(
                    (
                        k
                        for k, a in enumerate(args)
                        if a.start_byte <= inner.start_byte < a.end_byte
                    ),
                    -1,
                )
                callee = _text(call)[: outer.start_byte - call.start_byte]
                found = _CALLEE.search(callee)
                other = 1 - index if index in (0, 1) and len(args) > 1 else -1
                return Context(
                    api=found.group(1) if found else None,
                    receiver=callee[: found.start()] if found else callee,
                    argument=index,
                    partner_start=_first_literal_start(args[other]) if other >= 0 else -1,
                )
        if outer.type in ("pair", "hash_entry"):
            entry = outer.named_children
            if len(entry) >= 2:
                is_key = entry[0].start_byte <= inner.start_byte < entry[0].end_byte
                counterpart = entry[1] if is_key else entry[0]
                return Context(
                    partner_start=_first_literal_start(counterpart),
                    map_key=is_key,
                    map_value=not is_key,
                )
    for candidate in wrappers:
        previous = candidate.prev_named_sibling
        while previous is not None and previous.type == "command_argument_sep":
            previous = previous.prev_named_sibling
        if previous is not None:
            said = _text(previous)
            return Context(flag=said) if said.startswith("-") else Context()
    return Context()
