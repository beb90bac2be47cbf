"""No traceback for any input: every command driven with generated bad values exits cleanly.

Each template is a real command line with slots; hypothesis fills the slots with dates at the
ends of the calendar, impossible days, huge numbers, control characters and free text. A command
may succeed or refuse, but it must never end in an uncaught exception: the runner is called with
`catch_exceptions=False`, so one escaping fails the test with its traceback.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from forewarn.cli.app import app
from forewarn.program.service import init_program
from forewarn.settings import Settings, sqlite_url

EDGE_TIMES = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2021-02-30T00:00:00Z",
    "2021-02-28T24:00:00Z",
    "1e400",
    "-1",
    "",
]
EDGE_DATES = ["0001-01-01", "9999-12-31", "2021-02-30", "2021-00-10", "99999-01-01", ""]
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-14))])

TIMES = st.one_of(
    st.sampled_from(EDGE_TIMES),
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES
    ).map(lambda d: d.isoformat()),
    st.text(max_size=25),
)
DATES = st.one_of(
    st.sampled_from(EDGE_DATES), st.dates().map(lambda d: d.isoformat()), st.text(max_size=12)
)
NAMES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["Fuzz Partner", "C1", "standard", "poc", "a" * 5000, "..", "/etc/passwd"]),
)
INTS = st.one_of(st.integers(-(10**30), 10**30).map(str), st.sampled_from(["0", "-1", "nan"]))
SLOTS = {"{time}": TIMES, "{date}": DATES, "{name}": NAMES, "{int}": INTS}

TEMPLATES = [
    (
        "case",
        "create",
        "{name}",
        "--title",
        "{name}",
        "--product",
        "p",
        "--reported",
        "{date}",
        "--patch-planned",
        "{date}",
    ),
    ("case", "event", "C1", "--at", "{time}", "--kind", "{name}", "--note", "{name}"),
    (
        "case",
        "reschedule",
        "C1",
        "--patch-planned",
        "{date}",
        "--reason",
        "{name}",
        "--now",
        "{time}",
    ),
    (
        "partner",
        "add",
        "{name}",
        "--country",
        "{name}",
        "--tier",
        "standard",
        "--nda-date",
        "{date}",
        "--now",
        "{time}",
    ),
    ("partner", "suspend", "Fuzz Partner", "--reason", "{name}", "--now", "{time}"),
    ("partner", "show", "{name}"),
    ("wave", "plan", "{name}"),
    ("wave", "release", "C1", "--now", "{time}", "--workers", "{int}"),
    ("bundle", "fetch", "C1", "--partner", "{name}", "--out", "{out}", "--now", "{time}"),
    ("bundle", "ack", "C1", "--partner", "{name}", "--now", "{time}"),
    ("investigate", "C1", "--now", "{time}"),
    (
        "case",
        "add-artifact",
        "C1",
        "{file}",
        "--kind",
        "{name}",
        "--min-tier",
        "{name}",
        "--name",
        "{name}",
    ),
    ("audit", "prove", "{name}"),
    ("audit", "consistency", "{int}", "--second", "{int}"),
    ("init", "--now", "{time}"),
]


@pytest.fixture(scope="module")
def fuzz_program(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path]:
    folder = tmp_path_factory.mktemp("fuzz")
    settings_ = Settings(database_url=sqlite_url(folder / "f.db"), key_file=folder / "f.key")
    init_program(settings_, now=datetime(2021, 1, 1, tzinfo=UTC), name="Fuzz", replay=True)
    args = ["--db", settings_.database_url, "--key-file", str(settings_.key_file)]
    runner = CliRunner()
    for setup in (
        [
            "case",
            "create",
            "C1",
            "--title",
            "t",
            "--product",
            "p",
            "--reported",
            "2021-01-05",
            "--patch-planned",
            "2021-03-09",
        ],
        [
            "partner",
            "add",
            "Fuzz Partner",
            "--country",
            "DE",
            "--tier",
            "standard",
            "--now",
            "2021-01-02T00:00:00Z",
        ],
    ):
        assert runner.invoke(app, [*args, *setup]).exit_code == 0
    (folder / "poc.py").write_text("print('benign look-alike')\n")
    return args, folder


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: " ".join(t[:2]))
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_command_never_ends_in_a_traceback(
    fuzz_program: tuple[list[str], Path], template: tuple[str, ...], data: st.DataObject
) -> None:
    args, folder = fuzz_program
    line: list[str] = []
    for part in template:
        if part in SLOTS:
            line.append(data.draw(SLOTS[part], label=part))
        elif part == "{out}":
            line.append(str(folder / "out"))
        elif part == "{file}":
            line.append(str(folder / "poc.py"))
        else:
            line.append(part)
    for as_json in (False, True):
        flags = ["--json"] if as_json else []
        result = CliRunner().invoke(app, [*args, *flags, *line], catch_exceptions=False)
        assert result.exit_code != 1, (line, result.stdout, result.stderr)
        if result.exit_code not in (0, 2) or not result.stderr.startswith(("error:", "{")):
            continue
        first = result.stderr.strip().splitlines()
        assert len(first) == 1, (line, result.stderr)


def _program_yaml(
    rank: str, lead: str, reported: str, planned: str, at: str, nda: str, q: str = '"'
) -> str:
    """The program file; `q=""` leaves dates unquoted, so YAML itself reads them as dates."""
    return f"""program:
  name: Fuzz
  tiers:
    - {{name: standard, rank: {rank}, lead_time: "{lead}", artifact_kinds: [advisory]}}
  rules:
    - {{name: r, countries: [DE], delay: "{lead}"}}
