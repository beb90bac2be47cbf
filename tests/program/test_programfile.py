"""The program file: import then export gives the same document and the same bytes back."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyrage import x25519

from conftest import T0, ProgramEnv
from forewarn.domain import ArtifactKind, CaseStatus, EventKind, PartnerStatus
from forewarn.domain.validation import format_duration, format_instant
from forewarn.errors import ValidationError
from forewarn.program import programfile as pf
from forewarn.program import programfile_schema as schema
from forewarn.program.service import init_program, open_program
from forewarn.settings import Settings, sqlite_url

AGE_KEY = str(x25519.Identity.generate().to_public())
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé ABCXYZ0123456789-", min_size=1, max_size=24)
NAMES = WORDS.map(str.strip).filter(bool)
SLUG = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
KIND_ORDER = list(ArtifactKind)
RULE_FILES = (
    b'rule probe_tool { strings: $a = "/autodiscover/" condition: $a }\n',
    b'alert http any any -> any any (msg:"probe"; http.uri; content:"/x"; sid:1; rev:1;)\n',
)
"""Rule files an artifact of kind `rules` may hold (they are checked when added)."""


SPANS = st.builds(lambda n, unit: f"{n}{unit}", st.integers(1, 30), st.sampled_from("hdy"))
CONDITIONS = st.fixed_dictionaries(
    {},
    optional={
        "countries": st.lists(st.sampled_from(["US", "DE", "fr"]), min_size=1, unique=True),
        "tiers": st.lists(SLUG, min_size=1, max_size=2, unique=True),
        "suspended_within": SPANS,
    },
).filter(bool)
EFFECTS = st.fixed_dictionaries(
    {},
    optional={
        "withhold": st.lists(
            st.sampled_from([k.value for k in ArtifactKind]), min_size=1, unique=True
        ),
        "delay": SPANS,
        "exclude": st.just(True),
    },
).filter(bool)
RULES = st.builds(
    lambda name, when, then: {**name, **when, **then},
    st.fixed_dictionaries({}, optional={"name": NAMES}),
    CONDITIONS,
    EFFECTS,
)
"""Policy rules that apply (docs/program-file.md): a condition and an effect each."""


@st.composite
def tiers(draw: st.DrawFn) -> list[schema.TierEntry]:
    names = draw(st.lists(SLUG, min_size=1, max_size=3, unique=True))
    ranks = draw(
        st.lists(st.integers(0, 50), min_size=len(names), max_size=len(names), unique=True)
    )
    result = []
    for name, rank in zip(names, ranks, strict=True):
        kinds = draw(st.sets(st.sampled_from(KIND_ORDER), min_size=1))
        seconds = draw(st.integers(0, 30 * 86_400))
        result.append(
            schema.TierEntry(
                name=name,
                rank=rank,
                lead_time=format_duration(timedelta(seconds=seconds)),
                artifact_kinds=[k for k in KIND_ORDER if k in kinds],
            )
        )
    return result


@st.composite
def history(draw: st.DrawFn) -> list[schema.HistoryEntry]:
    at = draw(st.datetimes(datetime(2015, 1, 1), datetime(2025, 1, 1), timezones=st.just(UTC)))
    entries = [
        schema.HistoryEntry(at=format_instant(at), status=PartnerStatus.ACTIVE, reason="joined")
    ]
    status = PartnerStatus.ACTIVE
    for _ in range(draw(st.integers(0, 3))):
        if status is PartnerStatus.REMOVED:
            break
        status = draw(
            st.sampled_from(
                [PartnerStatus.SUSPENDED, PartnerStatus.REMOVED]
                if status is PartnerStatus.ACTIVE
                else [PartnerStatus.ACTIVE, PartnerStatus.REMOVED]
            )
        )
        at += timedelta(seconds=draw(st.integers(0, 10**7)))
        entries.append(
            schema.HistoryEntry(at=format_instant(at), status=status, reason=draw(NAMES))
        )
    return entries


@st.composite
def time_points(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(datetime(2015, 1, 1), datetime(2025, 1, 1), timezones=st.just(UTC)))
    form = draw(st.sampled_from(["month", "day", "instant"]))
    if form == "month":
        return moment.strftime("%Y-%m")
    if form == "day":
        return moment.strftime("%Y-%m-%d")
    return format_instant(moment)


@st.composite
def documents(draw: st.DrawFn) -> tuple[schema.ProgramFile, dict[str, bytes]]:
    tier_list = draw(tiers())
    partner_names = draw(st.lists(NAMES, max_size=3, unique=True))
    partners = [
        schema.PartnerEntry(
            name=name,
            country=draw(st.sampled_from(["US", "DE", "JP", "BR", "IL"])),
            tier=draw(st.sampled_from(tier_list)).name,
            emails=draw(st.lists(st.sampled_from(["a@x.example", "psirt@y.example"]), unique=True)),
            age_recipient=draw(st.sampled_from([None, AGE_KEY])),
            nda_date=draw(st.one_of(st.none(), st.dates(date(2010, 1, 1), date(2025, 1, 1)))),
            history=draw(history()),
        )
        for name in partner_names
    ]
    files: dict[str, bytes] = {}
    cases = []
    for case_id in sorted(
        draw(st.lists(st.from_regex(r"FW-[0-9]{4}", fullmatch=True), max_size=2, unique=True))
    ):
        reported = draw(st.dates(date(2015, 1, 1), date(2025, 1, 1)))
        artifacts = []
        for name in draw(
            st.lists(st.sampled_from(["poc.py", "advisory.md", "rules.yar"]), unique=True)
        ):
            tier = draw(st.sampled_from(tier_list))
            item = schema.ArtifactEntry(
                name=name,
                kind=draw(st.sampled_from(tier.artifact_kinds)),
                min_tier=tier.name,
                file=f"{case_id}/{name}",
            )
            if item.kind is ArtifactKind.RULES:  # rule files are checked: draw valid ones
                files[item.file] = draw(st.sampled_from(RULE_FILES))
            else:
                files[item.file] = draw(st.binary(max_size=200))
            artifacts.append(item)
        cases.append(
            schema.CaseEntry(
                id=case_id,
                title=draw(NAMES),
                product=draw(NAMES),
                cves=draw(
                    st.lists(
                        st.from_regex(r"CVE-20[0-9]{2}-[0-9]{4,6}", fullmatch=True),
                        unique=True,
                        max_size=2,
                    )
                ),
                cvss=draw(st.sampled_from([None, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"])),
                finder=draw(st.one_of(st.just(""), NAMES)),
                reported=reported,
                patch_planned=reported + timedelta(days=draw(st.integers(0, 200))),
                patch_actual=draw(st.sampled_from([None, reported + timedelta(days=90)])),
                status=draw(st.sampled_from(list(CaseStatus))),
                artifacts=artifacts,
                events=[
                    schema.EventEntry(
                        at=draw(time_points()),
                        kind=draw(st.sampled_from(list(EventKind))),
                        note=draw(WORDS),
                        source=draw(st.one_of(st.just(""), WORDS)),
                    )
                    for _ in range(draw(st.integers(0, 3)))
                ],
            )
        )
    rules = draw(st.lists(RULES, max_size=2))
    program = schema.ProgramSection(name=draw(NAMES), tiers=tier_list, rules=rules)
    return schema.ProgramFile(program=program, partners=partners, cases=cases), files


def _round_trip(template: Path, document: schema.ProgramFile, files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        shutil.copyfile(template, base / "forewarn.db")
        settings_ = Settings(database_url=sqlite_url(base / "forewarn.db"), key_file=base / "k.key")
        init_program(settings_, now=T0)
        (base / "in").mkdir()
        for relative, content in files.items():
            (base / "in" / relative).parent.mkdir(parents=True, exist_ok=True)
            (base / "in" / relative).write_bytes(content)
        text = schema.dump_program_file(document)
        (base / "in" / "program.yaml").write_text(text, encoding="utf-8")
        with open_program(settings_) as program:
            with program.session() as session:
                pf.import_program(
                    session,
                    program.keys,
                    base / "in" / "program.yaml",
                    now=T0,
                    private=program.private_files(),
                )
            with program.session() as session:
                pf.export_program(session, program.keys, base / "out" / "program.yaml")
        assert (base / "out" / "program.yaml").read_text(encoding="utf-8") == text
        assert schema.read_program_file(base / "out" / "program.yaml") == document
        for relative, content in files.items():
            assert (base / "out" / relative).read_bytes() == content


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_import_then_export_is_exact(
    sqlite_template: Path, drawn: tuple[schema.ProgramFile, dict[str, bytes]]
) -> None:
    _round_trip(sqlite_template, *drawn)


DOCS_EXAMPLE = Path(__file__).parents[2] / "docs" / "program-file.md"


def _docs_yaml() -> str:
    text = DOCS_EXAMPLE.read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    return block.replace("age_recipient: age1...    # optional", f"age_recipient: {AGE_KEY}")


def test_the_documented_example_imports_on_both_databases(program_env: ProgramEnv) -> None:
    folder = program_env.dir / "scenario"
    (folder / "FW-2021-0001").mkdir(parents=True)
    (folder / "FW-2021-0001" / "advisory.md").write_text("# Advisory\n")
    (folder / "FW-2021-0001" / "poc.py").write_text("print('benign')\n")
    (folder / "program.yaml").write_text(_docs_yaml())
    with program_env.open() as program:
        with program.session() as session:
            summary = pf.import_program(
                session,
                program.keys,
                folder / "program.yaml",
                now=T0,
                private=program.private_files(),
            )
        with program.session() as session:
            pf.export_program(session, program.keys, program_env.dir / "out" / "program.yaml")
    assert (summary.tiers, summary.partners, summary.cases, summary.events) == (2, 1, 1, 2)
    again = schema.read_program_file(program_env.dir / "out" / "program.yaml")
    assert again == schema.read_program_file(folder / "program.yaml")


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("program: [", "not valid YAML"),
        ("program: {name: x}", "program.tiers"),
        ("program: {name: x, tiers: [], rules: [{at: 2021-01-01}]}", "not JSON serializable"),
        ("program: {name: x, tiers: []}\nextra: 1", "extra"),
        ("program: {name: x, tiers: [], rules: [{countries: [US]}]}", "'rule 1' has no effect"),
        ("program: {name: x, tiers: [], rules: [{delay: 1d}]}", "'rule 1' names no condition"),
        (
            "program: {name: x, tiers: [], rules: [{countries: [US], exclude: 'no'}]}",
            "exclude must be true or false",
        ),
        ("program: {name: x, tiers: [], rules: [{countries: [US], exclude: 0}]}", "not 0"),
        ("a: &a [1, 2]\nb: *a\n", "aliases"),
        ("program: " + "[" * 200 + "]" * 200, "nested deeper"),
    ],
)
def test_bad_program_files(yaml_text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        schema.parse_program_file(yaml_text)


def test_import_refuses_missing_artifact_files_and_writes_nothing(program_env: ProgramEnv) -> None:
    text = _docs_yaml()
    (program_env.dir / "program.yaml").write_text(text)
    with program_env.open() as program:
        with pytest.raises(ValidationError, match="cannot read artifact file"):
            with program.session() as session:
                pf.import_program(
                    session,
                    program.keys,
                    program_env.dir / "program.yaml",
                    now=T0,
                    private=program.private_files(),
                )
        with program.session() as session:
            document = pf.build_program_file(session)
    assert document.partners == [] and document.cases == []
    assert [t.name for t in document.program.tiers] == ["early-access", "standard", "responder"]
