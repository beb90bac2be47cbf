"""The investigation use case: read the case from the program, trace the evidence, weigh it.

This is where the store, the audit log's fetch records, the hunt's trace results and the
fingerprinting engine's accusations become the plain records the engine reasons over.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, PartnerStatus, ReleaseState, TimePoint
from forewarn.domain.investigation import (
    Fetch,
    Finding,
    InvestigationResult,
    Verdict,
)
from forewarn.errors import InvestigationError
from forewarn.hunt import TraceResult
from forewarn.investigate.attribution import fingerprint_bound
from forewarn.investigate.engine import investigate
from forewarn.investigate.program_hunt import program_hunt
from forewarn.investigate.tracing import seen_at, trace
from forewarn.program.audit import append_audit
from forewarn.program.cases import get_case
from forewarn.program.keys import ProgramKeys
from forewarn.program.partners import list_partners
from forewarn.program.tiers import list_tiers
from forewarn.program.timeline import list_events
from forewarn.store.release_repo import AuditRepository, ReleaseRepository

logger = logging.getLogger(__name__)


def fetches_of(session: Session, case_id: str) -> list[Fetch]:
    """Every download of the case's releases, from the audit log: the authority on who took what."""
    found = []
    for leaf in AuditRepository(session).leaves():
        if leaf.kind is not LeafKind.FETCH:
            continue
        payload = json.loads(leaf.payload)
        if payload.get("case") == case_id:
            found.append(Fetch(str(payload["release_id"]), str(payload["partner"]), leaf.at))
    return found


def finding_of(result: TraceResult, seen: TimePoint, case_id: str) -> Finding:
    """A trace result as the engine's `Finding`, keeping only what concerns `case_id`."""
    name = result.path.rsplit("/", 1)[-1]
    return Finding(
        label=name,
        kind=result.kind,
        seen=seen,
        matches=tuple(m for m in result.matches if m.case == case_id),
        suspects=result.suspects,
        tokens=tuple(t for t in result.tokens if t.case == case_id),
        marks_read=tuple(sorted({r.artifact for r in result.read if r.case == case_id})),
    )


def trace_evidence(
    session: Session, keys: ProgramKeys, case_id: str, paths: Sequence[Path]
) -> list[Finding]:
    """Trace files, directories and archives; each finding is dated by `tracing.seen_at`.

    The hunt is the one `forewarn trace --case` runs, so web logs are read for the payload marks
    of the case's PoCs too: an investigation never sees less than a trace of the same file.
    """
    for path in paths:
        if not path.exists():
            raise InvestigationError(f"evidence {path} does not exist")
    hunt = program_hunt(session, keys, case_id=case_id)
    findings = []
    for result in trace(hunt, paths):
        if result.error is not None:
            logger.warning("%s: %s", result.path, result.error)
        source = Path(result.archive or result.path.split("!", 1)[0])
        findings.append(finding_of(result, seen_at(source), case_id))
    return findings


def run_investigation(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    as_of: datetime,
    evidence: Sequence[Path] = (),
    findings: Sequence[Finding] = (),
    replay: bool = False,
    record: bool = False,
) -> InvestigationResult:
    """Investigate `case_id` as of `as_of`, on traced `evidence` and ready-made `findings`.

    With `record`, each partner a fingerprint accuses (and whose leak leads) is appended to the
    audit log as an `accusation` leaf, with its false-accusation bound; leads are not.
    """
    case = get_case(session, case_id)
    releases = [
        r.as_release() for r in ReleaseRepository(session).for_case(case_id, ReleaseState.COMPLETE)
    ]
    partners = list_partners(session)
    leads = [t.lead_time for t in list_tiers(session)]
    traced = trace_evidence(session, keys, case_id, evidence) if evidence else []
    result = investigate(
        case,
        events=list_events(session, case_id),
        releases=releases,
        fetches=fetches_of(session, case_id),
        findings=[*findings, *traced],
        as_of=as_of,
        program_partners=[p.name for p in partners if p.status is PartnerStatus.ACTIVE],
        suspended=frozenset(p.name for p in partners if p.status is not PartnerStatus.ACTIVE),
        shortest_lead=min(leads, default=timedelta(days=1)),
        longest_lead=max(leads, default=timedelta(days=1)),
        replay=replay,
    )
    if record:
        _record(session, keys, result)
    return result


def _record(session: Session, keys: ProgramKeys, result: InvestigationResult) -> None:
    for activity in result.activities:
        for hypothesis in activity.hypotheses:
            if not hypothesis.subject or hypothesis.verdict is not Verdict.LEADING:
                continue
            bound = fingerprint_bound(activity, hypothesis.subject)
            if bound is None:  # a lead (canary tokens alone) is never an accusation
                continue
            payload = {
                "case": result.case.id,
                "partner": hypothesis.subject,
                "activity": activity.label,
                "onset": str(activity.start),
                "false_accusation_bound": bound,
                "score": hypothesis.score,
            }
            append_audit(
                session,
                LeafKind.ACCUSATION,
                payload,
                result.as_of,
                keys=keys,
                subject=result.case.id,
            )


__all__ = ["fetches_of", "finding_of", "run_investigation", "trace_evidence"]
