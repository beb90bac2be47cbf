"""Tokens of marking schemes 1 to 3, kept so that cases released under them still trace.

Each (case, artifact, partner) gets a reference id (`FWR-7K3Q-9XM2-4HPA`, 60 bits), a host name
(`edge-7k3q9xm24h.canary.invalid`, 50 bits in the label) and a URL path (`/r/7k3q9xm24hpa`, 60
bits), all HMAC-derived. Advisory and detection text carry the reference id on a closing
"Partner reference" line; a rule file carries it as a `tracking_id` entry in every rule's
metadata (a value a rule writer keeps: it reads as an internal ticket id); a Python PoC carries
the reference id and a callback URL as two unused module-level constants, inserted after the
docstring and `__future__` imports, where they cannot change behaviour. Finding any of them
names the partner: an innocent's token appears by chance with probability about `2^-50` per
token. These tokens announce themselves (a fixed prefix, a `.invalid` host): scheme 4 replaced
them (`carriers`, `sealed`); the hunt recomputes them for old cases instead of storing them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from forewarn.domain import ArtifactKind, TokenHit
from forewarn.marks.channels.rules import plant_reference
from forewarn.marks.keyed import derive_key
from forewarn.marks.wire.syntax import parse_python

TOKEN_BITS = 50
"""Fewest secret bits in any token; a chance hit on an innocent's token has odds `2^-TOKEN_BITS`."""

LEGACY_DOMAIN = "canary.invalid"
"""Domain of the host names schemes 1 to 3 planted."""

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_REFERENCE = re.compile(r"\bFWR-([0-9A-Z]{4})-([0-9A-Z]{4})-([0-9A-Z]{4})\b", re.IGNORECASE)
_HOST = re.compile(r"\bedge-[0-9a-z]{10}\b", re.IGNORECASE)
_PATH = re.compile(r"/r/[0-9a-z]{13}\b", re.IGNORECASE)
LEGACY_PATTERNS = (_REFERENCE, _HOST, _PATH)
"""Shapes of every legacy token kind (case-insensitive)."""
SHAPES = (
    (rb"\bFWR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", 18),
    (rb"\bedge-[0-9a-z]{10}\b", 15),
    (rb"/r/[0-9a-z]{13}\b", 16),
)
"""The same shapes for the hunt's scanner (case-blind, no look-around), with their lengths."""


def canonical(token: str) -> str:
    """A legacy token as `token_set` spells it (references upper case, the rest lower)."""
    if token[:4].upper() == "FWR-":
        return token.upper().translate(_CONFUSABLE)
    return token.lower()


_LOWER_PATTERNS = (
    re.compile(r"fwr-(?<![0-9a-z_]fwr-)([0-9a-z]{4})-([0-9a-z]{4})-([0-9a-z]{4})\b"),
    re.compile(r"edge-(?<![0-9a-z_]edge-)[0-9a-z]{10}\b"),
    re.compile(r"/r/[0-9a-z]{13}\b"),
)
"""The same shapes over lower-cased ASCII text, each starting with a literal so that `re` skips
ahead fast (the word boundary before it is a lookbehind after it)."""


def _base32(key: bytes, chars: int) -> str:
    """`chars` Crockford base-32 characters from the leading bits of `key`."""
    value = int.from_bytes(key, "big") >> (len(key) * 8 - 5 * chars)
    return "".join(_CROCKFORD[(value >> (5 * (chars - 1 - k))) & 31] for k in range(chars))


@dataclass(frozen=True, slots=True)
class TokenSet:
    """The canary tokens of one partner's copy of one artifact."""

    reference: str
    """Reference id such as `FWR-7K3Q-9XM2-4HPA`."""
    host: str
    """Host label such as `edge-7k3q9xm24h` (the domain is appended where it is planted)."""
    path: str
    """URL path such as `/r/7k3q9xm24hpa1`."""

    def all(self) -> tuple[str, ...]:
        """Every token, in the form the scanner looks for."""
        return (self.reference, self.host, self.path)


