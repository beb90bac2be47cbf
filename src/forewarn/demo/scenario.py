"""`forewarn demo`: replay a shipped case end to end on an embedded SQLite database.

Each scenario is a folder of package data under `forewarn/data/scenarios/`: the program file
(`scenario.yaml`: partners, tiers, policy, the case, its artifacts and timeline), the sources of
its facts (`facts.yaml`, see `facts`) and an attack script (`attack.yaml`) that plays the
attackers: one partner's copy of the PoC escapes, maybe disguised, and shows up as a tool, and
for some as lines in a server's web logs; the patch may be published on the way. The
investigation that follows reads only the program's records and that evidence; the script
stages the evidence, never judges it. `exchange-2021` (a leak before the patch) is the default;
`mapp-2012` is a leak after it.
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
from forewarn.demo.facts import ScenarioFacts, load_facts
from forewarn.domain import ArtifactKind, ReleaseState, TimePoint, TimePrecision
from forewarn.domain.investigation import InvestigationResult
from forewarn.domain.validation import parse_duration, parse_instant, parse_time_point
from forewarn.errors import InvestigationError, ValidationError
from forewarn.investigate.report import to_json, write_report
from forewarn.investigate.service import run_investigation
from forewarn.program.artifacts import read_artifact
from forewarn.program.bundle_handover import fetch_bundle
from forewarn.program.case_marking import marker_for_case
from forewarn.program.cases import publish_case
from forewarn.program.evidence import Intake, add_evidence
from forewarn.program.programfile import import_program
from forewarn.program.release import release_due
from forewarn.program.service import Program, init_program, open_program
from forewarn.settings import Settings, sqlite_url
from forewarn.store.release_repo import ReleaseRepository

logger = logging.getLogger(__name__)

SCENARIO = "exchange-2021"
"""The default scenario: its folder under `forewarn/data/scenarios`."""

OUTPUTS = ("forewarn.db", "forewarn.key", "forewarn.witness", "report.html", "report.json")
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
    source: str


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
    intake_at: str
    releases: list[str] = pydantic.Field(min_length=1)
    leak: _Leak
    transformations: list[str]
    other_fetches: _Fetches
    found_tool: _Found
    weblogs: _Logs | None = None
    publish_at: str | None = None
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
    facts: ScenarioFacts
    """Where the scenario's facts come from, and what it invents."""


def scenario_names() -> list[str]:
    """The shipped scenarios: every folder of package data with an attack script, sorted."""
    root = resources.files("forewarn").joinpath("data", "scenarios")
    return sorted(d.name for d in root.iterdir() if d.joinpath("attack.yaml").is_file())


@contextmanager
def scenario_dir(name: str = SCENARIO) -> Iterator[Path]:
    """A shipped scenario's folder as a real path; an unknown name lists the known ones."""
    names = scenario_names()
    if name not in names:
        raise ValidationError(
            f"unknown scenario {name!r}", hint=f"choose one of: {', '.join(names)}"
        )
    folder = resources.files("forewarn").joinpath("data", "scenarios", name)
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
    intake = parse_instant(script.intake_at)
    init_program(settings, now=intake, replay=True)
    program = open_program(settings)
    with program.session() as session:
        import_program(
            session,
            program.keys,
            scenario / "scenario.yaml",
            now=intake,
            private=program.private_files(),
        )
    for wave in script.releases:
        release_due(program.session, program.keys, script.case, now=parse_instant(wave))
    with program.session() as session:
        delivered = ReleaseRepository(session).for_case(script.case, ReleaseState.COMPLETE)
    others = sorted(r.partner for r in delivered if r.partner != script.leak.partner)
    step = parse_duration(script.other_fetches.every)
    times = {p: parse_instant(script.other_fetches.at) + i * step for i, p in enumerate(others)}
    times[script.leak.partner] = parse_instant(script.leak.fetched_at)
    for partner, at in sorted(times.items(), key=lambda item: item[1]):
        with program.session() as session:
            fetch_bundle(session, program.keys, script.case, partner=partner, now=at)
    if script.publish_at is not None:
        released = parse_time_point(script.publish_at)
        with program.session() as session:
            publish_case(session, program.keys, script.case, at=released, now=released.start)
    return program


