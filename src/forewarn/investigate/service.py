"""The investigation use case: read the case from the program, trace the evidence, weigh it.

This is where the store, the audit log's fetch records, the registered evidence, the hunt's
trace results and the fingerprinting engine's accusations become the plain records the engine
reasons over (`custody` gathers and dates the evidence).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, Partner, PartnerStatus, Release, ReleaseState, StatusChange
from forewarn.domain.exposure import Acknowledgement, Fetch
from forewarn.domain.investigation import Finding, InvestigationResult, Verdict
from forewarn.investigate.attribution import fingerprint_bound
from forewarn.investigate.custody import gather
from forewarn.investigate.engine import investigate
from forewarn.program.audit import append_audit, is_replay
from forewarn.program.cases import get_case
from forewarn.program.keys import ProgramKeys
from forewarn.program.partners import list_partners
from forewarn.program.tiers import list_tiers
from forewarn.program.timeline import list_events
from forewarn.store.audit_repo import AuditRepository
from forewarn.store.marking_repo import MarkingRepository
from forewarn.store.release_repo import ReleaseRepository

logger = logging.getLogger(__name__)


def _case_leaves(session: Session, case_id: str, kind: LeafKind) -> Iterator[tuple[Any, datetime]]:
    for leaf in AuditRepository(session).leaves():
        if leaf.kind is kind:
            payload = json.loads(leaf.payload)
            if payload.get("case") == case_id:
                yield payload, leaf.at


def fetches_of(session: Session, case_id: str) -> list[Fetch]:
    """Every download of the case's releases, from the audit log: the authority on who took what."""
    return [
        Fetch(str(p["release_id"]), str(p["partner"]), at)
        for p, at in _case_leaves(session, case_id, LeafKind.FETCH)
    ]


def acknowledgements_of(session: Session, case_id: str) -> list[Acknowledgement]:
    """Every acknowledgement of the case's releases, from the audit log."""
    return [
        Acknowledgement(str(p["release_id"]), str(p["partner"]), at)
        for p, at in _case_leaves(session, case_id, LeafKind.ACK)
    ]


def delivered_releases(session: Session, case_id: str) -> list[Release]:
    """The case's delivered releases, each with the instant its release leaf records."""
    delivered = {
        str(p["release_id"]): at for p, at in _case_leaves(session, case_id, LeafKind.RELEASE)
    }
    return [
        replace(r.as_release(), released_at=delivered.get(r.id))
        for r in ReleaseRepository(session).for_case(case_id, ReleaseState.COMPLETE)
    ]


def run_investigation(
    session: Session,
    keys: ProgramKeys,
    case_id: str,
    *,
    as_of: datetime,
    evidence: Sequence[Path] = (),
    findings: Sequence[Finding] = (),
    registered: bool = True,
    replay: bool = False,
    record: bool = False,
) -> InvestigationResult:
    """Investigate `case_id` as of `as_of`, on the case's registered evidence (unless
    `registered` is off), the files under `evidence` and ready-made `findings`.

    How each finding was dated is on it (`Finding.dating`); files dated only by their
    modification day add a warning to the result's notes. With `record`, each partner a
    fingerprint accuses (and whose leak leads) is appended to the audit log as an `accusation`
    leaf, with its false-accusation bound; leads are not.
    """
    case = get_case(session, case_id)
    releases = delivered_releases(session, case_id)
    partners = list_partners(session)
    leads = [t.lead_time for t in list_tiers(session)]
    out = {
        p.name: standing(p, as_of)
        for p in partners
        if status_at(p, as_of) is not PartnerStatus.ACTIVE
    }
    gathered = gather(session, keys, case_id, evidence, registered=registered, as_of=as_of)
    result = investigate(
        case,
        events=list_events(session, case_id),
        releases=releases,
        fetches=fetches_of(session, case_id),
        findings=[*findings, *gathered.findings],
        as_of=as_of,
        program_partners=[p.name for p in partners if status_at(p, as_of) is PartnerStatus.ACTIVE],
        suspended=frozenset(out),
        standing=out,
        shortest_lead=min(leads, default=timedelta(days=1)),
        longest_lead=max(leads, default=timedelta(days=1)),
        replay=replay,
    )
    marking = MarkingRepository(session).marking(case_id)
    result = replace(
        result,
        acknowledgements=tuple(a for a in acknowledgements_of(session, case_id) if a.at <= as_of),
        epsilon=marking.epsilon if marking is not None else None,
        warnings=gathered.warnings,
        replay_program=is_replay(session),
    )
    if record:
        _record(session, keys, result)
    return result


def _change_at(partner: Partner, as_of: datetime) -> StatusChange | None:
    return next((c for c in reversed(partner.history) if c.at <= as_of), None)


def status_at(partner: Partner, as_of: datetime) -> PartnerStatus:
    """The partner's status at `as_of` by its history, so that a replay as of a day before a
    suspension still sees the partner active; its current status when no change precedes."""
    change = _change_at(partner, as_of)
    return partner.status if change is None else change.status


def standing(partner: Partner, as_of: datetime) -> str:
    """`removed (since 2025-06-27: contract ended)`: its status at `as_of` and the change that
    made it so."""
    change = _change_at(partner, as_of)
    if change is None:
        return partner.status.value
    why = f": {change.reason}" if change.reason else ""
    return f"{change.status.value} (since {change.at:%Y-%m-%d}{why})"


def _record(session: Session, keys: ProgramKeys, result: InvestigationResult) -> None:
    for activity in result.activities:
        for hypothesis in activity.hypotheses:
            if not hypothesis.subject or hypothesis.verdict is not Verdict.LEADING:
                continue
            bound = fingerprint_bound(activity, hypothesis.subject)
            if bound is None:  # a lead (tracking tokens alone) is never an accusation
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


__all__ = ["acknowledgements_of", "delivered_releases", "fetches_of", "run_investigation"]