partners:
  - name: Fuzz Two
    country: DE
    tier: standard
    nda_date: {q}{nda}{q}
    history: [{{at: {q}{at}{q}, status: active, reason: joined the program}}]
cases:
  - id: C9
    title: t
    product: p
    reported: {q}{reported}{q}
    patch_planned: {q}{planned}{q}
    events: [{{at: {q}{at}{q}, kind: exploitation}}]
"""


DURATIONS = st.one_of(
    st.integers(0, 10**40).map(lambda n: f"{n}d"),
    st.sampled_from(["14d", "99999999999999999999y", "-1d", "1e9h", ""]),
)


@pytest.fixture(scope="module")
def empty_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("empty")
    settings_ = Settings(database_url=sqlite_url(folder / "p.db"), key_file=folder / "p.key")
    init_program(settings_, now=datetime(2021, 1, 1, tzinfo=UTC), name="Fuzz", replay=True)
    return folder


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rank=INTS,
    lead=DURATIONS,
    reported=DATES,
    planned=DATES,
    at=TIMES,
    nda=DATES,
    quote=st.sampled_from(['"', ""]),  # unquoted `2021-20-01`: a ValueError in YAML (bench/fuzz.py)
)
def test_a_program_file_with_any_values_never_ends_in_a_traceback(
    empty_program: Path,
    tmp_path_factory: pytest.TempPathFactory,
    rank: str,
    lead: str,
    reported: str,
    planned: str,
    at: str,
    nda: str,
    quote: str,
) -> None:
    folder = tmp_path_factory.mktemp("pf")
    for name in ("p.db", "p.key"):
        shutil.copy2(empty_program / name, folder / name)
    clean = [v.replace('"', "").replace("\\", "") for v in (rank, lead, reported, planned, at, nda)]
    (folder / "program.yaml").write_text(_program_yaml(*clean, q=quote), encoding="utf-8")
    args = ["--db", sqlite_url(folder / "p.db"), "--key-file", str(folder / "p.key")]
    result = CliRunner().invoke(
        app, [*args, "program", "import", str(folder / "program.yaml")], catch_exceptions=False
    )
    assert result.exit_code in (0, 2), result.stderr