def token_set(secret: bytes, case_id: str, artifact: str, partner: str) -> TokenSet:
    """The tokens of `partner`'s copy of `artifact` in `case_id`."""
    ref = _base32(derive_key(secret, "token-reference", case_id, artifact, partner), 12)
    host = _base32(derive_key(secret, "token-host", case_id, artifact, partner), 10).lower()
    path = _base32(derive_key(secret, "token-path", case_id, artifact, partner), 13).lower()
    return TokenSet(
        reference=f"FWR-{ref[:4]}-{ref[4:8]}-{ref[8:]}", host=f"edge-{host}", path=f"/r/{path}"
    )


def all_tokens(
    secret: bytes, case_id: str, artifacts: Iterable[str], partners: Iterable[str]
) -> dict[str, TokenHit]:
    """Every token of the case, mapped to the hit it would make; feeds the hunt's scanner."""
    table: dict[str, TokenHit] = {}
    for artifact in artifacts:
        for partner in partners:
            for token in token_set(secret, case_id, artifact, partner).all():
                table[token] = TokenHit(token, partner, artifact, case=case_id)
    return table


def python_insertion_line(source: str) -> int | None:
    """Line index after the module docstring and `__future__` imports; `None` if not Python.

    Not after the other imports: the Python source channel treats a run of module-level
    constants as one unit, and a canary joining that run would erase its choice points.
    """
    try:
        tree = parse_python(source)
    except (SyntaxError, ValueError):
        return None
    line = 0
    for index, node in enumerate(tree.body):
        docstring = (
            index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        )
        future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not docstring and not future:
            break
        line = node.end_lineno or node.lineno
    return line


def plant(
    content: str, kind: ArtifactKind, tokens: TokenSet, domain: str = LEGACY_DOMAIN
) -> tuple[str, tuple[str, ...]]:
    """`content` with the tokens planted, and the tokens actually planted."""
    if kind is ArtifactKind.POC:
        line = python_insertion_line(content)
        if line is None:
            return content, ()
        lines = content.splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        added = [
            f'BUILD_REFERENCE = "{tokens.reference}"\n',
            f'DEFAULT_CALLBACK = "http://{tokens.host}.{domain}{tokens.path}"\n',
        ]
        spacer = ["\n"] if line > 0 else []
        body = lines[line:]
        if body and body[0].strip():
            body = ["\n", *body]
        return "".join([*lines[:line], *spacer, *added, *body]), tokens.all()
    if kind is ArtifactKind.RULES:
        planted, done = plant_reference(content, tokens.reference)
        return planted, (tokens.reference,) if done else ()
    text = content.rstrip()
    return f"{text}\n\nPartner reference: {tokens.reference}\n", (tokens.reference,)


def candidates(suspect: str) -> set[str]:
    """Every substring of `suspect` shaped like a token, normalised as tokens are generated.

    ASCII text (nearly every log) is lower-cased once and searched case-sensitively: the same
    matches, several times faster on megabytes than the case-insensitive patterns.
    """
    if suspect.isascii():
        lowered = suspect.lower()
        reference, host, path = _LOWER_PATTERNS
        found = {
            "FWR-" + "-".join(m.groups()).upper().translate(_CONFUSABLE)
            for m in reference.finditer(lowered)
        }
        found |= {m.group(0) for m in host.finditer(lowered)}
        found |= {m.group(0) for m in path.finditer(lowered)}
        return found
    return _candidates_any(suspect)


def _candidates_any(suspect: str) -> set[str]:
    """`candidates` for any text, with the case-insensitive patterns."""
    found = {
        "FWR-" + "-".join(m.groups()).upper().translate(_CONFUSABLE)
        for m in _REFERENCE.finditer(suspect)
    }
    found |= {m.group(0).lower() for m in _HOST.finditer(suspect)}
    found |= {m.group(0).lower() for m in _PATH.finditer(suspect)}
    return found


def find(suspect: str, table: Mapping[str, TokenHit]) -> tuple[TokenHit, ...]:
    """The planted tokens `suspect` contains, exactly, in a stable order."""
    return tuple(table[token] for token in sorted(candidates(suspect)) if token in table)


def chance_bound(table_size: int, hits: Sequence[TokenHit]) -> float:
    """Bound on the chance that the hits are coincidences: `table_size · 2^-TOKEN_BITS`."""
    return min(1.0, table_size * 2.0**-TOKEN_BITS) if hits else 1.0
