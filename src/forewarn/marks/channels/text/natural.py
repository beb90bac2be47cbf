"""Scheme 5's choice of text kinds: only those whose both forms writers use.

Fixed here (not read from the table at run time, so a copy decodes the same everywhere); a test
checks that each is kept by the shipped naturalness table (`forewarn.marks.naturalness`).
Scheme 5 also looks for word pairs scheme 1-3 did not know (`EXTRA_SYNONYMS`), measured the
same way.
"""

from __future__ import annotations

from forewarn.marks.channels.text.points import SYNONYMS, ChoicePoint, PointKind

EXTRA_SYNONYMS: tuple[tuple[str, str, bool], ...] = (
    ("for example", "for instance", True),
    ("make sure", "ensure", True),
    ("instead of", "rather than", True),
    ("several", "multiple", True),
    ("modify", "change", False),
    ("remove", "delete", True),
    ("additional", "extra", True),
    ("begins", "starts", True),
    ("called", "invoked", False),
    ("currently", "at present", True),
    ("necessary", "required", True),
    ("receives", "gets", False),
    ("returns", "gives back", True),
    ("because", "since", False),
    ("such as", "like", False),
    ("do not", "don't", True),
    ("is not", "isn't", True),
    ("cannot", "can't", True),
    ("may", "might", True),
    ("harmless", "safe", False),
)
"""Candidate word pairs for scheme 5, in the form of `points.SYNONYMS`; the table decides."""

ALL_SYNONYMS: tuple[tuple[str, str, bool], ...] = SYNONYMS + EXTRA_SYNONYMS
"""Every word pair measured."""

NATURAL_KINDS: frozenset[str] = frozenset(
    {
        "bullet",
        "heading",
        "numbering",
        "serial",
        "word:additional/extra",
        "word:allowed/permitted",
        "word:at once/immediately",
        "word:because/since",
        "word:begins/starts",
        "word:chosen/selected",
        "word:confirm/verify",
        "word:contains/includes",
        "word:cannot/can't",
        "word:describe/discuss",
        "word:do not/don't",
        "word:e.g./for example",
        "word:execute/run",
        "word:for example/for instance",
        "word:i.e./that is",
        "word:harmless/safe",
        "word:inside/within",
        "word:is not/isn't",
        "word:instead of/rather than",
        "word:look for/search for",
        "word:make sure/ensure",
        "word:may/might",
        "word:modify/change",
        "word:necessary/required",
        "word:needs/requires",
        "word:obtain/gain",
        "word:receives/gets",
        "word:remove/delete",
        "word:several/multiple",
        "word:simple/basic",
        "word:starting/spawning",
        "word:such as/like",
        "word:therefore/thus",
        "word:typically/usually",
        "word:via/through",
    }
)
"""The text kinds scheme 5 marks with (`kind_name` of a point), each kept by the table."""


ADVISORY_VOCABULARY: frozenset[str] = frozenset(
    {
        "word:affected/impacted",
        "word:attacker/adversary",
        "word:attackers/adversaries",
        "word:harmless/benign",
        "word:specially crafted/crafted",
        "word:vulnerabilities/flaws",
        "word:vulnerability/flaw",
    }
)
"""Security wording the reference corpus cannot judge: the standard library holds fewer than
`naturalness.MIN_COUNT` of them (it does not write advisories), so the table says "< 20 seen",
not "rare". Both forms of each are the house wording of major vendors' published advisories
(`vulnerability` / `flaw`, `attacker` / `adversary`, `crafted` with or without `specially`), so
scheme 5 keeps them, listed here by name, not by measurement; a test checks that the table
indeed cannot judge each one (were a corpus to show one form rare, it would be dropped)."""

NATURAL_KINDS = NATURAL_KINDS | ADVISORY_VOCABULARY


def pair_name(first: str, second: str) -> str:
    """The table's name of a word pair."""
    return f"word:{first}/{second}"


def kind_name(point: ChoicePoint) -> str:
    """The table's name for the kind of `point`."""
    match point.kind:
        case PointKind.WORD:
            return pair_name(point.renderings[0][0].lower(), point.renderings[1][0].lower())
        case PointKind.BULLET:
            return "bullet" if point.renderings[0][0] == "-" else "numbering"
        case _:
            return point.kind.value


def natural_synonyms() -> tuple[tuple[str, str, bool], ...]:
    """The word pairs scheme 5 looks for."""
    return tuple(p for p in ALL_SYNONYMS if pair_name(p[0], p[1]) in NATURAL_KINDS)


def natural_point(point: ChoicePoint) -> bool:
    """Whether scheme 5 marks with `point`."""
    return kind_name(point) in NATURAL_KINDS


__all__ = [
    "ADVISORY_VOCABULARY",
    "ALL_SYNONYMS",
    "EXTRA_SYNONYMS",
    "NATURAL_KINDS",
    "kind_name",
    "natural_point",
    "natural_synonyms",
    "pair_name",
]
