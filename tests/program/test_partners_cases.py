"""Partner, case, artifact and timeline use cases on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pyrage import x25519
from sqlalchemy import text

from conftest import T0, ProgramEnv
from forewarn.domain import ArtifactKind, CaseStatus, EventKind, PartnerStatus, TimePrecision
from forewarn.domain.validation import parse_time_point
from forewarn.errors import ConflictError, IntegrityError, NotFoundError, ValidationError
from forewarn.program import artifacts, cases, partners, tiers, timeline

CVSS31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def _add_case(session, keys, case_id: str = "FW-2021-0001"):
    return cases.create_case(
        session,
        keys,
        now=T0,
        case_id=case_id,
        title="Mail server pre-auth request chain",
        product="Mail Server 2019",
        reported=date(2021, 1, 5),
        patch_planned=date(2021, 3, 9),
        cves=["CVE-2021-26855"],
        cvss=CVSS31,
    )


def test_partner_lifecycle_keeps_history(program_env: ProgramEnv) -> None:
    key = str(x25519.Identity.generate().to_public())
    with program_env.open() as program, program.session() as session:
        added = partners.add_partner(
            session,
            program.keys,
            name="Northwind Labs",
            country="us",
            tier="early-access",
            now=T0,
            emails=["psirt@northwind.example"],
            age_recipient=key,
        )
        assert (added.country, added.status) == ("US", PartnerStatus.ACTIVE)
        partners.suspend_partner(
            session, program.keys, "Northwind Labs", reason="NDA breach", now=T0
        )
        later = T0 + timedelta(days=3)
        partners.reinstate_partner(
            session, program.keys, "Northwind Labs", reason="cleared", now=later
        )
        with pytest.raises(ValidationError, match="before the partner.s last status change"):
            partners.remove_partner(session, program.keys, "Northwind Labs", reason="x", now=T0)
        partners.remove_partner(session, program.keys, "Northwind Labs", reason="left", now=later)
    with program_env.open() as program, program.session() as session:
        shown = partners.get_partner(session, "Northwind Labs")
        with pytest.raises(ConflictError, match="cannot become"):
            partners.suspend_partner(session, program.keys, "Northwind Labs", reason="x", now=later)
    assert shown.status is PartnerStatus.REMOVED
    assert [c.status for c in shown.history] == [
        PartnerStatus.ACTIVE,
        PartnerStatus.SUSPENDED,
        PartnerStatus.ACTIVE,
        PartnerStatus.REMOVED,
    ]
    assert shown.history[1].reason == "NDA breach"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"country": "ZZ"}, ValidationError),
        ({"tier": "gold"}, NotFoundError),
        ({"emails": ["not-an-email"]}, ValidationError),
        ({"age_recipient": "age1bogus"}, ValidationError),
        ({"name": "  "}, ValidationError),
    ],
)
def test_bad_partners_are_refused(program_env: ProgramEnv, changes: dict, error: type) -> None:
    arguments = {"name": "Contoso", "country": "DE", "tier": "standard", **changes}
    with program_env.open() as program:
        with pytest.raises(error), program.session() as session:
            partners.add_partner(session, program.keys, now=T0, **arguments)
        with program.session() as session:
            assert partners.list_partners(session) == []


def test_duplicate_partner_and_unknown_partner(program_env: ProgramEnv) -> None:
    with program_env.open() as program, program.session() as session:
        partners.add_partner(
            session, program.keys, name="Contoso", country="DE", tier="standard", now=T0
        )
        with pytest.raises(ConflictError):
            partners.add_partner(
                session, program.keys, name="Contoso", country="FR", tier="standard", now=T0
            )
        with pytest.raises(NotFoundError, match="unknown partner"):
            partners.suspend_partner(session, program.keys, "Fabrikam", reason="x", now=T0)


def test_cases_artifacts_and_events(program_env: ProgramEnv) -> None:
    poc = b"import socket\nprint('benign')\n"
    with program_env.open() as program, program.session() as session:
        case = _add_case(session, program.keys)
        assert case.cvss is not None and case.cvss.base_score == 9.8
        with pytest.raises(ConflictError):
            _add_case(session, program.keys)
        advisory = artifacts.add_artifact(
            session,
            program.keys,
            case_id=case.id,
            name="advisory.md",
            content=b"# A",
            kind=ArtifactKind.ADVISORY,
            now=T0,
        )
        assert advisory.min_tier == "responder"
        artifacts.add_artifact(
            session,
            program.keys,
            case_id=case.id,
            name="poc.py",
            content=poc,
            kind=ArtifactKind.POC,
            min_tier="early-access",
            now=T0,
        )
        with pytest.raises(ValidationError, match="does not receive"):
            artifacts.add_artifact(
                session,
                program.keys,
                case_id=case.id,
                name="poc2.py",
                content=poc,
                kind=ArtifactKind.POC,
                min_tier="standard",
                now=T0,
            )
        timeline.add_event(
            session, case_id=case.id, at=parse_time_point("2021-02-27"), kind=EventKind.SCANNING
        )
        timeline.add_event(
            session, case_id=case.id, at=parse_time_point("2020-12"), kind=EventKind.DISCOVERED
        )
    with program_env.open() as program, program.session() as session:
        assert artifacts.read_artifact(session, program.keys, case.id, "poc.py") == poc
        stored = session.execute(text("SELECT ciphertext FROM artifacts WHERE name = 'poc.py'"))
        assert poc not in bytes(stored.scalar_one())
        events = timeline.list_events(session, case.id)
        assert [e.kind for e in events] == [EventKind.DISCOVERED, EventKind.SCANNING]
        assert events[0].at.precision is TimePrecision.MONTH
        assert [c.id for c in cases.list_cases(session)] == [case.id]
        release = parse_time_point("2021-03-02T17:00:00Z")
        published = cases.publish_case(
            session, program.keys, case.id, at=release, now=release.start
        )
        assert published.patch_actual == release
        assert published.status is CaseStatus.PUBLISHED


def test_tampered_artifact_is_an_integrity_error(program_env: ProgramEnv) -> None:
    with program_env.open() as program, program.session() as session:
        _add_case(session, program.keys)
        artifacts.add_artifact(
            session,
            program.keys,
            case_id="FW-2021-0001",
            name="a.md",
            content=b"abc",
            kind=ArtifactKind.ADVISORY,
            now=T0,
        )
        session.execute(text("UPDATE artifacts SET case_id = case_id, nonce = ciphertext"))
    with program_env.open() as program, program.session() as session:
        with pytest.raises(IntegrityError):
            artifacts.read_artifact(session, program.keys, "FW-2021-0001", "a.md")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"case_id": "bad id/"}, "bad case id"),
        ({"cves": ["CVE-21-1"]}, "bad CVE id"),
        ({"cvss": "CVSS:3.1/AV:N"}, "bad CVSS vector"),
        ({"patch_planned": date(2021, 1, 1)}, "before the report date"),
    ],
)
def test_bad_cases_write_nothing(program_env: ProgramEnv, changes: dict, message: str) -> None:
    arguments = {
        "case_id": "FW-1",
        "title": "t",
        "product": "p",
        "reported": date(2021, 1, 5),
        "patch_planned": date(2021, 3, 9),
        **changes,
    }
    with program_env.open() as program:
        with pytest.raises(ValidationError, match=message), program.session() as session:
            cases.create_case(session, program.keys, now=T0, **arguments)
        with program.session() as session:
            assert cases.list_cases(session) == []


def test_tiers_are_fixed_once_partners_exist(program_env: ProgramEnv) -> None:
    with program_env.open() as program, program.session() as session:
        current = tiers.list_tiers(session)
        assert [t.name for t in current] == ["early-access", "standard", "responder"]
        partners.add_partner(
            session, program.keys, name="Contoso", country="DE", tier="standard", now=T0
        )
        with pytest.raises(ConflictError):
            tiers.configure_tiers(session, current)
