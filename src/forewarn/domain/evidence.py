"""What the fingerprinting engine reads back from a suspect and what it concludes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LEAD_NOTE = (
    "a lead to check, not proof: program staff can derive any partner's tokens, anyone who saw "
    "the copy can paste them, and a callback host or path travels on the wire to whoever sees "
    "that traffic"
)
"""What a partner named by its tracking tokens alone is called wherever it is shown: tokens
corroborate a fingerprint accusation but never make one, because they are plain strings that
others than the partner know (who could have planted them is part of the sentence)."""


def lead_statement(partner: str) -> str:
    """The one sentence every output uses for a lead (`Suspect.lead`)."""
    return f"tracking token of {partner} found: {LEAD_NOTE}"


TIE_TOLERANCE = 1e-9
"""Scores this close are equal: the marks cannot tell those partners apart."""


def top_suspects(suspects: Sequence[Suspect]) -> tuple[Suspect, ...]:
    """The suspects sharing the best positive score, by name; several means a tie, and a tie
    at the top names nobody (`tie_statement`)."""
    positive = [s for s in suspects if s.score > 0]
    if not positive:
        return ()
    best = max(s.score for s in positive)
    return tuple(
        sorted((s for s in positive if s.score >= best - TIE_TOLERANCE), key=lambda s: s.partner)
    )


def tie_statement(count: int, score: float) -> str:
    """The one wording every output uses when `count` partners tie at the top."""
    return (
        f"{count} partners tied (score {score:.1f}): the marks cannot tell them apart, "
        "so they name nobody"
    )


@dataclass(frozen=True, slots=True)
class Observation:
    """One code symbol read back from a suspect; erased positions are simply absent."""

    channel: str
    """`python_source`, `payload`, `text` or `tokens`."""
    artifact: str
    """Name of the artifact whose copy it was read from."""
    position: int
    """Index into the case codeword."""
    symbol: int
    """The symbol read (0 or 1)."""
    confidence: float = 1.0
    """How sure the reader is, 0 to 1; low-confidence symbols may be weighted down."""


@dataclass(frozen=True, slots=True)
class TokenHit:
    """A tracking token (or another verbatim pattern) of one partner's copy.

    The one record for the idea: the scanner's pattern table maps each pattern to the token it
    belongs to, and a hit in material from the wild is the same record with where and how often
    it was found.
    """

    token: str
    """The token string (undecodable bytes escaped)."""
    partner: str
    """The partner whose copy carries it."""
    artifact: str
    """The artifact it was planted in."""
    case: str = ""
    """The case it belongs to."""
    channel: str = "tokens"
    """The mark channel: `tokens` for canaries, `payload` for wire values, `detection`."""
    offset: int = 0
    """Byte offset of its first occurrence in the material (0 in a pattern table)."""
    count: int = 1
    """Occurrences in the material."""


@dataclass(frozen=True, slots=True)
class Region:
    """Lines (1-based, inclusive) of the suspect and of the artifact that match."""

    query_lines: tuple[int, int]
    """First and last line in the suspect."""
    artifact_lines: tuple[int, int]
    """First and last line in the shared artifact."""


@dataclass(frozen=True, slots=True)
class ArtifactMatch:
    """Material from the wild resembling one shared artifact."""

    case: str
    """The case of the artifact."""
    artifact: str
    """Artifact name within the case."""
    similarity: float
    """Similarity in [0, 1] as the hunt scored it."""
    regions: tuple[Region, ...] = ()
    """Matched line ranges, when asked for."""


@dataclass(frozen=True, slots=True)
class ChannelEvidence:
    """How one channel spoke about one partner."""

    channel: str
    """The channel."""
    symbols_read: int
    """Positions read in this channel."""
    symbols_matching: int
    """Of those, how many equal the partner's codeword."""
    score: float
    """This channel's part of the partner's accusation score."""


@dataclass(frozen=True, slots=True)
class Suspect:
    """A partner with its accusation score and the decision at the program's threshold."""

    partner: str
    """Partner name."""
    score: float
    """Symmetric (Škorić) Tardos score summed over every channel read, kept for comparison."""
    accused: bool
    """Whether the fingerprint's combined score passes the threshold that bounds false
    accusation: only the proven bound accuses."""
    false_accusation_bound: float
    """Bound on the chance that any innocent partner scores this high in the whole run (accused
    iff `≤ ε`): the proven one (`proven_bound`) when that is within `ε`, else the one estimated
    from importance-sampled innocent codewords for the decoders' combination (`bound_kind`)."""
    evidence: tuple[ChannelEvidence, ...] = ()
    """Per channel, what spoke."""
    tokens: tuple[TokenHit, ...] = ()
    """Tracking tokens of this partner found in the suspect material."""
    lead: bool = False
    """Its tracking tokens were found but its fingerprint does not pass the threshold: a lead to
    check, not proof. Tokens are plain strings that anyone who saw them can paste, so they never
    accuse by themselves (`accused` stays `False` and the bound is the fingerprint's alone)."""
    combined_score: float = 0.0
    """The combined decoders' score: `-ln` of the deciding decoder's proven innocent tail (the
    decoder selected from the reading; nats of evidence; 0 when nothing was read)."""
    decided_by: str = ""
    """The decoder that reached the combined score (`learn-and-match`, `universal`,
    `symmetric`, `joint`), with the known or hypothesised colluders it was given, if any."""
    decoder_scores: tuple[tuple[str, float], ...] = ()
    """Each decoder's raw score in the first pass, for comparison."""
    proven_bound: float = 1.0
    """Proven bound on the same chance: the exact lattice tail of the deciding decoder
    (`marks.lattice`), times the recipients and comparisons (and, for the joint pass, the pairs
    hypothesised), over the share of `ε` of the pass that scored it."""
    bound_kind: str = "proven"
    """`proven` or `empirical`: which of the two `false_accusation_bound` is."""
