"""`forewarn case publish` records the patch's real release as an audit leaf; `case create
--related` links a case to the one it follows from. Both databases."""

from __future__ import annotations

import json

from conftest import CliRun, ProgramEnv
from forewarn.domain import LeafKind
from forewarn.program.audit import recorded_payload
from forewarn.store.audit_repo import AuditRepository

CASE = "FW-2021-0001"


def _create(cli: CliRun, env: ProgramEnv, case_id: str = CASE, *extra: str) -> None:
    done = cli(
        [
            *env.cli_args(),
            "case",
            "create",
            case_id,
            "--title",
            "Mail server pre-auth request chain",
            "--product",
            "Mail Server 2019",
            "--reported",
            "2021-01-05",
            "--patch-planned",
            "2021-03-09",
            *extra,
        ]
    )
    assert done.exit_code == 0, done.stderr


def _leaves(env: ProgramEnv, kind: LeafKind) -> list[dict[str, object]]:
    with env.open() as program, program.session() as session:
        return [
            recorded_payload(leaf)  # as the use case wrote it
            for leaf in AuditRepository(session).leaves()
            if leaf.kind is kind
        ]


def test_publish_records_the_release_instant_as_an_audit_leaf(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    _create(cli, program_env)
    g = program_env.cli_args()
    done = cli(
        [*g, "case", "publish", CASE, "--at", "2021-03-02T17:00:00Z"]
        + ["--now", "2021-03-02T18:00:00Z"]
    )
    assert done.exit_code == 0, done.stderr
    assert f"{CASE} published: patch released 2021-03-02T17:00:00Z (planned 2021-03-09)" in (
        done.stdout
    )
    (leaf,) = _leaves(program_env, LeafKind.PUBLICATION)
    assert leaf == {
        "case": CASE,
        "patch_actual": "2021-03-02T17:00:00Z",
        "precision": "instant",
        "patch_planned": "2021-03-09",
    }
    shown = json.loads(cli([*g, "case", "show", CASE, "--json"]).stdout)["case"]
    assert shown["status"] == "published"
    assert shown["patch_actual"] == {"at": "2021-03-02T17:00:00Z", "precision": "instant"}
    human = cli([*g, "case", "show", CASE]).stdout
    assert "2021-03-02T17:00:00Z" in human
    verified = cli([*g, "audit", "verify"])
    assert verified.exit_code == 0 and "audit log OK" in verified.stdout
    released = cli([*g, "wave", "release", CASE, "--now", "2021-03-03T00:00:00Z"])
    assert released.exit_code == 2 and "is published" in released.stderr


def test_publish_keeps_a_day_precision_and_prints_json(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    _create(cli, program_env)
    g = program_env.cli_args()
    done = cli([*g, "case", "publish", CASE, "--at", "2021-03-02", "--now", "2021-03-03T09:00Z"])
    assert done.exit_code == 0, done.stderr
    again = cli(
        [*g, "--json", "case", "show", CASE],
    )
    assert json.loads(again.stdout)["case"]["patch_actual"] == {
        "at": "2021-03-02",
        "precision": "day",
    }
    twice = cli(
        [*g, "case", "publish", CASE, "--at", "2021-03-04", "--now", "2021-03-05T00:00Z", "--json"]
    )
    assert twice.exit_code == 2
    assert json.loads(twice.stderr)["error"] == f"case {CASE} is published already at 2021-03-02"
    assert len(_leaves(program_env, LeafKind.PUBLICATION)) == 1


def test_publish_refuses_a_release_before_the_report_or_after_now(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    _create(cli, program_env)
    g = program_env.cli_args()
    early = cli([*g, "case", "publish", CASE, "--at", "2020-12-31", "--now", "2021-03-03T00:00Z"])
    assert early.exit_code == 2 and "before the report date" in early.stderr
    future = cli(
        [*g, "case", "publish", CASE, "--at", "2021-03-09T17:00Z", "--now", "2021-03-03T00:00Z"]
    )
    assert future.exit_code == 2 and "is after now" in future.stderr
    unknown = cli([*g, "case", "publish", "FW-1999-0001", "--at", "2021-03-02"])
    assert unknown.exit_code == 2 and "unknown case" in unknown.stderr
    assert _leaves(program_env, LeafKind.PUBLICATION) == []


def test_a_case_created_related_to_another_shows_the_link(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    _create(cli, program_env)
    g = program_env.cli_args()
    bypass = f"{CASE}-bypass"
    _create(cli, program_env, bypass, "--related", CASE)
    shown = json.loads(cli([*g, "case", "show", bypass, "--json"]).stdout)["case"]
    assert shown["related"] == CASE
    assert json.loads(cli([*g, "case", "show", CASE, "--json"]).stdout)["case"]["related"] is None
    human = cli([*g, "case", "show", bypass]).stdout
    assert "related to" in human and CASE in human
    missing = cli(
        [*g, "case", "create", "FW-2021-0009", "--title", "t", "--product", "p"]
        + ["--reported", "2021-01-05", "--patch-planned", "2021-03-09", "--related", "FW-0"]
    )
    assert missing.exit_code == 2 and "unknown case 'FW-0'" in missing.stderr
    itself = cli(
        [*g, "case", "create", "FW-2021-0009", "--title", "t", "--product", "p"]
        + ["--reported", "2021-01-05", "--patch-planned", "2021-03-09"]
        + ["--related", "FW-2021-0009"]
    )
    assert itself.exit_code == 2 and "related to itself" in itself.stderr


def test_related_cases_and_the_release_instant_survive_export_and_import(
    cli: CliRun, program_env: ProgramEnv
) -> None:
    _create(cli, program_env, "FW-2021-0002")
    _create(cli, program_env, "FW-2021-0001", "--related", "FW-2021-0002")
    g = program_env.cli_args()
    published = cli(
        [*g, "case", "publish", "FW-2021-0002", "--at", "2021-03-02T17:00Z"]
        + ["--now", "2021-03-02T18:00Z"]
    )
    assert published.exit_code == 0, published.stderr
    exported = program_env.dir / "export" / "program.yaml"
    assert cli([*g, "program", "export", str(exported), "--plaintext"]).exit_code == 0
    text = exported.read_text()
    assert "related: FW-2021-0002" in text and "patch_actual: '2021-03-02T17:00:00Z'" in text
    fresh = [
        "--db",
        f"sqlite:///{program_env.dir / 'fresh.db'}",
        "--key-file",
        str(program_env.dir / "fresh.key"),
    ]
    assert cli([*fresh, "init", "--now", "2021-01-04T09:00Z"]).exit_code == 0
    imported = cli([*fresh, "program", "import", str(exported), "--now", "2021-03-03T00:00Z"])
    assert imported.exit_code == 0, imported.stderr
    one = json.loads(cli([*fresh, "case", "show", "FW-2021-0001", "--json"]).stdout)["case"]
    two = json.loads(cli([*fresh, "case", "show", "FW-2021-0002", "--json"]).stdout)["case"]
    assert one["related"] == "FW-2021-0002"
    assert two["patch_actual"] == {"at": "2021-03-02T17:00:00Z", "precision": "instant"}
