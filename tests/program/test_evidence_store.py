"""Evidence at rest: sealed under the program key, bound to its row, checked against its hash."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.domain import TimePoint, TimePrecision
from forewarn.errors import ConflictError, IntegrityError, ValidationError
from forewarn.program import cases
from forewarn.program.evidence import Intake, add_evidence, list_evidence, read_evidence
from release_world import CASE, sql

NOW = datetime(2021, 3, 1, 10, tzinfo=UTC)
SEEN = TimePoint(datetime(2021, 2, 28, tzinfo=UTC), TimePrecision.DAY)


def _case(program_env) -> None:
    with program_env.open() as program, program.session() as session:
        cases.create_case(
            session,
            program.keys,
            now=NOW,
            case_id=CASE,
            title="Chain",
            product="Mail 2019",
            reported=date(2021, 1, 5),
            patch_planned=date(2021, 3, 9),
        )


def _add(program_env, *intakes: Intake):
    with program_env.open() as program, program.session() as session:
        return add_evidence(session, program.keys, CASE, list(intakes), now=NOW)


def intake(name: str, content: bytes, **changes: object) -> Intake:
    fields: dict[str, object] = {
        "name": name,
        "content": content,
        "seen": SEEN,
        "source": "ticket",
        "collector": "R. Okafor",
    }
    fields.update(changes)
    return Intake(**fields)  # type: ignore[arg-type]


def test_content_reads_back_and_a_moved_or_changed_ciphertext_does_not(program_env) -> None:
    _case(program_env)
    first, second = _add(program_env, intake("a.py", b"alpha\n"), intake("b.py", b"beta\n"))
    with program_env.open() as program, program.session() as session:
        assert read_evidence(session, program.keys, first) == b"alpha\n"
    url = program_env.settings.database_url
    ((nonce, ciphertext),) = sql(url, "SELECT nonce, ciphertext FROM evidence WHERE number = 2")
    sql(
        url,
        "UPDATE evidence SET nonce = :n, ciphertext = :c WHERE number = 1",
        n=nonce,
        c=ciphertext,
    )
    with program_env.open() as program, program.session() as session:
        with pytest.raises(IntegrityError, match="E1 does not decrypt"):
            read_evidence(session, program.keys, first)
        assert read_evidence(session, program.keys, second) == b"beta\n"


@pytest.mark.parametrize(
    ("intakes", "error", "message"),
    [
        ((), ValidationError, "no evidence to add"),
        (
            (intake("a.py", b"same"), intake("b.py", b"same")),
            ConflictError,
            "registered already as E1",
        ),
        ((intake("bad\x00name", b"x"),), ValidationError, "printable"),
        ((intake("a.py", b"x", collector=" "),), ValidationError, "collector"),
    ],
)
def test_bad_batches_store_nothing(program_env, intakes, error, message) -> None:
    _case(program_env)
    with pytest.raises(error, match=message):
        _add(program_env, *intakes)
    with program_env.open() as program, program.session() as session:
        assert list_evidence(session, CASE) == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(min_size=1, max_size=2048))
def test_seal_then_read_is_the_identity(program_env, content: bytes) -> None:
    with program_env.open() as program, program.session() as session:
        if not cases.list_cases(session):
            cases.create_case(
                session,
                program.keys,
                now=NOW,
                case_id=CASE,
                title="Chain",
                product="Mail 2019",
                reported=date(2021, 1, 5),
                patch_planned=date(2021, 3, 9),
            )
        known = {i.sha256 for i in list_evidence(session, CASE)}
    import hashlib

    if hashlib.sha256(content).hexdigest() in known:
        return
    (item,) = _add(program_env, intake("x.bin", content))
    with program_env.open() as program, program.session() as session:
        assert read_evidence(session, program.keys, item) == content
