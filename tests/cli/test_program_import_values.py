"""Values a hand-written program file holds: unquoted YAML dates and times, partner histories.

YAML turns an unquoted `2021-02-27` into a date and `2019-04-01 10:00:00Z` into a timestamp;
import keeps their meaning, refuses a time without a zone, and refuses a history that could not
have happened. Each refusal exits 2 and imports nothing.
"""

from __future__ import annotations

import json

import pytest

from conftest import CliRun, ProgramEnv

PROGRAM = """\
program:
  name: Values Test Program
  tiers: [{name: early-access, rank: 3, lead_time: 14d, artifact_kinds: [advisory, poc]}]
partners:
  - name: Northwind Labs
    country: US
    tier: early-access
    history:
HISTORY
cases:
  - id: FW-2021-0001
    title: t
    product: p
    reported: 2021-01-05
    patch_planned: 2021-03-09
    events:
      - {at: 2021-02-27, kind: scanning, note: unquoted day}
      - {at: 2021-02, kind: discovered, note: quoted month}
"""
JOINED = "      - {at: 2019-04-01 10:00:00Z, status: active, reason: joined}"


def _import(cli: CliRun, env: ProgramEnv, history: list[str]) -> tuple[int, str]:
    path = env.dir / "program.yaml"
    path.write_text(PROGRAM.replace("HISTORY", "\n".join(history)))
    result = cli([*env.cli_args(), "program", "import", str(path), "--now", "2021-03-01T09:00Z"])
    return result.exit_code, result.stderr


def test_unquoted_dates_and_times_keep_their_meaning(cli: CliRun, program_env: ProgramEnv) -> None:
    suspended = "      - {at: 2020-06-01T08:30:00Z, status: suspended, reason: audit}"
    code, stderr = _import(cli, program_env, [JOINED, suspended])
    assert code == 0, stderr
    g = program_env.cli_args()
    partner = json.loads(cli([*g, "--json", "partner", "show", "Northwind Labs"]).stdout)
    assert [(h["at"], h["status"]) for h in partner["history"]] == [
        ("2019-04-01T10:00:00Z", "active"),
        ("2020-06-01T08:30:00Z", "suspended"),
    ]
    case = json.loads(cli([*g, "--json", "case", "show", "FW-2021-0001"]).stdout)
    assert sorted((e["at"]["at"], e["at"]["precision"]) for e in case["events"]) == [
        ("2021-02", "month"),
        ("2021-02-27", "day"),
    ]


@pytest.mark.parametrize(
    ("history", "why"),
    [
        (
            ["      - {at: 2019-04-01 10:00:00, status: active, reason: joined}"],
            "2019-04-01T10:00:00",
        ),
        (
            [JOINED, "      - {at: 2019-01-01T00:00:00Z, status: suspended, reason: audit}"],
            "history out of order",
        ),
        (
            [JOINED, "      - {at: 2020-01-01T00:00:00Z, status: removed, reason: left}"]
            + ["      - {at: 2020-02-01T00:00:00Z, status: active, reason: back}"],
            "cannot go from",
        ),
    ],
)
def test_an_impossible_history_is_refused(
    cli: CliRun, program_env: ProgramEnv, history: list[str], why: str
) -> None:
    code, stderr = _import(cli, program_env, history)
    assert code == 2, stderr
    assert stderr.startswith("error: ") and why in stderr, stderr
    assert json.loads(cli([*program_env.cli_args(), "--json", "partner", "list"]).stdout) == []


def test_an_event_note_too_long_is_refused(cli: CliRun, program_env: ProgramEnv) -> None:
    code, stderr = _import(cli, program_env, [JOINED])
    assert code == 0, stderr
    g = program_env.cli_args()
    long = cli(
        [*g, "case", "event", "FW-2021-0001", "--at", "2021-02-28", "--kind", "scanning"]
        + ["--note", "x" * 5000]
    )
    assert long.exit_code == 2 and "longer than" in long.stderr, long.stderr
    case = json.loads(cli([*g, "--json", "case", "show", "FW-2021-0001"]).stdout)
    assert len(case["events"]) == 2
