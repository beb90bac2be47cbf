"""A case's marking is fixed at its first release and every later marker is built from it.

Through the CLI on both databases: the parameters stored with the first release, unchanged when
the program grows; a case whose stored channels no longer match this forewarn's scheme fails
closed (trace refuses to read it) instead of reading the wrong choice points.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from forewarn.marks.schemes import CURRENT_SCHEME, channel_set, registry_for
from release_world import CASE
from trace_world import LEAKER, release_and_fetch


def _marking(db_url: str) -> dict[str, object]:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT scheme, n_partners, max_colluders, epsilon, channels "
                "FROM case_marking WHERE case_id = :case"
            ),
            {"case": CASE},
        ).one()
    engine.dispose()
    return dict(row._mapping)


@pytest.mark.one_database  # what it proves does not depend on the backend
def test_first_release_fixes_scheme_code_and_channels(program_env, cli, tmp_path: Path) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    stored = _marking(program_env.settings.database_url)
    assert stored["scheme"] == CURRENT_SCHEME
    assert (stored["max_colluders"], stored["epsilon"]) == (3, 1e-3)
    assert json.loads(str(stored["channels"])) == list(channel_set(registry_for(CURRENT_SCHEME)))
    n = stored["n_partners"]

    for i in range(70):  # the program grows past the code's size
        added = cli(
            [
                *released.args,
                "partner",
                "add",
                f"Late {i:03d}",
                "--country",
                "DE",
                "--tier",
                "standard",
            ]
        )
        assert added.exit_code == 0, added.stderr
    assert _marking(program_env.settings.database_url)["n_partners"] == n

    leaked = tmp_path / "leak.py"
    leaked.write_bytes(released.copies[LEAKER]["poc.py"])
    traced = cli([*released.args, "trace", str(leaked), "--json"])
    assert traced.exit_code == 0, traced.stderr
    (item,) = json.loads(traced.stdout)
    assert [s["partner"] for s in item["suspects"] if s["accused"]] == [LEAKER]


def test_a_case_marked_with_other_channels_fails_closed(program_env, cli, tmp_path: Path) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    engine = create_engine(program_env.settings.database_url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE case_marking SET channels = :c WHERE case_id = :case"),
            {"c": json.dumps(["poc:python_source"]), "case": CASE},
        )
    engine.dispose()
    leaked = tmp_path / "leak.py"
    leaked.write_bytes(released.copies[LEAKER]["poc.py"])
    traced = cli([*released.args, "trace", str(leaked), "--json"])
    assert traced.exit_code == 0, traced.stderr
    (item,) = json.loads(traced.stdout)
    assert not item["suspects"]
    assert any("was marked with channels" in note for note in item["notes"])


def test_an_unknown_scheme_is_refused_with_a_hint(program_env, cli, tmp_path: Path) -> None:
    released = release_and_fetch(program_env, cli, tmp_path, (LEAKER,))
    engine = create_engine(program_env.settings.database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE case_marking SET scheme = 99"))
    engine.dispose()
    leaked = tmp_path / "leak.py"
    leaked.write_bytes(released.copies[LEAKER]["poc.py"])
    traced = cli([*released.args, "trace", str(leaked), "--json"])
    (item,) = json.loads(traced.stdout)
    assert not item["suspects"]
    assert any("scheme 99 is unknown" in note for note in item["notes"])
