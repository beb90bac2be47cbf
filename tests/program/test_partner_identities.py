"""Partner names cannot be forged: NFKC form, no invisible characters, no lookalikes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CliRun, ProgramEnv
from forewarn.domain.identities import normal_form, normal_name, skeleton
from forewarn.errors import ValidationError

BASE = "Northwind Labs"


def _add(cli: CliRun, env: ProgramEnv, name: str) -> tuple[int, str]:
    done = cli([*env.cli_args(), "partner", "add", name, "--country", "DE", "--tier", "standard"])
    return done.exit_code, done.stderr


@pytest.mark.parametrize(
    ("spoof", "why"),
    [
        ("North\u200bwind Labs", "invisible"),  # zero-width space
        ("Northwind Labs\u202e", "invisible"),  # right-to-left override
        ("Northwind\u2066 Labs", "invisible"),  # bidi isolate
        ("N\u043erthwind Labs", "lookalikes"),  # Cyrillic o
        ("Northwind L\u0430bs", "lookalikes"),  # Cyrillic a
        ("N\u03bfrthwind Labs", "lookalikes"),  # Greek omicron
        ("NORTHWIND labs", "looks like"),  # case only
        ("Northwind  Labs ", "exists already"),  # spacing collapses to the same name
        ("Northwind\uff2cabs", "looks like"),  # fullwidth L, NFKC folds it
        ("Northw1nd Labs", None),  # 1 for i: distinct skeleton (i is not l), allowed
        ("N0rthwind Labs", "looks like"),  # digit zero for O
    ],
)
@pytest.mark.one_database  # what it proves does not depend on the backend
def test_a_lookalike_of_an_existing_partner_is_refused(
    cli: CliRun, program_env: ProgramEnv, spoof: str, why: str | None
) -> None:
    assert _add(cli, program_env, BASE)[0] == 0
    code, err = _add(cli, program_env, spoof)
    if why is None:
        assert code == 0, err
        return
    assert code == 2, err
    assert err.startswith("error:") and why in err
    assert "\u200b" not in err and "\u202e" not in err  # shown escaped, never raw


def test_names_in_other_scripts_are_welcome(cli: CliRun, program_env: ProgramEnv) -> None:
    for name in ("株式会社ラック", "Касперский Лаб", "Łódź CERT", "Ünal & Öztürk"):
        code, err = _add(cli, program_env, name)
        assert code == 0, (name, err)
    listed = cli([*program_env.cli_args(), "partner", "show", "Łódź CERT", "--json"])
    assert listed.exit_code == 0, listed.stderr


def test_a_name_is_found_in_any_unicode_normal_form(cli: CliRun, program_env: ProgramEnv) -> None:
    composed = "Caf\u00e9 Security"
    assert _add(cli, program_env, "Cafe\u0301 Security")[0] == 0  # decomposed é
    shown = cli([*program_env.cli_args(), "partner", "show", composed, "--json"])
    assert shown.exit_code == 0, shown.stderr
    assert composed in shown.stdout


@given(st.text(min_size=1, max_size=30))
def test_normal_form_is_idempotent_and_keeps_the_skeleton(text: str) -> None:
    once = normal_form(text)
    assert normal_form(once) == once
    assert skeleton(once) == skeleton(text)


@given(st.text(alphabet=st.characters(categories=["Cf", "Cc"]), min_size=1, max_size=3))
def test_any_format_or_control_character_is_refused(invisible: str) -> None:
    with pytest.raises(ValidationError):
        normal_name(f"Northwind{invisible}Labs")
