"""`forewarn demo`: replay the Exchange 2021 case end to end on an embedded SQLite database.

The program (80 partners, tiers, the case, its artifacts and timeline) comes from the scenario
file shipped with the package. The attack script (`attack.yaml`) then plays the attackers: one
partner's copy of the PoC escapes, is reformatted and renamed, and shows up as a tool on a
compromised server and as lines in its web logs. The investigation that follows reads only the
program's records and that evidence; the script is used to stage the evidence, never to judge it.
"""

from __future__ import annotations

import logging
import random
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pydantic
import yaml

from forewarn.demo import disguises, weblog
from forewarn.domain import ArtifactKind, ReleaseState, TimePoint, TimePrecision
from forewarn.domain.investigation import InvestigationResult
from forewarn.domain.validation import parse_duration, parse_instant
from forewarn.errors import InvestigationError
from forewarn.investigate.report import to_json, write_report
from forewarn.investigate.service import run_investigation
from forewarn.program.artifacts import read_artifact
from forewarn.program.evidence import Intake, add_evidence
from forewarn.program.programfile import import_program
from forewarn.program.release import fetch_bundle, marker_for_case, release_due
from forewarn.program.service import Program, init_program, open_program
from forewarn.settings import Settings, sqlite_url
from forewarn.store.release_repo import ReleaseRepository

logger = logging.getLogger(__name__)

SCENARIO = "exchange-2021"
"""The scenario folder under `forewarn/data/scenarios`."""

OUTPUTS = ("forewarn.db", "forewarn.key", "report.html", "report.json")
"""Files a demo writes into its folder (replaced on every run), besides `evidence/`."""


class _Leak(pydantic.BaseModel):
    partner: str
    artifact: str
    fetched_at: str
    leaked_at: str


class _Fetches(pydantic.BaseModel):
    at: str
    every: str


class _Found(pydantic.BaseModel):
    name: str
    seen: str


class _Scan(pydantic.BaseModel):
    day: str
    sources: int


class _Exploit(pydantic.BaseModel):
    day: str
    runs: int


class _Logs(pydantic.BaseModel):
    server: str
    scanning: _Scan
    exploitation: _Exploit


class AttackScript(pydantic.BaseModel):
    """The attack script as written in `attack.yaml`."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    case: str
    release_at: str
    leak: _Leak
    transformations: list[str]
    other_fetches: _Fetches
    found_tool: _Found
    weblogs: _Logs
    investigate_at: str


@dataclass(frozen=True, slots=True)
class DemoOutcome:
    """What the demo produced."""

    result: InvestigationResult
    """The investigation's conclusions."""
    report: Path
    """The HTML report."""
    json: Path
    """The same as JSON."""
    evidence: Path
    """The folder of material "found in the wild"."""
    database: Path
    """The SQLite program store, for further `forewarn --db … investigate` runs."""


@contextmanager
def scenario_dir() -> Iterator[Path]:
    """The shipped scenario folder as a real path."""
    folder = resources.files("forewarn").joinpath("data", "scenarios", SCENARIO)
    with resources.as_file(folder) as path:
        yield Path(path)


def load_attack(path: Path) -> AttackScript:
    """Parse and check the attack script."""
    try:
        return AttackScript.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, pydantic.ValidationError) as exc:
        raise InvestigationError(f"cannot read the attack script {path}: {exc}") from exc


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _fresh(out: Path) -> Settings:
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        (out / name).unlink(missing_ok=True)
    evidence = out / "evidence"
    if evidence.exists():
        for child in evidence.iterdir():
            child.unlink()
    evidence.mkdir(exist_ok=True)
    return Settings(database_url=sqlite_url(out / "forewarn.db"), key_file=out / "forewarn.key")


def _stage_program(settings: Settings, scenario: Path, script: AttackScript) -> Program:
    intake = _day("2021-01-05T12:00:00")
    init_program(settings, now=intake)
    program = open_program(settings)
    with program.session() as session:
        import_program(
            session,
            program.keys,
            scenario / "scenario.yaml",
            now=intake,
            private=program.private_files(),
        )
    release_due(program.session, program.keys, script.case, now=parse_instant(script.release_at))
    with program.session() as session:
        delivered = ReleaseRepository(session).for_case(script.case, ReleaseState.COMPLETE)
    others = sorted(r.partner for r in delivered if r.partner != script.leak.partner)
    step = parse_duration(script.other_fetches.every)
    times = {p: parse_instant(script.other_fetches.at) + i * step for i, p in enumerate(others)}
    times[script.leak.partner] = parse_instant(script.leak.fetched_at)
    for partner, at in sorted(times.items(), key=lambda item: item[1]):
        with program.session() as session:
            fetch_bundle(session, program.keys, script.case, partner=partner, now=at)
    return program


