"""Where a copy carries its tokens (scheme 4 on), each in a place such a value belongs.

A Python PoC gets a block of configuration constants after its docstring and `__future__`
imports (where they cannot change behaviour): an AWS key id, a GitHub token, a session JWT, a
request id and, when the program configures domains, a callback URL whose host label and path
are two more tokens. An advisory or detection text closes with a `Document ID:` line and, with a
domain, an `Updates:` link; a rule file carries the document id as every rule's `tracking_id`.
Every copy of an artifact carries the same names in the same places: only the values differ.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from forewarn.domain import ArtifactKind
from forewarn.marks.channels.rules import plant_reference
from forewarn.marks.tokens import sealed
from forewarn.marks.tokens.families import FAMILIES, Family
from forewarn.marks.tokens.legacy import python_insertion_line

SLOTS: dict[str, str] = {
    "key": "aws",
    "token": "github",
    "session": "jwt",
    "id": "uuid",
    "host": "host",
    "path": "uuid",
}
"""Slot → family: which of a copy's tokens, in which format."""
SLOTS_OF: dict[str, tuple[str, ...]] = {
    name: tuple(slot for slot, family in SLOTS.items() if family == name) for name in FAMILIES
}
"""Family → the slots that use it (what a candidate of the family may be)."""
_PYTHON = (
    ("AWS_ACCESS_KEY_ID", "key"),
    ("GITHUB_TOKEN", "token"),
    ("SESSION_TOKEN", "session"),
    ("REQUEST_ID", "id"),
)
_LINKED = frozenset({"host", "path"})
VARIANTS = 8
"""Tags a slot may be sealed under (`slot`, `slot~1`, …): a body whose text happens to spell a
word of the product's own is sealed again under the next, so no token ever shows one."""
_PRODUCT_WORDS = re.compile(r"canary|forewarn|fwr", re.IGNORECASE)


def variants(slot: str) -> tuple[str, ...]:
    """The names a slot's tag may be computed under, in the order they are tried."""
    return (slot, *(f"{slot}~{k}" for k in range(1, VARIANTS)))


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of one partner's copy of one artifact, by slot."""

    values: Mapping[str, str]
    """Slot → token (`host` is the label; `url` joins it to its domain)."""
    domain: str | None
    """The configured domain its host is under, or `None` when the program has none."""

    def url(self) -> str | None:
        """The link the host and path tokens make, when the program configures a domain."""
        if self.domain is None:
            return None
        return f"https://{self.values['host']}.{self.domain}/{self.values['path']}"

    def shown(self, slot: str) -> str:
        """The token as a scanner finds it (a host with its domain)."""
        value = self.values[slot]
        return f"{value}.{self.domain}" if slot == "host" else value


def token_values(
    key: bytes, case_id: str, artifact: str, partner: str, domains: tuple[str, ...]
) -> Tokens:
    """Every slot's token for `partner`'s copy of `artifact` (host and path only with domains)."""
    values: dict[str, str] = {}
    for slot, family_name in SLOTS.items():
        if slot in _LINKED and not domains:
            continue
        family: Family = FAMILIES[family_name]
        for name in variants(slot):
            body = sealed.seal(key, family.name, name, family.bits, case_id, artifact, partner)
            values[slot] = family.encode(body)
            if not _PRODUCT_WORDS.search(values[slot]):
                break
    domain = None
    if domains:
        pick = sealed.scope_hint(key, case_id, artifact) ^ sealed.partner_hint(key, partner)
        domain = domains[pick % len(domains)]
    return Tokens(values, domain)


def plant(content: str, kind: ArtifactKind, tokens: Tokens) -> tuple[str, tuple[str, ...]]:
    """`content` with the tokens planted, and the tokens planted (as a scanner finds them)."""
    if kind is ArtifactKind.POC:
        return _plant_python(content, tokens)
    if kind is ArtifactKind.RULES:
        planted, done = plant_reference(content, tokens.values["id"])
        return planted, (tokens.values["id"],) if done else ()
    lines = [f"Document ID: {tokens.values['id']}"]
    shown = [tokens.values["id"]]
    url = tokens.url()
    if url is not None:
        lines.append(f"Updates: {url}")
        shown += [tokens.shown("host"), tokens.values["path"]]
    return content.rstrip() + "\n\n" + "\n".join(lines) + "\n", tuple(shown)


def _plant_python(content: str, tokens: Tokens) -> tuple[str, tuple[str, ...]]:
    line = python_insertion_line(content)
    if line is None:
        return content, ()
    lines = content.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    added = [f'{name} = "{tokens.values[slot]}"\n' for name, slot in _PYTHON]
    shown = [tokens.values[slot] for _, slot in _PYTHON]
    url = tokens.url()
    if url is not None:
        added.append(f'CALLBACK_URL = "{url}"\n')
        shown += [tokens.shown("host"), tokens.values["path"]]
    spacer = ["\n"] if line > 0 else []
    body = lines[line:]
    if body and body[0].strip():
        body = ["\n", *body]
    return "".join([*lines[:line], *spacer, *added, *body]), tuple(shown)


__all__ = ["SLOTS", "SLOTS_OF", "VARIANTS", "Tokens", "plant", "token_values", "variants"]