def _stage_evidence(program: Program, script: AttackScript, evidence: Path) -> None:
    leak = script.leak
    with program.session() as session:
        original = read_artifact(session, program.keys, script.case, leak.artifact)
        marker = marker_for_case(session, program.keys, script.case)
    copy = marker.mark(leak.artifact, ArtifactKind.POC, original, leak.partner).content
    tool = evidence / script.found_tool.name
    if script.transformations:
        text = disguises.transform(copy.decode("utf-8"), script.transformations)
        tool.write_text(text, encoding="utf-8")
    else:  # a verbatim copy: byte for byte the partner's
        tool.write_bytes(copy)
    # the file keeps today's modification time, as a copy out of a ticket would: the
    # investigation dates it by its registered seen time (`_register_evidence`)
    if script.weblogs is not None:
        _stage_weblogs(script, script.weblogs, copy, evidence)


def _stage_weblogs(script: AttackScript, logs: _Logs, copy: bytes, evidence: Path) -> None:
    """The web logs of a server the leaked tool was run against, around background traffic."""
    leak = script.leak
    rng = random.Random(f"{script.case}:weblogs")  # noqa: S311 - staged log noise, not security  # nosec B311
    with tempfile.TemporaryDirectory() as scratch:
        partner_copy = Path(scratch) / leak.artifact
        partner_copy.write_bytes(copy)
        runs = weblog.run_poc(partner_copy, logs.exploitation.runs)
    scan_day = _day(logs.scanning.day)
    wave_day = _day(logs.exploitation.day)
    for day, lines in (
        (scan_day, weblog.scanning(scan_day, rng, logs.scanning.sources)),
        (wave_day, weblog.exploitation(wave_day, rng, runs)),
    ):
        text = weblog.w3c_log(day, [*weblog.background(day, rng), *lines])
        (evidence / f"{logs.server}-u_ex{day:%y%m%d}.log").write_text(text)


COLLECTOR = "PSIRT on-call analyst (demo)"
"""Who collects the demo's evidence."""


def _register_evidence(program: Program, script: AttackScript, evidence: Path) -> None:
    """Register the staged evidence as a PSIRT would: when and where each item was seen.

    The tool is dated by its registered seen time (not by the file's modification time); the
    logs, if any, are registered when they were collected, and their own lines date the requests.
    """
    collected = parse_instant(script.investigate_at)
    tool_seen = _day(script.found_tool.seen) + timedelta(hours=12)
    intakes = [
        Intake(
            script.found_tool.name,
            (evidence / script.found_tool.name).read_bytes(),
            TimePoint(tool_seen, TimePrecision.INSTANT),
            script.found_tool.source,
            COLLECTOR,
        )
    ]
    if script.weblogs is not None:
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


def run_demo(
    out: Path, *, scenario: str = SCENARIO, say: Callable[[str], None] = logger.info
) -> DemoOutcome:
    """Build the program, release, leak, trace, investigate; write the report into `out`."""
    with scenario_dir(scenario) as folder:
        facts = load_facts(folder / "facts.yaml")
        script = load_attack(folder / "attack.yaml")
        settings = _fresh(out)
        evidence = out / "evidence"
        say(f"replaying {facts.title}; facts from {'; '.join(facts.publications())}")
        program = _stage_program(settings, folder, script)
    try:
        waves = ", ".join(script.releases)
        published = f"; patch published {script.publish_at}" if script.publish_at else ""
        say(f"released the waves of {waves}{published}; staging the attack")
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
    return DemoOutcome(result, report, data, evidence, out / "forewarn.db", facts)


__all__ = [
    "SCENARIO",
    "AttackScript",
    "DemoOutcome",
    "load_attack",
    "run_demo",
    "scenario_dir",
    "scenario_names",
]
