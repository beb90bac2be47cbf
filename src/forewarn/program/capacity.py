"""Before a release: what each artifact's marks buy, and a partner's marked copies for review.

`case_capacity` counts the symbols each artifact carries per channel with the marker the next
release will use (`case_marking.marker_for_case`) and judges them against the symbols the case's
code needs (`marks.capacity`). `preview` marks one partner's planned copies exactly as the
release would, and writes and records nothing: no audit leaf, no release row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from forewarn.domain import ArtifactKind
from forewarn.domain.marking import MarkingParams
from forewarn.errors import MarkError, NotFoundError, ReleaseError
from forewarn.marks.capacity import Needs, Outcome, assess, symbols_needed
from forewarn.program.artifacts import list_artifacts, read_artifact
from forewarn.program.case_marking import marker_for_case, marking_for_case
from forewarn.program.keys import ProgramKeys
from forewarn.program.partners import get_partner
from forewarn.program.waves import plan_case

PROBE_PARTNER = "capacity check"
"""Partner name under which token counts are taken (every partner gets as many)."""


@dataclass(frozen=True, slots=True)
class ArtifactCapacity:
    """What one artifact carries, and whom its leak could name after each attack."""

    artifact: str
    """Artifact name."""
    kind: ArtifactKind
    """Artifact kind (decides the channels)."""
    symbols: dict[str, int]
    """Code symbols per channel in each partner's copy."""
    tokens: int
    """Tracking tokens planted in each copy (leads, never proof)."""
    outcomes: tuple[Outcome, ...]
    """Per attack: symbols left and the largest coalition still named."""
    recipients: int | None = None
    """Partners the plan gives it to, when asked about a plan."""

    @property
    def identical(self) -> bool:
        """Every partner's copy has the same bytes: no choice point, no token."""
        return sum(self.symbols.values()) == 0 and self.tokens == 0


@dataclass(frozen=True, slots=True)
class CaseCapacity:
    """The case's code and what each artifact's marks buy against it."""

    case_id: str
    """The case."""
    marking: MarkingParams
    """How the case's copies are (or will be) marked."""
    needs: Needs
    """Symbols the code needs to name one leaker, a pair, a triple."""
    artifacts: tuple[ArtifactCapacity, ...]
    """One entry per artifact asked about, by name."""


def case_capacity(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    names: Iterable[str] | None = None,
    recipients: dict[str, int] | None = None,
) -> CaseCapacity:
    """Symbols per channel of the case's artifacts (or of `names`) and what they buy."""
    params = marking_for_case(session, case_id)
    marker = marker_for_case(session, keys, case_id)
    needs = symbols_needed(params.n_partners, params.max_colluders, params.epsilon)
    wanted = set(names) if names is not None else None
    found = []
    for artifact in list_artifacts(session, case_id):
        if wanted is not None and artifact.name not in wanted:
            continue
        original = read_artifact(session, keys, case_id, artifact.name)
        try:
            symbols = marker.capacity(artifact.name, artifact.kind, original)
            traffic = marker.traffic_capacity(artifact.name, artifact.kind, original)
            tokens = len(marker.tokens(artifact.name, artifact.kind, original, PROBE_PARTNER))
        except MarkError:
            symbols, traffic, tokens = {}, {}, 0  # not UTF-8 text: shipped as it is
        outcomes = assess(symbols, params.n_partners, params.max_colluders, params.epsilon, traffic)
        count = None if recipients is None else recipients.get(artifact.name, 0)
        found.append(
            ArtifactCapacity(artifact.name, artifact.kind, symbols, tokens, outcomes, count)
        )
    return CaseCapacity(case_id, params, needs, tuple(found))


def planned_recipients(session: Session, case_id: str) -> dict[str, int]:
    """Per artifact, how many partners the current plan gives it to."""
    counts: dict[str, int] = {}
    for wave in plan_case(session, case_id):
        for names in wave.artifacts.values():
            for name in names:
                counts[name] = counts.get(name, 0) + 1
    return counts


@dataclass(frozen=True, slots=True)
class PreviewCopy:
    """One artifact as a partner would receive it."""

    artifact: str
    """Artifact name."""
    original: bytes
    """The unmarked original (embargoed)."""
    marked: bytes
    """The partner's marked copy (embargoed)."""
    tokens: tuple[str, ...]
    """Tracking tokens planted in it."""


def preview(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    partner: str,
    artifact: str | None = None,
) -> tuple[PreviewCopy, ...]:
    """`partner`'s planned copies (or just `artifact`), marked as the release would mark them.

    Refuses a partner the plan leaves out (with the plan's reason) and an artifact the plan
    does not give that partner.
    """
    get_partner(session, partner)
    planned: tuple[str, ...] | None = None
    reasons = []
    for wave in plan_case(session, case_id):
        if partner in wave.artifacts:
            planned = wave.artifacts[partner]
        reasons += [e.reason for e in wave.excluded if e.partner == partner]
    if planned is None:
        why = "; ".join(reasons) or "no wave of the plan includes its tier"
        raise ReleaseError(
            f"{partner!r} is not in the plan of {case_id}: {why}",
            hint="preview a partner that `forewarn wave plan` lists",
        )
    if artifact is not None:
        if artifact not in planned:
            raise ReleaseError(
                f"the plan of {case_id} does not give {artifact!r} to {partner!r}",
                hint=f"it gets {', '.join(planned) or 'nothing'}; see `forewarn wave plan`",
            )
        planned = (artifact,)
    kinds = {a.name: a.kind for a in list_artifacts(session, case_id)}
    missing = [name for name in planned if name not in kinds]
    if missing:
        raise NotFoundError(f"case {case_id} has no artifact {missing[0]!r}")
    marker = marker_for_case(session, keys, case_id)
    copies = []
    for name in planned:
        original = read_artifact(session, keys, case_id, name)
        copy = marker.mark(name, kinds[name], original, partner)
        copies.append(PreviewCopy(name, original, copy.content, copy.tokens))
    return tuple(copies)
