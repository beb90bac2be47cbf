"""Schemes 5 and 6's choice of text kinds: only those whose both forms writers use.

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

SCHEME6_SYNONYMS: tuple[tuple[str, str, bool], ...] = (
    ("reach", "access", False),
    ("parses", "reads", False),
    ("taken from", "read from", False),
    ("every", "each", False),
    ("needed", "required", False),
    ("lead to", "result in", True),
    ("applied", "installed", False),
    ("keeps", "retains", True),
    ("signatures", "rules", False),
    ("shared with", "given to", False),
    ("that match", "matching", False),
    ("sends", "issues", False),
    ("planned", "scheduled", True),
)
"""Word pairs scheme 6 added, each read in advisories and detection guidance and kept by the
table; one-way (`False`) where the second form has uses the first cannot take (`access` as a
noun, `each other`, `matching` after a plural)."""

ALL_SYNONYMS: tuple[tuple[str, str, bool], ...] = SYNONYMS + EXTRA_SYNONYMS + SCHEME6_SYNONYMS
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

SCHEME6_KINDS: frozenset[str] = NATURAL_KINDS | frozenset(
    f"word:{first}/{second}" for first, second, _ in SCHEME6_SYNONYMS
)
"""The text kinds scheme 6 marks with: scheme 5's and `SCHEME6_SYNONYMS`, each kept by the
table."""


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


def _kinds(version: int) -> frozenset[str]:
    return SCHEME6_KINDS if version >= 6 else NATURAL_KINDS


def natural_synonyms(version: int = 5) -> tuple[tuple[str, str, bool], ...]:
    """The word pairs scheme `version` (5 or 6) looks for."""
    kinds = _kinds(version)
    return tuple(p for p in ALL_SYNONYMS if pair_name(p[0], p[1]) in kinds)


def natural_point(point: ChoicePoint, version: int = 5) -> bool:
    """Whether scheme `version` (5 or 6) marks with `point`."""
    return kind_name(point) in _kinds(version)


__all__ = [
    "ADVISORY_VOCABULARY",
    "ALL_SYNONYMS",
    "EXTRA_SYNONYMS",
    "NATURAL_KINDS",
    "SCHEME6_KINDS",
    "SCHEME6_SYNONYMS",
    "kind_name",
    "natural_point",
    "natural_synonyms",
    "pair_name",
]
