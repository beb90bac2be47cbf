"""The suspension rule belongs to the partner use case, not to the CLI.

Calling `partners.suspend_partner` (or `remove_partner`) alone cancels the partner's pending
releases and writes the `suspension` audit leaf, with one `release-cancelled` leaf per release.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from conftest import ProgramEnv
from forewarn.domain import LeafKind, ReleaseState
from forewarn.program import audit, audit_verify, partners, waves
from forewarn.store.audit_repo import AuditRepository
from forewarn.store.release_repo import ReleaseRepository
from release_world import CASE, populate

PLANNED = datetime(2021, 1, 10, tzinfo=UTC)
"""After the partners joined, before any wave is due."""


@pytest.mark.parametrize("action", [partners.suspend_partner, partners.remove_partner])
def test_the_use_case_alone_cancels_pending_releases_and_logs_them(
    program_env: ProgramEnv, action: partners.StatusAction
) -> None:
    populate(program_env)
    with program_env.open() as program, program.session() as session:
        waves.sync_plan(session, program.keys, CASE, PLANNED)
        pending = [r.id for r in ReleaseRepository(session).for_case(CASE, ReleaseState.PENDING)]
        assert pending
        ours = [
            r.id
            for r in ReleaseRepository(session).for_case(CASE, ReleaseState.PENDING)
            if r.partner == "Early 0000"
        ]
        partner = action(session, program.keys, "Early 0000", reason=" NDA breach ", now=PLANNED)
    assert len(ours) == 1
    with program_env.open() as program, program.session() as session:
        states = {r.id: r.state for r in ReleaseRepository(session).for_case(CASE)}
        leaves = AuditRepository(session).leaves()
        report = audit_verify.verify_audit(session, program.keys.signing_key.public_key())
    assert states[ours[0]] is ReleaseState.CANCELLED
    assert all(states[r] is ReleaseState.PENDING for r in pending if r not in ours)
    kind = LeafKind.REMOVAL if action is partners.remove_partner else LeafKind.SUSPENSION
    (suspension,) = [
        leaf for leaf in leaves if leaf.kind in (LeafKind.SUSPENSION, LeafKind.REMOVAL)
    ]
    assert suspension.kind is kind  # a removal is logged as one, not as a suspension
    assert audit.recorded_payload(suspension) == {
        "partner": "Early 0000",
        "status": partner.status.value,
        "reason": "NDA breach",
        "cancelled": ours,
    }
    recorded = json.loads(suspension.payload)["state"]["partners"]["Early 0000"]
    assert recorded["status"] == partner.status.value
    (cancelled,) = [leaf for leaf in leaves if leaf.kind is LeafKind.RELEASE_CANCELLED]
    assert cancelled.subject == ours[0]
    assert report.leaves == len(leaves)


def test_reinstating_cancels_nothing_and_logs_no_suspension(program_env: ProgramEnv) -> None:
    populate(program_env)
    with program_env.open() as program, program.session() as session:
        partners.suspend_partner(session, program.keys, "Early 0001", reason="x", now=PLANNED)
        partners.reinstate_partner(session, program.keys, "Early 0001", reason="y", now=PLANNED)
        waves.sync_plan(session, program.keys, CASE, PLANNED)
        planned = {
            r.partner for r in ReleaseRepository(session).for_case(CASE, ReleaseState.PENDING)
        }
        kinds = [leaf.kind for leaf in AuditRepository(session).leaves()]
    assert "Early 0001" in planned
    assert kinds.count(LeafKind.SUSPENSION) == 1
