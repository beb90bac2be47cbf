"""One hunt over every case of the program: what `forewarn trace` and `forewarn hunt` run.

`tracing.add_case` knows what one case contributes (its originals, whose tokens it may hold, its
accuser); this module merges every case into one similarity index and one token matcher (the
shapes of every token format and one verifier under the program's token key), built once, and
routes each accusation to the accuser of the case the material matched. Accusation therefore
stays among the partners who received that case's artifact: a trace never names, nor shows the
copy of, a partner who did not get it. Web logs show a tool's requests, not its code, so every
PoC in scope is also read for payload marks in each log.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from forewarn.domain import Artifact, ArtifactKind, Suspect
from forewarn.errors import MarkError
from forewarn.hunt import (
    Accuser,
    Decision,
    Hunt,
    Limits,
    Material,
    SimilarityIndex,
    build_matcher,
)
from forewarn.hunt.similarity import DEFAULT_MIN_SCORE
from forewarn.investigate.tracing import add_case
from forewarn.marks import tokens
from forewarn.marks.channels.wire.routes import route_filter
from forewarn.program.artifacts import list_artifacts
from forewarn.program.case_marking import MARKS_PURPOSE, marker_for_case
from forewarn.program.cases import get_case, list_cases
from forewarn.program.keys import ProgramKeys
from forewarn.store import ProgramRepository

logger = logging.getLogger(__name__)

WIRE_KINDS = frozenset({ArtifactKind.POC})
"""Artifact kinds that put marks on the wire (payload channel), read back from web logs."""

ACCUSE_FROM = DEFAULT_MIN_SCORE
"""Similarity from which an item goes to the fingerprinting engine: every reported match.

A partner's own marked PoC scores only 0.5-0.65 against the original (the marks rewrite its
constructs), so the "derived" threshold would drop lightly disguised copies whose tokens were
stripped. Similarity never accuses by itself; the engine's false-accusation bound still holds.
"""


def _route(
    accusers: Mapping[str, Accuser],
    case: str,
    artifact: str,
    original: str,
    material: Material,
) -> Decision:
    """The merged hunt's `Accuser`: the accuser of the case the material matched."""
    accuser = accusers.get(case)
    if accuser is None:
        return _nobody
    return functools.partial(_telling, accuser(case, artifact, original, material))


def _nobody(comparisons: int) -> list[Suspect]:
    return []


def _telling(decision: Decision, comparisons: int) -> list[Suspect]:
    """Recipients the material says nothing about (no channel read, not accused, no lead) are
    left out, so a harmless log lists nobody rather than every recipient at score zero."""
    return [s for s in decision(comparisons) if s.evidence or s.accused or s.lead]


def program_hunt(
    session: Session,
    keys: ProgramKeys,
    *,
    case_id: str | None = None,
    limits: Limits | None = None,
) -> Hunt:
    """A hunt for every case of the program, or only `case_id` (which must exist).

    The result is picklable, so the local and Dask engines can ship it to their workers.
    """
    case_ids = [get_case(session, case_id).id] if case_id else [c.id for c in list_cases(session)]
    index = SimilarityIndex()
    program = ProgramRepository(session).get()
    verifier = tokens.verifier(keys.derive(MARKS_PURPOSE), program.domains if program else ())
    accusers: dict[str, Accuser] = {}
    wire: list[tuple[str, str]] = []
    routes: set[tuple[str, str]] | None = set()
    capture_text = False
    for cid in case_ids:
        accusers[cid] = add_case(session, keys, cid, index, verifier)
        capture_text = capture_text or _reads_capture_text(session, keys, cid)
        read_on_wire = [a for a in list_artifacts(session, cid) if a.kind in WIRE_KINDS]
        wire += [(cid, a.name) for a in read_on_wire]
        if read_on_wire and routes is not None:
            routes = _with_routes(routes, session, keys, cid, read_on_wire, index)
    logger.info(
        "hunt over %d case(s): %d artifact(s), %d token shape(s)",
        len(case_ids),
        len(index),
        len(verifier.expressions),
    )
    return Hunt(
        scanner=None if verifier.empty else build_matcher(verifier),
        index=index if len(index) else None,
        accuse=functools.partial(_route, accusers),
        limits=limits or Limits(),
        threshold=ACCUSE_FROM,
        wire_artifacts=tuple(wire),
        keep_request=None if routes is None else route_filter(routes),
        capture_text=capture_text,
    )


def _reads_capture_text(session: Session, keys: ProgramKeys, case_id: str) -> bool:
    """Whether the case's accuser reads a web log's text (a scheme 1 PoC's payload marks), not
    only its requests; a case whose marker cannot be built is assumed to (it costs time only)."""
    try:
        return marker_for_case(session, keys, case_id).reads_capture_text()
    except MarkError:
        return True


def _with_routes(
    routes: set[tuple[str, str]],
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    artifacts: Sequence[Artifact],
    index: SimilarityIndex,
) -> set[tuple[str, str]] | None:
    """`routes` and those the case's wire artifacts are read on; `None` when some artifact's
    marks may be in any request (a non-Python PoC's literals) or cannot be planned."""
    try:
        marker = marker_for_case(session, keys, case_id)
    except MarkError:
        return None
    for artifact in artifacts:
        text = index.artifact_text(case_id, artifact.name)
        if text is None:
            return None
        try:
            found = marker.capture_routes(artifact.name, artifact.kind, text.encode("utf-8"))
        except MarkError:
            return None
        if found is None:
            return None
        routes |= found
    return routes


__all__ = ["ACCUSE_FROM", "WIRE_KINDS", "program_hunt"]