def _stage_evidence(program: Program, script: AttackScript, evidence: Path) -> None:
    leak = script.leak
    with program.session() as session:
        original = read_artifact(session, program.keys, script.case, leak.artifact)
        marker = marker_for_case(session, program.keys, script.case)
    copy = marker.mark(leak.artifact, ArtifactKind.POC, original, leak.partner).content
    tool = evidence / script.found_tool.name
    tool.write_text(
        disguises.transform(copy.decode("utf-8"), script.transformations), encoding="utf-8"
    )
    # the file keeps today's modification time, as a copy out of a ticket would: the
    # investigation dates it by its registered seen time (`_register_evidence`)
    rng = random.Random(f"{script.case}:weblogs")  # noqa: S311 - staged log noise, not security
    with tempfile.TemporaryDirectory() as scratch:
        partner_copy = Path(scratch) / leak.artifact
        partner_copy.write_bytes(copy)
        runs = weblog.run_poc(partner_copy, script.weblogs.exploitation.runs)
    scan_day = _day(script.weblogs.scanning.day)
    wave_day = _day(script.weblogs.exploitation.day)
    for day, lines in (
        (scan_day, weblog.scanning(scan_day, rng, script.weblogs.scanning.sources)),
        (wave_day, weblog.exploitation(wave_day, rng, runs)),
    ):
        text = weblog.w3c_log(day, [*weblog.background(day, rng), *lines])
        (evidence / f"{script.weblogs.server}-u_ex{day:%y%m%d}.log").write_text(text)


COLLECTOR = "PSIRT on-call analyst (demo)"
"""Who collects the demo's evidence."""


def _register_evidence(program: Program, script: AttackScript, evidence: Path) -> None:
    """Register the staged evidence as a PSIRT would: when and where each item was seen.

    The tool is dated by its registered seen time (not by the file's modification time); the
    logs are registered when they were collected, and their own lines date the requests.
    """
    collected = parse_instant(script.investigate_at)
    tool_seen = _day(script.found_tool.seen) + timedelta(hours=12)
    intakes = [
        Intake(
            script.found_tool.name,
            (evidence / script.found_tool.name).read_bytes(),
            TimePoint(tool_seen, TimePrecision.INSTANT),
            f"web shell directory of {script.weblogs.server}, customer incident ticket",
            COLLECTOR,
        )
    ]
    intakes += [
        Intake(
            log.name,
            log.read_bytes(),
            TimePoint(collected, TimePrecision.INSTANT),
            f"IIS logs of {script.weblogs.server}, sent by the customer",
            COLLECTOR,
        )
        for log in sorted(evidence.glob("*.log"))
    ]
    with program.session() as session:
        add_evidence(session, program.keys, script.case, intakes, now=collected)


def run_demo(out: Path, *, say: Callable[[str], None] = logger.info) -> DemoOutcome:
    """Build the program, release, leak, trace, investigate; write the report into `out`."""
    settings = _fresh(out)
    evidence = out / "evidence"
    with scenario_dir() as scenario:
        script = load_attack(scenario / "attack.yaml")
        say("importing the Exchange 2021 program: 80 partners, 1 case")
        program = _stage_program(settings, scenario, script)
    try:
        say(f"released the early-access wave at {script.release_at}; staging the attack")
        _stage_evidence(program, script, evidence)
        _register_evidence(program, script, evidence)
        say("tracing the registered evidence and investigating")
        with program.session() as session:
            result = run_investigation(
                session,
                program.keys,
                script.case,
                as_of=parse_instant(script.investigate_at),
                evidence=[evidence],
                replay=True,
                record=True,
            )
    finally:
        program.close()
    report = write_report(result, out / "report.html")
    data = out / "report.json"
    data.write_text(to_json(result), encoding="utf-8")
    return DemoOutcome(result, report, data, evidence, out / "forewarn.db")


__all__ = ["AttackScript", "DemoOutcome", "load_attack", "run_demo", "scenario_dir"]
