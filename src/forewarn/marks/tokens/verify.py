"""Checking candidates: a string of a token's shape is a token only if it opens under the key.

`TokenVerifier` is what the hunt ships to its workers: the token key (not the marks secret), the
program's domains, a directory of scopes (each released (case, artifact) and its recipients'
names, by hint) and, only for cases released under schemes 1 to 3, their recomputed legacy
tokens. It gives the scanner its shapes (`expressions`) and confirms each match (`verify`):
decode the family, open the body, look the hints up, recompute the tag. A candidate that fails
anywhere is dropped (fail closed), and the cost per candidate does not depend on how many
partners there are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from forewarn.domain import TokenHit
from forewarn.marks.tokens import legacy, sealed
from forewarn.marks.tokens.carriers import SLOTS_OF, variants
from forewarn.marks.tokens.families import AWS, GITHUB, HOST, JWT, UUID, Family, host_scan

_FIXED = (AWS, GITHUB, JWT, UUID)


@dataclass(slots=True)
class _Scope:
    case: str
    artifact: str
    partners: dict[int, list[str]] = field(default_factory=dict)


class TokenVerifier:
    """The shapes to scan for and the check of every match; picklable, holds no marks secret."""

    def __init__(self, key: bytes, domains: Iterable[str] = ()) -> None:
        self._key = key
        self._opener = sealed.Opener(key)
        self._domains: tuple[str, ...] = ()
        self._scopes: dict[int, list[_Scope]] = {}
        self._legacy: dict[str, TokenHit] = {}
        self._cached: list[tuple[Family | int, bytes, bool, int]] | None = None
        self.add_domains(domains)

    def add_domains(self, domains: Iterable[str]) -> None:
        """Host tokens under these domains are looked for too."""
        self._domains = tuple(sorted({*self._domains, *(d.lower() for d in domains)}))
        self._cached = None

    def add_scope(self, case_id: str, artifact: str, partners: Iterable[str]) -> None:
        """Tokens of these partners' copies of `artifact` in `case_id` (scheme 4 on) verify."""
        hint = sealed.scope_hint(self._key, case_id, artifact)
        self._cached = None
        scopes = self._scopes.setdefault(hint, [])
        scope = next((s for s in scopes if (s.case, s.artifact) == (case_id, artifact)), None)
        if scope is None:
            scope = _Scope(case_id, artifact)
            scopes.append(scope)
        for partner in partners:
            names = scope.partners.setdefault(sealed.partner_hint(self._key, partner), [])
            if partner not in names:
                names.append(partner)

    def add_legacy(self, table: Mapping[str, TokenHit]) -> None:
        """Recomputed tokens of a case released under schemes 1 to 3 (`legacy.all_tokens`)."""
        self._legacy.update(table)
        self._cached = None

    @property
    def empty(self) -> bool:
        """Whether nothing could verify (no scope, no legacy token)."""
        return not self._scopes and not self._legacy

    def __getstate__(self) -> dict[str, object]:
        """Shipped to hunt workers without the cached shape list: each rebuilds its own."""
        state = dict(self.__dict__)
        state["_cached"] = None
        return state

    def _kinds(self) -> list[tuple[Family | int, bytes, bool, int]]:
        if self._cached is not None:
            return self._cached
        kinds: list[tuple[Family | int, bytes, bool, int]] = []
        if self._scopes:
            kinds += [(f, f.scan.encode(), f.caseless, f.longest) for f in _FIXED]
            if self._domains:
                longest = HOST.length + 1 + max(len(d) for d in self._domains)
                kinds.append((HOST, host_scan(self._domains).encode(), True, longest))
        if self._legacy:
            kinds += [(i, shape, True, size) for i, (shape, size) in enumerate(legacy.SHAPES)]
        self._cached = kinds
        return kinds

    @property
    def expressions(self) -> tuple[tuple[bytes, bool], ...]:
        """The shapes to scan for: `(regular expression, case-blind)`, indexed by `verify`."""
        return tuple((shape, caseless) for _, shape, caseless, _ in self._kinds())

    @property
    def longest(self) -> int:
        """Longest match of any shape (what a scanner keeps between chunks)."""
        return max((size for *_, size in self._kinds()), default=1)

    def verify(self, index: int, window: bytes, end: int) -> tuple[int, TokenHit] | None:
        """The token whose shape `index` matched, ending at `end` in `window`, if it is one:
        its start and its record; `None` for anything the key did not make."""
        kind = self._kinds()[index][0]
        if isinstance(kind, int):
            return self._verify_legacy(kind, window, end)
        suffix = 0
        if kind.name == HOST.name:  # by name: a pickled verifier holds copies of the families
            suffix = self._domain_suffix(window, end)
            if suffix == 0:
                return None
        located = kind.locate(window, end, suffix)
        if located is None:
            return None
        start, text = located
        body = kind.decode(text[: len(text) - suffix] if suffix else text)
        if body is None:
            return None
        owner = self._owner(kind, body)
        if owner is None:
            return None
        case, artifact, partner = owner
        return start, TokenHit(kind.canonical(text), partner, artifact, case=case)

    def _domain_suffix(self, window: bytes, end: int) -> int:
        tail = window[max(0, end - 256) : end].lower()
        for domain in self._domains:
            if tail.endswith(b"." + domain.encode()):
                return len(domain) + 1
        return 0

    def _owner(self, family: Family, body: int) -> tuple[str, str, str] | None:
        tag, scope_hint, partner_hint = self._opener.open(family.name, body)
        for scope in self._scopes.get(scope_hint, ()):
            for partner in scope.partners.get(partner_hint, ()):
                for slot in (v for s in SLOTS_OF[family.name] for v in variants(s)):
                    if sealed.verify_tag(
                        self._key,
                        tag,
                        family.name,
                        slot,
                        family.bits,
                        scope.case,
                        scope.artifact,
                        partner,
                    ):
                        return scope.case, scope.artifact, partner
        return None

    def _verify_legacy(self, which: int, window: bytes, end: int) -> tuple[int, TokenHit] | None:
        start = end - legacy.SHAPES[which][1]
        if start < 0:
            return None
        token = legacy.canonical(window[start:end].decode("ascii", "replace"))
        hit = self._legacy.get(token)
        return None if hit is None else (start, hit)

    def find(self, text: str) -> tuple[TokenHit, ...]:
        """Every token in `text` that verifies, once each, in a stable order (Python `re`)."""
        data = text.encode("utf-8", "replace")
        found: dict[str, TokenHit] = {}
        for index, (shape, caseless) in enumerate(self.expressions):
            pattern = re.compile(shape, re.IGNORECASE if caseless else 0)
            for match in pattern.finditer(data):
                checked = self.verify(index, data, match.end())
                if checked is not None:
                    found.setdefault(checked[1].token, checked[1])
        return tuple(found[t] for t in sorted(found))


__all__ = ["TokenVerifier"]
