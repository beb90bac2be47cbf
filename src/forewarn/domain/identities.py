"""Partner names that cannot be forged: one normal form, no invisible characters, no lookalikes.

An accusation report names a partner. If "Northwind Labs" and "Nοrthwind Labs" (a Greek omicron)
or "Northwind\u200bLabs" (a zero-width space) could both be partners, a report could name one while
a reader sees the other. So a name is NFKC-normalised, characters that draw nothing or reorder text
(Unicode format and control characters: zero-width spaces, bidi overrides) are refused, a name
mixing Latin letters with lookalikes from another script is refused, and a new name whose
*skeleton* equals an existing partner's is refused. The skeleton folds case, spacing and every
character that Unicode's confusables data (UTS #39, as shipped by `confusable-homoglyphs`) maps
to a Latin lookalike.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import categories, confusables

from forewarn.errors import ValidationError

_REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
"""Control, format (zero-width, bidi), private-use, surrogate, unassigned, line/paragraph breaks."""


def normal_form(value: str) -> str:
    """`value` in NFKC with runs of spaces collapsed: how names are stored and looked up."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def normal_name(value: str, what: str = "partner name") -> str:
    """`normal_form(value)`; a name with invisible characters or mixed lookalikes is refused."""
    name = normal_form(value)
    for character in unicodedata.normalize("NFKC", value).strip(" "):
        if unicodedata.category(character) in _REFUSED_CATEGORIES:
            raise ValidationError(
                f"{what} {_escaped(name)} contains an invisible or control character "
                f"(U+{ord(character):04X})",
                hint="type the name in plain characters",
            )
    if _latin_with_lookalikes(name):
        raise ValidationError(
            f"{what} {_escaped(name)} mixes Latin letters with lookalikes from another script",
            hint="write the name in one script",
        )
    return name


def _latin_with_lookalikes(name: str) -> bool:
    """Latin letters beside letters of another script that look Latin: the spoofer's mix."""
    letters = [c for c in name if c.isalpha()]
    if not any(categories.alias(c) == "LATIN" for c in letters):
        return False
    return any(
        categories.alias(c) != "LATIN" and _latin_lookalike(c.casefold()) != c.casefold()
        for c in letters
    )


def skeleton(name: str) -> str:
    """What `name` looks like: lookalikes mapped to Latin (`0`→`O`), spaces gone, case folded."""
    normal = unicodedata.normalize("NFKC", name)
    return "".join(_latin_lookalike(c) for c in normal if not c.isspace()).casefold()


@lru_cache(maxsize=4096)
def _latin_lookalike(character: str) -> str:
    if character.isascii() and character.isalpha():
        return character
    found = confusables.is_confusable(character, greedy=True, preferred_aliases=["latin"])
    if not found:
        return character
    glyphs = [g["c"] for g in found[0]["homoglyphs"] if g["c"].isascii()]
    return glyphs[0] if glyphs else character


def _escaped(name: str) -> str:
    """`name` quoted with anything unprintable shown as an escape, safe for a terminal."""
    return repr(name)
