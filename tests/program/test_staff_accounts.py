"""Staff accounts and portal sessions through their use cases, with time as an input: a code
works once and only in its window, a reset secret replaces the old one, a disabled account is
refused like a wrong password, sessions end when idle, when too old and when signed out, and
lock-outs double. Both databases."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from conftest import T0, ProgramEnv
from forewarn.domain import StaffRole
from forewarn.errors import AuthenticationError, ConflictError, ValidationError
from forewarn.program import portal_sessions as ps
from forewarn.program.staff import (
    accept_sign_in,
    add_staff,
    check_credentials,
    disable_staff,
    reset_mfa,
)

NAME = "lead@program.example"
PASSWORD = "a long staff passphrase"


def _add(env: ProgramEnv) -> str:
    program = env.open()
    with program, program.session() as session:
        enrolled, entry = add_staff(
            session,
            program.keys,
            name=NAME,
            role=StaffRole.ADMIN,
            password=PASSWORD,
            now=T0,
            actor="cli",
        )
    assert entry.payload == {"action": "add", "account": NAME, "actor": "cli", "role": "admin"}
    return enrolled.secret


def _sign_in(env: ProgramEnv, password: str, code: str, at_offset: int = 0) -> None:
    program = env.open()
    at = T0 + timedelta(seconds=at_offset)
    with program, program.session() as session:
        verified = check_credentials(session, program.keys, NAME, password, code, at)
        accept_sign_in(session, verified, at)


def test_password_and_a_fresh_code_sign_in_once(program_env: ProgramEnv) -> None:
    totp = pyotp.TOTP(_add(program_env))
    code = totp.at(T0)
    _sign_in(program_env, PASSWORD, code)
    with pytest.raises(AuthenticationError):
        _sign_in(program_env, PASSWORD, code)  # the same code again
    with pytest.raises(AuthenticationError):
        _sign_in(program_env, PASSWORD, totp.at(T0 + timedelta(minutes=5)))  # outside its window
    _sign_in(program_env, PASSWORD, totp.at(T0 + timedelta(seconds=30)), at_offset=30)


@pytest.mark.parametrize("password", ["wrong passphrase!", ""])
def test_a_wrong_password_or_no_code_is_refused_alike(
    program_env: ProgramEnv, password: str
) -> None:
    totp = pyotp.TOTP(_add(program_env))
    for attempt in ((password, totp.at(T0)), (PASSWORD, ""), (PASSWORD, "12345a")):
        with pytest.raises(AuthenticationError, match="wrong name, password or code"):
            _sign_in(program_env, *attempt)


def test_reset_mfa_replaces_the_secret_and_disable_refuses(program_env: ProgramEnv) -> None:
    old = pyotp.TOTP(_add(program_env))
    program = program_env.open()
    with program, program.session() as session:
        fresh, _ = reset_mfa(session, program.keys, NAME, now=T0, actor="cli")
    with pytest.raises(AuthenticationError):
        _sign_in(program_env, PASSWORD, old.at(T0))
    _sign_in(program_env, PASSWORD, pyotp.TOTP(fresh.secret).at(T0))
    program = program_env.open()
    with program, program.session() as session:
        disable_staff(session, NAME, now=T0, actor="admin@program.example", reason="left")
        with pytest.raises(ConflictError):
            disable_staff(session, NAME, now=T0, actor="cli", reason="again")
    with pytest.raises(AuthenticationError, match="wrong name, password or code"):
        _sign_in(program_env, PASSWORD, pyotp.TOTP(fresh.secret).at(T0 + timedelta(seconds=60)), 60)


def test_short_passwords_and_duplicates_are_refused(program_env: ProgramEnv) -> None:
    _add(program_env)
    program = program_env.open()
    with program, program.session() as session:
        with pytest.raises(ConflictError):
            add_staff(
                session,
                program.keys,
                name=NAME,
                role=StaffRole.ANALYST,
                password=PASSWORD,
                now=T0,
                actor="cli",
            )
        with pytest.raises(ValidationError):
            add_staff(
                session,
                program.keys,
                name="other",
                role=StaffRole.ANALYST,
                password="short",
                now=T0,
                actor="cli",
            )


def test_sessions_end_idle_too_old_and_at_sign_out(program_env: ProgramEnv) -> None:
    _add(program_env)
    program = program_env.open()
    with program, program.session() as session:
        staff_id = ps.StaffRepository(session).by_name(NAME).id  # type: ignore[union-attr]
        idle, _ = ps.open_session(session, now=T0, staff_id=staff_id)
        ps.resume_session(session, idle, T0 + ps.IDLE - timedelta(seconds=1))
        with pytest.raises(AuthenticationError, match="expired"):
            ps.resume_session(session, idle, T0 + 2 * ps.IDLE)
        busy, _ = ps.open_session(session, now=T0, staff_id=staff_id)
        at = T0
        while at < T0 + ps.ABSOLUTE - ps.IDLE:
            at += ps.IDLE - timedelta(minutes=1)
            ps.resume_session(session, busy, at)
        with pytest.raises(AuthenticationError, match="expired"):
            ps.resume_session(session, busy, T0 + ps.ABSOLUTE + timedelta(seconds=1))
        out, _ = ps.open_session(session, now=T0, staff_id=staff_id)
        ps.end_session(session, out, T0)
        with pytest.raises(AuthenticationError, match="not signed in"):
            ps.resume_session(session, out, T0)
        with pytest.raises(AuthenticationError):
            ps.resume_session(session, "made-up", T0)


def test_lock_outs_start_after_the_free_failures_and_double(program_env: ProgramEnv) -> None:
    assert [ps.lock_for(n, 5) for n in range(1, 6)] == [None] * 5
    assert [ps.lock_for(n, 5) for n in (6, 7, 8)] == [
        ps.FIRST_LOCK,
        2 * ps.FIRST_LOCK,
        4 * ps.FIRST_LOCK,
    ]
    assert ps.lock_for(100, 5) == ps.MAX_LOCK
    program = program_env.open()
    keys = ps.throttle_keys(NAME, "192.0.2.7")
    with program, program.session() as session:
        for _ in range(ps.FREE_FAILURES):
            ps.require_not_locked(session, keys, T0)
            ps.record_failure(session, T0, account_key=keys[0], address_key=keys[1])
        ps.require_not_locked(session, keys, T0)
        ps.record_failure(session, T0, account_key=keys[0], address_key=keys[1])
        with pytest.raises(AuthenticationError, match="too many failed sign-ins"):
            ps.require_not_locked(session, keys, T0 + ps.FIRST_LOCK - timedelta(seconds=1))
        ps.require_not_locked(session, keys, T0 + ps.FIRST_LOCK)
        ps.record_success(session, keys[0])
        ps.record_failure(session, T0, account_key=keys[0], address_key=keys[1])
        ps.require_not_locked(session, keys, T0)  # the name starts again; the address keeps count
        assert ps.StaffRepository(session).throttle(keys[1])[0] == ps.FREE_FAILURES + 2
